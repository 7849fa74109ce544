// The shim's own unittest suite (python-shim/tests), run under every local interpreter: the
// suite needs nothing installed and builds the compiled module itself when a compiler exists.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPythons } from "@roar/abi-probe";
import { describe, expect, it } from "vitest";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pythons = discoverPythons();
if (pythons.length === 0) console.log("shim-unittest: skipped, no local CPython 3.8+ found");

describe.skipIf(pythons.length === 0)("python-shim unittest suite", () => {
  it.each(pythons)("passes under %s", (python) => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("ROAR_") && k !== "PYTHONPATH"),
    );
    const r = spawnSync(python, ["-m", "unittest", "discover", "-s", "python-shim/tests"], {
      cwd: repo,
      env,
      encoding: "utf8",
      timeout: 170_000,
    });
    const summary = r.stderr.trim().split("\n").slice(-3).join("\n");
    expect(r.status, `${python}\n${r.stdout}\n${r.stderr}`).toBe(0);
    expect(summary).toMatch(/^OK/m);
    expect(summary).toMatch(/Ran [1-9]\d* tests/);
  });
});
