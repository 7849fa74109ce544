// `roar run` records the Python that really ran (from its own shim), never the host's python3.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { discoverPythons } from "@roar/abi-probe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, type TmpProject, tmpProject, versionOf, which } from "./run-support.js";

const pythons = discoverPythons();
if (pythons.length === 0) console.log("run-pythons: skipped, no local CPython 3.8+ found");
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "roar-run-cache-"));
let p: TmpProject;

beforeAll(() => {
  assertBuilt();
  p = tmpProject(cache);
  p.write("ident.py", "import sys\nprint(sys.version_info[:2])\n");
});
afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

describe("roar run records the interpreter that ran", () => {
  const hostPython = which("python3");
  const hostVersion = hostPython ? versionOf(hostPython) : null;

  it.each(pythons)("%s", (python) => {
    const version = versionOf(python);
    const r = p.roar(["run", python, "ident.py"]);
    expect(r.code, r.err).toBe(0);
    const job = p.job();
    expect(job.pythons.map((x) => x.version)).toEqual([version]);
    expect(job.pythons[0]!.executable).toBeTruthy();
    if (hostVersion && hostVersion !== version) expect(job.pythons[0]!.version).not.toBe(hostVersion);
    expect(job.inputs).toContain("ident.py");
    // What a user sees: `roar show @N --json` reports the interpreter that ran.
    const show = p.roar(["show", `@${job.step}`, "--json"]);
    expect(show.code, show.err).toBe(0);
    const shown = JSON.parse(show.stdout.toString()) as { job: { pythons: { version: string }[] } };
    expect(shown.job.pythons.map((x) => x.version)).toEqual([version]);
  });

  it("installs no audit hook when the tracer sees file I/O, and still records what the script read and wrote", (ctx) => {
    const python = pythons.at(-1);
    if (!python) return ctx.skip("no local Python");
    const tracers = p.roar(["run", "--tracer", "preload", "true"]);
    if (tracers.code !== 0 || !/recorded/.test(tracers.err.toString()))
      return ctx.skip(`the preload tracer does not run here: ${tracers.err}`);
    p.write("hooks.py", "import sys\nopen('hooks-in.txt').read()\nopen('hooks-out.txt', 'w').write('x')\n");
    p.write("hooks-in.txt", "in\n");
    const r = p.roar(["run", "--tracer", "preload", python, "hooks.py"]);
    expect(r.code, r.err).toBe(0);
    const job = p.job();
    expect((job.pythons as { auditBackend: string }[]).map((x) => x.auditBackend)).toEqual(["none"]);
    expect(job.inputs).toEqual(expect.arrayContaining(["hooks.py", "hooks-in.txt"]));
    expect(job.outputs).toEqual(["hooks-out.txt"]);
    const show = p.roar(["show", `@${job.step}`]);
    expect(show.stdout.toString()).toContain("audit hook: off (the tracer sees file I/O)");
  });

  it("records both Pythons of a bash script that runs two of them", (ctx) => {
    const two = [...new Map(pythons.map((x) => [versionOf(x), x])).values()].slice(0, 2);
    if (two.length < 2) return ctx.skip("needs two different local Python versions");
    p.write("both.sh", `#!/bin/bash\n"${two[0]}" ident.py\n"${two[1]}" ident.py\n`);
    fs.chmodSync(path.join(p.root, "both.sh"), 0o755);
    const r = p.roar(["run", "./both.sh"]);
    expect(r.code, r.err).toBe(0);
    const versions = p
      .job()
      .pythons.map((x) => x.version)
      .sort();
    expect(versions).toEqual(two.map(versionOf).sort());
  });

  it("gives a subprocess on another Python its own native runtime, without a warning", (ctx) => {
    const two = [...new Map(pythons.map((x) => [versionOf(x), x])).values()].slice(-2);
    if (two.length < 2) return ctx.skip("needs two different local Python versions");
    // Both runtimes are in the shared cache: the first test of this file installed one per Python.
    p.write(
      "parent.py",
      `import subprocess\nsubprocess.run([${JSON.stringify(two[1])}, "ident.py"], check=True)\n`,
    );
    // The python tracer: the shim's audit hook is the file capture, so each Python needs its runtime.
    const r = p.roar(["run", "--tracer", "python", two[0]!, "parent.py"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toContain("native runtime not used");
    const procs = p.job().pythons as { version: string; auditBackend: string }[];
    expect(procs.map((x) => x.version).sort()).toEqual(two.map(versionOf).sort());
    expect(procs.map((x) => x.auditBackend)).toEqual(["native", "native"]);
  });

  it("records no Python for a command that runs none", () => {
    p.write("in.txt", "x\n");
    const r = p.roar(["run", "cp", "in.txt", "out.txt"]);
    expect(r.code, r.err).toBe(0);
    expect(p.job().pythons).toEqual([]);
  });
});
