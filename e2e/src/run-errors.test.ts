// Bad input: no project, a command that does not exist, a corrupt shard; and which backend ran.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { discoverPythons } from "@roar/abi-probe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, bin, cleanEnv, jobCount, type TmpProject, tmpProject } from "./run-support.js";

const python = discoverPythons().at(-1);
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "roar-run-cache-"));
let p: TmpProject;
beforeAll(() => {
  assertBuilt();
  p = tmpProject(cache);
});
afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

describe("roar run refuses or degrades clearly", () => {
  it("outside a project: says to run roar init, runs nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roar-noproject-"));
    const r = spawnSync(bin, ["run", "touch", "made.txt"], {
      cwd: dir,
      env: cleanEnv,
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^roar: no \.roar\/ directory in .*\n {2}hint: run 'roar init' first\n$/);
    expect(fs.existsSync(path.join(dir, "made.txt"))).toBe(false);
  });

  it("a command that does not exist: exit 127, a clear message, nothing recorded", () => {
    const before = jobCount(p.root);
    const r = p.roar(["run", "no-such-command-roar", "--x"]);
    expect(r.code).toBe(127);
    expect(r.err).toMatch(/^roar: command not found: no-such-command-roar\n {2}hint: /);
    expect(jobCount(p.root)).toBe(before);
  });

  it("a corrupt shard: the job is still recorded, and the problem noted", (ctx) => {
    if (!python) return ctx.skip("no local Python");
    p.write("in.txt", "in\n");
    p.write(
      "corrupt.py",
      "import os\nopen(os.path.join(os.environ['ROAR_SHARD_DIR'], 'shard-1-bad.json'), 'w').write('{not json')\n" +
        "open('out.txt', 'w').write(open('in.txt').read())\n",
    );
    const r = p.roar(["run", "--tracer", "python", python, "corrupt.py"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/roar: @\d+ recorded/);
    const job = p.job();
    expect(job.outputs).toEqual(["out.txt"]);
    expect(job.tracerInfo.notes.join("\n")).toMatch(/shard-1-bad\.json could not be read/);
  });

  it("--tracer strace, python and auto each record the backend that ran", (ctx) => {
    if (!python) return ctx.skip("no local Python");
    const strace = spawnSync("strace", ["-f", "-qq", "-o", "/dev/null", "/bin/true"]).status === 0;
    for (const tracer of ["python", ...(strace ? ["strace"] : [])]) {
      const r = p.roar(["run", "--tracer", tracer, python, "-c", "pass"]);
      expect(r.code, r.err).toBe(0);
      expect(p.job().tracer).toBe(tracer);
      expect(p.job().tracerInfo.blindSpots.length).toBeGreaterThan(0);
    }
    const auto = p.roar(["run", python, "-c", "pass"]);
    expect(auto.code, auto.err).toBe(0);
    expect(["preload", "strace", "python"]).toContain(p.job().tracer);
    if (strace) expect(p.job().tracer).not.toBe("python");
  });

  it("an unknown roar flag before the command is a usage error and runs nothing", () => {
    const r = p.roar(["run", "--frobnicate", "touch", "nope.txt"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown flag --frobnicate/);
    expect(fs.existsSync(path.join(p.root, "nope.txt"))).toBe(false);
  });

  it("a store failure after the job ran: the child's exit code stands and roar says what was not recorded", (ctx) => {
    if (!python) return ctx.skip("no local Python");
    const q = tmpProject(cache);
    q.write("seed.py", "pass\n");
    expect(q.roar(["run", python, "seed.py"]).code).toBe(0); // the database exists now
    q.write("break.py", "open('.roar/roar.db', 'wb').write(b'not a database' * 100)\nraise SystemExit(3)\n");
    const r = q.roar(["run", "--tracer", "python", python, "break.py"]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/roar: the job ran but was not recorded: /);
    expect(r.err).toMatch(/hint: what roar captured is kept in .*\.roar\/tmp\//);
  });
});
