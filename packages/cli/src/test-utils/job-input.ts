import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Project, projectAt } from "../project/find-root.js";
import type { JobRecordInput } from "../store/job-record.js";

/** A tmp directory with an empty `.roar/` (no db yet). */
export function tmpProject(prefix = "roar-store-"): Project {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(root, ".roar"));
  return projectAt(root);
}

let counter = 0;
/** A plausible JobRecordInput; override what the test is about. */
export function jobInput(overrides: Partial<JobRecordInput> = {}): JobRecordInput {
  counter++;
  return {
    uid: `${(0xa00000 + counter).toString(16)}${"0".repeat(6)}`.slice(0, 12),
    name: null,
    argv: ["/usr/bin/python3", "train.py"],
    command: "python3 train.py",
    cwd: "/tmp/project",
    startedAt: 1_764_000_000_000 + counter * 60_000,
    durationMs: 12_300,
    exitCode: 0,
    signal: null,
    git: { commit: "0123456789abcdef0123456789abcdef01234567", branch: "main", dirty: false },
    tracer: { backend: "python", blindSpots: ["native (C-level) file I/O"], notes: [] },
    pythons: [],
    packages: [{ name: "numpy", version: "1.26.4" }],
    inputs: [{ path: "data.csv", hash: "d".repeat(64), size: 2048 }],
    outputs: [{ path: "model.pt", hash: "e".repeat(63) + String(counter % 10), size: 4096 }],
    readWrite: [],
    os: { platform: "linux", release: "6.1.0", arch: "x64" },
    ...overrides,
  };
}
