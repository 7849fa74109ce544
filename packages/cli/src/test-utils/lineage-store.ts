// Tiny real projects for the lineage tests: a tmp dir with a real store (openStore + recordJob) and
// real files, so the lineage code is tested against exactly what `roar run` records.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { blake3File } from "../lineage/disk-check.js";
import { projectAt } from "../project/find-root.js";
import type { ArtifactRef, JobRecordInput } from "../store/job-record.js";
import { openStore, type Store } from "../store/store.js";

export interface FixtureProject {
  root: string;
  store: Store;
  db: Database.Database;
  write(rel: string, content: string): void;
  /** Record a job that read `inputs` and wrote `outputs`, as they are on disk now. */
  run(command: string, io: { inputs?: string[]; outputs?: string[] }): { id: number; step: number };
  close(): void;
}

let uid = 0;

export function fixtureProject(): FixtureProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "roar-lineage-"));
  fs.mkdirSync(path.join(root, ".roar"));
  const store = openStore(projectAt(root));
  const ref = (rel: string): ArtifactRef => {
    const abs = path.join(root, rel);
    return { path: rel, hash: blake3File(abs), size: fs.statSync(abs).size };
  };
  return {
    root,
    store,
    db: store.db,
    write(rel, content) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), content);
    },
    run(command, io) {
      const argv = command.split(" ");
      const input: JobRecordInput = {
        uid: `fx${process.pid}${String(++uid).padStart(6, "0")}`,
        name: null,
        argv,
        command,
        cwd: root,
        startedAt: Date.now(),
        durationMs: 0,
        exitCode: 0,
        signal: null,
        git: { commit: null, branch: null, dirty: null },
        tracer: { backend: "python", blindSpots: [], notes: [] },
        pythons: [
          {
            pid: 1,
            ppid: 0,
            argv,
            executable: "/usr/bin/python3",
            version: "3.12.1",
            implementation: "CPython",
            abiTag: "cp312",
            extSuffix: ".cpython-312-x86_64-linux-gnu.so",
            prefix: "/usr",
            basePrefix: "/usr",
            virtualEnv: false,
            auditBackend: "native",
            gate: { outcome: "native", reason: null },
          },
        ],
        packages: [],
        inputs: (io.inputs ?? []).map(ref),
        outputs: (io.outputs ?? []).map(ref),
        readWrite: (io.inputs ?? []).filter((p) => io.outputs?.includes(p)),
        os: { platform: "linux", release: "6", arch: "x64" },
      };
      const recorded = store.recordJob(input);
      return { id: recorded.id, step: recorded.step };
    },
    close() {
      store.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
