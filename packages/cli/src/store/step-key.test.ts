import { describe, expect, it } from "vitest";
import { pathPattern, stepKey } from "./step-key.js";

const key = (inputs: string[], outputs: string[], argv: string[] = ["python3", "x.py"]) =>
  stepKey({ inputs, outputs, argv });

describe("stepKey", () => {
  it("ignores order, duplicates and ./ spelling of paths", () => {
    expect(key(["b.csv", "./a.csv", "a.csv"], ["out//m.pt"])).toBe(key(["a.csv", "b.csv"], ["out/m.pt"]));
  });

  it("treats numbered checkpoints as one path pattern", () => {
    expect(key(["data.csv"], ["ckpt_0001.pt", "ckpt_0002.pt"])).toBe(key(["data.csv"], ["ckpt_0001.pt"]));
    expect(key(["data.csv"], ["runs/epoch-3/model.pt"])).toBe(key(["data.csv"], ["runs/epoch-12/model.pt"]));
    expect(pathPattern("runs/epoch-3/ckpt_0007.pt")).toBe("runs/epoch-#/ckpt_#.pt");
  });

  it("only normalises the file name and its directory, not the whole path", () => {
    expect(pathPattern("exp1/sub/run-2/model.pt")).toBe("exp1/sub/run-#/model.pt");
    expect(key([], ["exp1/a/model.pt"])).not.toBe(key([], ["exp2/a/model.pt"]));
  });

  it("keeps digits of source files read as inputs: two scripts are two steps", () => {
    expect(key(["prepare_1.py"], ["out_1.csv"])).not.toBe(key(["prepare_2.py"], ["out_2.csv"]));
    // …but a data input with a newer number is the same step (eval on the latest checkpoint).
    expect(key(["eval.py", "ckpt_0003.pt"], ["metrics.json"])).toBe(
      key(["eval.py", "ckpt_0005.pt"], ["metrics.json"]),
    );
  });

  it("differs when the outputs or inputs differ", () => {
    expect(key(["a.csv"], ["m.pt"])).not.toBe(key(["a.csv"], ["n.pt"]));
    expect(key(["a.csv"], ["m.pt"])).not.toBe(key(["b.csv"], ["m.pt"]));
  });

  it("ignores the command when there are outputs (a re-run with other flags is the same step)", () => {
    expect(key(["d.csv"], ["m.pt"], ["python3", "train.py", "--lr", "0.1"])).toBe(
      key(["d.csv"], ["m.pt"], ["python3", "train.py"]),
    );
  });

  it("includes the command for read-only jobs, with the interpreter path reduced to its name", () => {
    expect(key(["data.csv"], [], ["wc", "-l", "data.csv"])).not.toBe(
      key(["data.csv"], [], ["head", "data.csv"]),
    );
    expect(key(["data.csv"], [], ["/usr/bin/python3", "check.py"])).toBe(
      key(["data.csv"], [], ["/opt/venv/bin/python3", "check.py"]),
    );
  });

  it("is a short versioned string", () => {
    expect(key(["a"], ["b"])).toMatch(/^k1:[0-9a-f]{32}$/);
  });
});
