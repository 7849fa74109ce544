import { describe, expect, it } from "vitest";
import { parseQueryArgv } from "./fast-path.js";

describe("parseQueryArgv (the query commands' oclif bypass)", () => {
  it("parses the plain forms each command accepts", () => {
    expect(parseQueryArgv("log", ["-n", "20"])).toEqual({ flags: { number: "20" }, args: [], json: false });
    expect(parseQueryArgv("log", ["--number=3", "--json"])).toEqual({
      flags: { number: "3" },
      args: [],
      json: true,
    });
    expect(parseQueryArgv("show", ["@4"])).toEqual({ flags: {}, args: ["@4"], json: false });
    expect(parseQueryArgv("show", [])).toEqual({ flags: {}, args: [], json: false });
    expect(parseQueryArgv("lineage", ["--json", "model.pt"])).toEqual({
      flags: {},
      args: ["model.pt"],
      json: true,
    });
    expect(parseQueryArgv("dag", ["--format", "json", "--stale-only", "--artifacts"])).toEqual({
      flags: { format: "json", "stale-only": true, artifacts: true },
      args: [],
      json: false,
    });
  });

  it("leaves to oclif everything it does not fully understand (help, debug, bad or unknown flags)", () => {
    for (const [command, argv] of [
      ["log", ["--help"]],
      ["log", ["-h"]],
      ["show", ["--debug"]],
      ["log", ["-n", "0"]],
      ["log", ["-n", "x"]],
      ["log", ["-n"]],
      ["log", ["-n", "2", "-n", "3"]],
      ["log", ["extra"]],
      ["show", ["a", "b"]],
      ["show", ["--", "@1"]],
      ["lineage", []],
      ["lineage", [""]],
      ["dag", ["--format", "svg"]],
      ["dag", ["--stale-only=yes"]],
      ["dag", ["--json", "--json"]],
      ["status", ["--verbose"]],
      ["run", ["python"]],
    ] as const) {
      expect(parseQueryArgv(command, argv), `${command} ${argv.join(" ")}`).toBeNull();
    }
  });
});
