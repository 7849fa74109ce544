// The real shim writes shards under every local interpreter; the real reader (@roar/inject-log)
// reads them back. A venv with a locally built distribution, multiprocessing fork and spawn
// workers, a subprocess, the venv's own sitecustomize, a wrong-ABI runtime tree and a real one.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPythons } from "@roar/abi-probe";
import { mergeShards, readInjectLog } from "@roar/inject-log";
import { afterAll, describe, expect, it } from "vitest";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const shimDir = path.join(repo, "python-shim");
const buildWheel = path.join(shimDir, "tools", "build_wheel.py");
const pythons = discoverPythons();
if (pythons.length === 0) console.log("shim-roundtrip: skipped, no local CPython 3.8+ found");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "roar-shim-roundtrip-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith("ROAR_") && k !== "PYTHONPATH" && k !== "VIRTUAL_ENV",
  ),
) as NodeJS.ProcessEnv;

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? tmp,
    env: { ...baseEnv, PIP_DISABLE_PIP_VERSION_CHECK: "1", ...opts.env },
    encoding: "utf8",
    timeout: 170_000,
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

// A one-module distribution as a wheel, written by the interpreter's own zipfile.
const MAKE_WHEEL = `
import base64, hashlib, sys, zipfile, os
out = sys.argv[1]
files = {
    "roar_e2e_dist/__init__.py": b"VALUE = 42\\n",
    "roar_e2e_dist-2.3.4.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: roar-e2e-dist\\nVersion: 2.3.4\\n",
    "roar_e2e_dist-2.3.4.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: e2e\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    "roar_e2e_dist-2.3.4.dist-info/top_level.txt": b"roar_e2e_dist\\n",
}
h = lambda d: "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode()
record = "".join("%s,%s,%d\\n" % (n, h(d), len(d)) for n, d in files.items()) + "roar_e2e_dist-2.3.4.dist-info/RECORD,,\\n"
files["roar_e2e_dist-2.3.4.dist-info/RECORD"] = record.encode()
path = os.path.join(out, "roar_e2e_dist-2.3.4-py3-none-any.whl")
with zipfile.ZipFile(path, "w") as z:
    for n, d in files.items():
        z.writestr(n, d)
print(path)
`;

const WORKLOAD = `
import multiprocessing as mp, subprocess, sys
import roar_e2e_dist

def work(name):
    with open(name, "w") as f:
        f.write(name)

if __name__ == "__main__":
    data = open("input.txt").read()
    open("output.txt", "w").write(data.upper())
    for method in ("fork", "spawn"):
        p = mp.get_context(method).Process(target=work, args=(method + ".txt",))
        p.start()
        p.join()
        assert p.exitcode == 0
    subprocess.run([sys.executable, "-c", "open('sub.txt', 'w').write('s')"], check=True)
    print("workload done")
`;

const VENV_SITECUSTOMIZE = `
import os
open(os.path.join(os.environ["MARKER_DIR"], "venv-sitecustomize-%d" % os.getpid()), "w").close()
`;

function pyOut(python: string, code: string, args: string[] = []): string {
  return run(python, ["-c", code, ...args]).stdout.trim();
}

describe.skipIf(pythons.length === 0).each(pythons)("shim round trip under %s", (python) => {
  const slug = path.basename(path.dirname(path.dirname(python))) + "-" + path.basename(python);
  const root = path.join(tmp, slug);
  const work = path.join(root, "work");
  const markers = path.join(root, "markers");
  fs.mkdirSync(work, { recursive: true });
  fs.mkdirSync(markers, { recursive: true });
  let venvPython = "";
  let version = "";

  const launch = (shardName: string, extraEnv: NodeJS.ProcessEnv = {}) => {
    const shards = path.join(root, shardName);
    fs.mkdirSync(shards, { recursive: true });
    const r = run(venvPython, ["workload.py"], {
      cwd: work,
      env: {
        PYTHONPATH: shimDir,
        ROAR_WRAP: "1",
        ROAR_SHARD_DIR: shards,
        ROAR_JOB_ID: `job-${shardName}`,
        MARKER_DIR: markers,
        ...extraEnv,
      },
    });
    return { shards, stdout: r.stdout, stderr: r.stderr };
  };

  it("sets up a venv holding a locally built distribution and its own sitecustomize", () => {
    version = pyOut(python, "import platform; print(platform.python_version())");
    const venv = path.join(root, "venv");
    run(python, ["-m", "venv", venv]);
    venvPython = path.join(venv, "bin", "python");
    const wheel = pyOut(python, MAKE_WHEEL, [root]);
    run(venvPython, ["-m", "pip", "install", "--no-index", "--quiet", wheel]);
    const purelib = pyOut(venvPython, "import sysconfig; print(sysconfig.get_paths()['purelib'])");
    fs.writeFileSync(path.join(purelib, "sitecustomize.py"), VENV_SITECUSTOMIZE);
    fs.writeFileSync(path.join(work, "workload.py"), WORKLOAD);
    fs.writeFileSync(path.join(work, "input.txt"), "hello");
  });

  it("writes shards the reader reads back, one per process, with the traced interpreter's identity", async () => {
    const { shards, stdout, stderr } = launch("pure");
    expect(stdout).toBe("workload done\n");
    expect(stderr).toBe("");
    const job = await mergeShards(shards);
    expect(job.errors).toEqual([]);
    // main, fork worker, spawn worker, subprocess (and the spawn context's resource tracker)
    expect(job.processes.length).toBeGreaterThanOrEqual(4);
    for (const p of job.processes) {
      expect(p.python_version).toBe(version);
      for (const value of [
        p.executable,
        p.python_implementation,
        p.abi.abi_tag,
        p.abi.ext_suffix,
        p.prefix,
        p.base_prefix,
      ]) {
        expect(value).toBeTruthy();
      }
      expect(p.argv.length).toBeGreaterThan(0);
      expect(p.pid).toBeGreaterThan(0);
      expect(p.job_id).toBe("job-pure");
      expect(p.virtual_env).toBe(true);
      expect(p.capture.audit_backend).toBe("python");
    }
    const files = job.files.map((f) => `${f.op} ${f.path}`);
    expect(files).toContain(`read ${path.join(work, "input.txt")}`);
    for (const out of ["output.txt", "fork.txt", "spawn.txt", "sub.txt"]) {
      expect(files).toContain(`write ${path.join(work, out)}`);
    }
    const writers = (name: string) =>
      job.files.find((f) => f.op === "write" && f.path === path.join(work, name))!.pids;
    const pids = new Set([
      writers("output.txt")[0],
      writers("fork.txt")[0],
      writers("spawn.txt")[0],
      writers("sub.txt")[0],
    ]);
    expect(pids.size).toBe(4);
    expect(job.packages.map((p) => [p.name, p.version])).toContainEqual(["roar-e2e-dist", "2.3.4"]);
    // the main process, the spawn worker (re-imports the main module) and the fork worker (inherits it)
    expect(job.packages.find((p) => p.name === "roar-e2e-dist")!.pids.length).toBeGreaterThanOrEqual(3);
    // readInjectLog reads a single shard the same way
    const one = fs.readdirSync(shards).find((n) => n.startsWith("shard-"))!;
    expect((await readInjectLog(path.join(shards, one))).schema_version).toBe(1);
  });

  it("runs the same sitecustomize as the bare interpreter, in every process", () => {
    // Whatever the bare venv interpreter runs (its own sitecustomize; on Debian the distro's
    // /usr/lib/python3.X one comes first on sys.path and wins) must run under the shim too.
    const count = () => fs.readdirSync(markers).length;
    const start = count();
    run(venvPython, ["workload.py"], { cwd: work, env: { MARKER_DIR: markers } });
    const bare = count() - start;
    const { shards } = launch("chain");
    const shimmed = count() - start - bare;
    expect(shimmed).toBe(bare);
    const shardCount = fs.readdirSync(shards).filter((n) => n.startsWith("shard-")).length;
    if (bare > 0) {
      expect(shimmed).toBeGreaterThanOrEqual(3); // main, spawn worker, subprocess
      expect(shimmed).toBe(shardCount - 1); // every fresh interpreter; the fork worker is the one more shard
    } else {
      console.log(
        `shim-roundtrip: ${python}'s venv sitecustomize is shadowed even without roar (distro sitecustomize)`,
      );
    }
  });

  it("falls back to the pure-Python hook with a reason when the runtime tree holds a wrong-ABI module", async () => {
    const tree = path.join(root, "wrong-abi-tree");
    fs.mkdirSync(tree, { recursive: true });
    fs.writeFileSync(
      path.join(tree, "_roar_runtime.cpython-27-sparc-linux-gnu.so"),
      "not for this interpreter",
    );
    const { shards, stdout, stderr } = launch("wrong-abi", {
      ROAR_RUNTIME_PYTHONPATH: tree,
      ROAR_RUNTIME_EXPECTED: "1",
    });
    expect(stdout).toBe("workload done\n");
    expect(stderr.split("\n").filter(Boolean)).toHaveLength(1); // one warning per job, not per process
    expect(stderr).toMatch(/^roar: .*roar runtime install/);
    const job = await mergeShards(shards);
    for (const p of job.processes) {
      expect(p.capture.audit_backend).toBe("python");
      expect(p.capture.gate.outcome).toBe("abi-mismatch");
      expect(p.capture.gate.reason).toContain("_roar_runtime.cpython-27-sparc-linux-gnu.so");
    }
    expect(job.files.map((f) => f.path)).toContain(path.join(work, "output.txt"));
  });

  it("uses the native hook when this interpreter's wheel is installed into the runtime tree", async () => {
    const wheels = path.join(root, "wheels");
    const built = spawnSync(python, [buildWheel, "--out", wheels], { env: baseEnv, encoding: "utf8" });
    if (built.status === 2) {
      console.log(`shim-roundtrip: native check skipped for ${python}: ${built.stderr.trim()}`);
      return;
    }
    expect(built.status, built.stderr).toBe(0);
    const tree = path.join(root, "runtime-tree");
    run(python, [
      "-m",
      "pip",
      "install",
      "--no-index",
      "--quiet",
      "--find-links",
      wheels,
      "--target",
      tree,
      "roar-runtime",
    ]);
    const { shards, stdout, stderr } = launch("native", {
      ROAR_RUNTIME_PYTHONPATH: tree,
      ROAR_RUNTIME_EXPECTED: "1",
    });
    expect(stdout).toBe("workload done\n");
    expect(stderr).toBe("");
    const job = await mergeShards(shards);
    expect(job.processes.length).toBeGreaterThanOrEqual(4);
    for (const p of job.processes) {
      expect(p.capture.audit_backend).toBe("native");
      expect(p.capture.runtime_path).toBe(tree);
    }
    const files = job.files.map((f) => `${f.op} ${f.path}`);
    for (const out of ["output.txt", "fork.txt", "spawn.txt", "sub.txt"]) {
      expect(files).toContain(`write ${path.join(work, out)}`);
    }
    expect(job.packages.map((p) => [p.name, p.version])).toContainEqual(["roar-e2e-dist", "2.3.4"]);
  });
});
