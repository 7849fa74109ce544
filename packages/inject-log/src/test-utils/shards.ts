import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A shard with every field a current shim writes, as a CPython 3.12 process would. */
export function fullShard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: 1,
    job_id: "job-1",
    pid: 1000,
    ppid: 999,
    argv: ["python3", "train.py", "--epochs", "3"],
    cwd: "/home/u/project",
    executable: "/usr/bin/python3.12",
    python_version: "3.12.1",
    python_implementation: "CPython",
    abi: {
      abi_tag: "cp312",
      ext_suffix: ".cpython-312-x86_64-linux-gnu.so",
      extension_suffixes: [".cpython-312-x86_64-linux-gnu.so", ".abi3.so", ".so"],
      soabi: "cpython-312-x86_64-linux-gnu",
      cache_tag: "cpython-312",
      gil_disabled: false,
      debug: false,
      platform: "linux",
      machine: "x86_64",
    },
    prefix: "/usr",
    base_prefix: "/usr",
    virtual_env: false,
    started_at: 1_700_000_000.25,
    ended_at: 1_700_000_003.5,
    exit: { how: "exit", code: 0 },
    files: [
      { op: "read", path: "/home/u/project/data.csv", dest: null, count: 2 },
      { op: "write", path: "/home/u/project/model.pt", dest: null, count: 1 },
    ],
    spawned: [
      { event: "subprocess.Popen", executable: "/usr/bin/python3.11", argv: ["python3.11", "eval.py"] },
    ],
    packages: [{ name: "numpy", version: "1.26.4" }],
    capture: {
      audit_backend: "native",
      gate: { outcome: "native", reason: null },
      runtime_expected: true,
      runtime_path: "/home/u/.cache/roar/runtime/cp312-cp312-linux_x86_64-glibc/site-packages",
      sys_path_skipped: [],
      events_dropped: 0,
      errors: [],
    },
    ...overrides,
  };
}

/** Only what the schema requires: a shard from an older or leaner writer. */
export function minimalShard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: 1,
    pid: 2000,
    ppid: 1,
    argv: ["python3"],
    executable: "/usr/bin/python3.11",
    python_version: "3.11.2",
    python_implementation: "CPython",
    abi: { abi_tag: "cp311", ext_suffix: ".cpython-311-x86_64-linux-gnu.so", gil_disabled: false },
    prefix: "/usr",
    base_prefix: "/usr",
    virtual_env: false,
    started_at: 1_700_000_001,
    ended_at: 1_700_000_002,
    files: [{ op: "read", path: "/data/in.txt" }],
    packages: [],
    capture: { audit_backend: "python", gate: { outcome: "no-runtime" } },
    ...overrides,
  };
}

export function tempDir(prefix = "roar-inject-log-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeShard(dir: string, name: string, shard: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof shard === "string" ? shard : JSON.stringify(shard));
  return file;
}
