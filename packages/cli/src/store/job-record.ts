/**
 * The contract between the run pipeline (which observes a job) and the store (which records it).
 * The pipeline fills a JobRecordInput; `recordJob` writes it in one transaction and returns the step.
 */

export type TracerBackendName = "preload" | "strace" | "python";

/** One Python process of the job, as its own shim reported it (from the inject-log shards). */
export interface PythonProcess {
  pid: number;
  ppid: number;
  argv: string[];
  executable: string;
  version: string; // platform.python_version()
  implementation: string; // CPython, PyPy
  abiTag: string; // cp312, cp313t
  extSuffix: string;
  prefix: string;
  basePrefix: string;
  virtualEnv: boolean;
  auditBackend: "native" | "python" | "none";
  gate: { outcome: string; reason: string | null };
}

export interface ArtifactRef {
  /** Relative to the project root when inside it, else absolute. */
  path: string;
  /** BLAKE3 hex digest of the content (64 hex chars). */
  hash: string;
  size: number;
}

export interface JobRecordInput {
  uid: string; // random, e.g. 12 hex chars; also the shard job id
  name: string | null; // --name
  argv: string[];
  command: string; // display string (shell-quoted argv)
  cwd: string; // absolute
  startedAt: number; // unix ms
  durationMs: number;
  exitCode: number | null;
  signal: string | null; // "SIGINT" when killed
  git: { commit: string | null; branch: string | null; dirty: boolean | null };
  tracer: {
    backend: TracerBackendName;
    /** What that backend could not see, said plainly, e.g. "native (C-level) file I/O". */
    blindSpots: string[];
    notes: string[]; // problems roar met while recording (corrupt shard, hash failure, …)
  };
  pythons: PythonProcess[];
  packages: { name: string; version: string }[];
  inputs: ArtifactRef[];
  outputs: ArtifactRef[];
  /** Paths both read and written by the job (also present in inputs and outputs). */
  readWrite: string[];
  os: { platform: string; release: string; arch: string };
}
