import { describe, expect, it } from "vitest";
import { RoarError } from "../errors.js";
import { parseRunArgv } from "./parse-run-argv.js";

describe("parseRunArgv", () => {
  it("takes roar's flags only before the command", () => {
    expect(
      parseRunArgv(["--tracer", "strace", "python", "train.py", "--lr", "0.1", "--debug", "--tracer=python"]),
    ).toEqual({
      tracer: "strace",
      name: null,
      debug: false,
      help: false,
      command: ["python", "train.py", "--lr", "0.1", "--debug", "--tracer=python"],
    });
  });
  it("accepts --name=, -- and a command that starts with a dash after --", () => {
    const got = parseRunArgv(["--name=prep", "--debug", "--", "-weird", "x"]);
    expect(got).toMatchObject({ name: "prep", debug: true, command: ["-weird", "x"] });
  });
  it("refuses unknown flags and bad tracer names before the command", () => {
    expect(() => parseRunArgv(["--lr", "python"])).toThrow(RoarError);
    expect(() => parseRunArgv(["--tracer", "ptrace", "ls"])).toThrow(/must be one of/);
    expect(() => parseRunArgv(["--name"])).toThrow(/needs a value/);
  });
});
