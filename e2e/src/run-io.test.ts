// Inputs and outputs as a user expects them, for every tracer backend that works here.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { discoverPythons } from "@roar/abi-probe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, type TmpProject, tmpProject } from "./run-support.js";

const python = discoverPythons().at(-1);
if (!python) console.log("run-io: Python cases skipped, no local CPython 3.8+ found");
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "roar-run-cache-"));
afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));
beforeAll(() => assertBuilt());

const straceWorks = spawnSync("strace", ["-f", "-qq", "-o", "/dev/null", "/bin/true"]).status === 0;
// Backends that see native I/O (shell redirects, cp) vs the shim alone.
const backends = [
  { name: "python", native: false },
  ...(straceWorks ? [{ name: "strace", native: true }] : []),
  { name: "preload", native: true },
];

function project(): TmpProject {
  const p = tmpProject(cache);
  p.write("data/in.csv", "a,b\n1,2\n");
  return p;
}

describe.each(backends)("--tracer $name", ({ name, native }) => {
  let p: TmpProject;
  beforeAll(() => {
    p = project();
  });
  const run = (argv: string[]) => {
    const r = p.roar(["run", "--tracer", name, ...argv]);
    expect(r.code, r.err).toBe(0);
    const job = p.job();
    // preload degrades to the shim where its library cannot load; the job says which ran.
    if (name !== "preload") expect(job.tracer).toBe(name);
    return job;
  };

  it("a Python script: reads its data and itself, writes its result", (ctx) => {
    if (!python) return ctx.skip("no Python");
    p.write("train.py", "d = open('data/in.csv').read()\nopen('model.txt', 'w').write(d.upper())\n");
    const job = run([python, "train.py"]);
    expect(job.inputs).toEqual(["data/in.csv", "train.py"]);
    expect(job.outputs).toEqual(["model.txt"]);
  });

  it("a shell redirect (bash -c 'cat a > b'): only native tracers see it", () => {
    const job = run(["bash", "-c", "cat data/in.csv > copy.csv"]);
    if (native) {
      expect(job.inputs).toEqual(["data/in.csv"]);
      expect(job.outputs).toEqual(["copy.csv"]);
    } else {
      expect(job.inputs).toEqual([]);
      expect(job.outputs).toEqual([]);
    }
  });

  it("a C program (cp a b)", () => {
    const job = run(["cp", "data/in.csv", "cp-out.csv"]);
    expect(job.inputs).toEqual(native ? ["data/in.csv"] : []);
    expect(job.outputs).toEqual(native ? ["cp-out.csv"] : []);
  });

  const poolScript = (ending: string) =>
    [
      "import multiprocessing as mp",
      "def work(i):",
      "    open('part-%d.txt' % i, 'w').write(open('data/in.csv').read() * i)",
      "    return i",
      "if __name__ == '__main__':",
      "    pool = mp.get_context('spawn').Pool(2)",
      "    print(sum(pool.map(work, [1, 2, 3])))",
      `    ${ending}`,
      "",
    ].join("\n");

  it("a multiprocessing pool whose workers write", (ctx) => {
    if (!python) return ctx.skip("no Python");
    p.write("pool.py", poolScript("pool.close(); pool.join()"));
    const job = run([python, "pool.py"]);
    expect(job.outputs).toEqual(["part-1.txt", "part-2.txt", "part-3.txt"]);
    expect(job.inputs).toEqual(["data/in.csv", "pool.py"]);
    expect(job.pythons.length).toBeGreaterThanOrEqual(3); // the parent and its spawn workers
  });

  it("a pool ended by terminate() (what `with Pool()` does): native tracers still see the workers' writes", (ctx) => {
    if (!python) return ctx.skip("no Python");
    // Known gap of the shim: a worker killed by SIGTERM writes no shard, so the python backend
    // loses its events. Reported to the shim's owner; not asserted here.
    if (!native) return ctx.skip("python backend: SIGTERM'd pool workers leave no shard (shim limitation)");
    p.write("pool2.py", poolScript("pool.terminate()").replaceAll("part-", "term-"));
    const job = run([python, "pool2.py"]);
    expect(job.outputs).toEqual(["term-1.txt", "term-2.txt", "term-3.txt"]);
  });

  it("a subprocess chain (python → python → file)", (ctx) => {
    if (!python) return ctx.skip("no Python");
    p.write("leaf.py", "open('leaf.out', 'w').write(open('data/in.csv').read())\n");
    p.write("chain.py", `import subprocess, sys\nsubprocess.run([sys.executable, 'leaf.py'], check=True)\n`);
    const job = run([python, "chain.py"]);
    expect(job.outputs).toEqual(["leaf.out"]);
    expect(job.inputs).toEqual(["chain.py", "data/in.csv", "leaf.py"]);
    expect(job.pythons.length).toBe(2);
  });

  it("a file written to a temp name then renamed into place is recorded under its final name", (ctx) => {
    if (!python) return ctx.skip("no Python");
    p.write("atomic.py", "import os\nopen('ckpt.tmp', 'w').write('w')\nos.replace('ckpt.tmp', 'ckpt.bin')\n");
    const job = run([python, "atomic.py"]);
    expect(job.outputs).toEqual(["ckpt.bin"]);
    expect(fs.existsSync(path.join(p.root, "ckpt.tmp"))).toBe(false);
  });
});
