import { describe, expect, it } from "vitest";
import { renderStatus, rerunLine } from "./status.js";

describe("renderStatus", () => {
  it("says a clean project is up to date", () => {
    expect(renderStatus({ upToDate: true, changedOutputs: [], staleSteps: [], rerun: [] })).toBe(
      "Everything is up to date.",
    );
  });

  it("lists changes, stale steps with reasons, and re-run commands in order", () => {
    const text = renderStatus(
      {
        upToDate: false,
        changedOutputs: [{ path: "data/clean.csv", state: "modified", step: 1 }],
        staleSteps: [
          { step: 2, uid: "b", command: "python train.py", reasons: ["data/clean.csv was modified"] },
        ],
        rerun: [{ step: 2, command: "python train.py", cwd: "/p" }],
      },
      { cwd: "/p" },
    );
    expect(text).toMatch(/modified {2}data\/clean\.csv {2}\(from @1\)/);
    expect(text).toMatch(/@2 {2}python train\.py\n\s+data\/clean\.csv was modified/);
    expect(text.trimEnd().split("\n").at(-1)).toBe("  roar run python train.py");
  });
});

describe("rerunLine", () => {
  it("adds a cd when the step ran in another directory, quoting odd names", () => {
    expect(rerunLine({ step: 1, command: "make", cwd: "/p/sub" }, "/p")).toBe("(cd sub && roar run make)");
    expect(rerunLine({ step: 1, command: "make", cwd: "/p/my dir" }, "/p")).toBe(
      "(cd 'my dir' && roar run make)",
    );
  });
});
