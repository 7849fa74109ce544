// generated from packages/inject-log/schema/inject-log.schema.json by packages/inject-log/scripts/generate.mjs — do not edit.
// Change the schema, then run `pnpm --filter @roar/inject-log generate`.

/** The inject-log schema version these types describe (the number in the schema's $id). */
export const SCHEMA_VERSION = 1;

export const SCHEMA_ID = "https://roar.dev/schema/inject-log/v1.json";

/**
 * One shard of a roar job: what one Python process (the workload, a subprocess, a multiprocessing
 * or torchrun worker) reports about itself, written by the sitecustomize shim at exit and read by
 * the CLI. This file is the single source of truth: the TypeScript types and the Python writer's
 * field list are generated from it. The schema version is the number in $id (v1); readers keep
 * fields they do not know (additionalProperties), so adding an optional field with a default is not
 * a breaking change.
 */
export interface InjectLog {
  /** Version of this schema the writer used. */
  schema_version: number;
  /** ROAR_JOB_ID the process inherited. Default: `null`. */
  job_id: string | null;
  /** os.getpid() of the process that wrote this shard. */
  pid: number;
  /** os.getppid() when the shim started; links the shard to its parent's shard. */
  ppid: number;
  /** sys.argv of the process (as Python saw it; sys.orig_argv when available). */
  argv: string[];
  /** Working directory when the shim started. Default: `null`. */
  cwd: string | null;
  /** sys.executable. */
  executable: string;
  /** platform.python_version(), e.g. 3.12.1. */
  python_version: string;
  /** platform.python_implementation(), e.g. CPython, PyPy. */
  python_implementation: string;
  /** The ABI of the interpreter that really ran, as the traced process itself sees it. */
  abi: Abi;
  /** sys.prefix. */
  prefix: string;
  /** sys.base_prefix. */
  base_prefix: string;
  /** sys.prefix != sys.base_prefix. */
  virtual_env: boolean;
  /** Unix time (seconds) when the shim started in this process. */
  started_at: number;
  /** Unix time (seconds) when the shard was written. */
  ended_at: number;
  /** How the process ended; null when the shim could not tell. Default: `null`. */
  exit: ExitStatus | null;
  /** File events the audit hook saw, deduplicated per (op, path, dest), first-seen order. */
  files: FileEvent[];
  /**
   * Processes this one started (subprocess.Popen, os.system, os.posix_spawn, os.exec*). Default:
   * `[]`.
   */
  spawned: SpawnedProcess[];
  /** Distributions the workload imported (never every installed one, never roar's own). */
  packages: PackageRef[];
  /** How this process's events were captured, and what went wrong capturing them. */
  capture: Capture;
}

/** The ABI of the interpreter that really ran, as the traced process itself sees it. */
export interface Abi {
  /** Wheel-style ABI tag: cp312, cp313t, cp312d, pypy310_pp73. */
  abi_tag: string;
  /** sysconfig EXT_SUFFIX. */
  ext_suffix: string;
  /** importlib.machinery.EXTENSION_SUFFIXES. Default: `[]`. */
  extension_suffixes: string[];
  /** sysconfig SOABI, e.g. cpython-312-x86_64-linux-gnu. Default: `null`. */
  soabi: string | null;
  /** sys.implementation.cache_tag, e.g. cpython-312 (the same for 3.13 and 3.13t). Default: `null`. */
  cache_tag: string | null;
  /** Free-threaded build (Py_GIL_DISABLED). */
  gil_disabled: boolean;
  /** Debug build (abiflags contain d). Default: `false`. */
  debug: boolean;
  /** sys.platform. Default: `null`. */
  platform: string | null;
  /** platform.machine(). Default: `null`. */
  machine: string | null;
}

/** How the process ended; null when the shim could not tell. */
export interface ExitStatus {
  /**
   * exit: normal interpreter exit or sys.exit; exception: uncaught exception; os_exit: os._exit;
   * signal: killed by a handled signal; exec: replaced by os.exec* (a new image may write another
   * shard with the same pid).
   */
  how: ExitHow;
  /** Exit status, or the signal number when how is signal. Default: `null`. */
  code: number | null;
}

/**
 * exit: normal interpreter exit or sys.exit; exception: uncaught exception; os_exit: os._exit;
 * signal: killed by a handled signal; exec: replaced by os.exec* (a new image may write another
 * shard with the same pid).
 */
export type ExitHow = "exit" | "exception" | "os_exit" | "signal" | "exec" | "unknown";

/** Every ExitHow, in schema order. */
export const EXIT_HOW_VALUES: readonly ExitHow[] = [
  "exit",
  "exception",
  "os_exit",
  "signal",
  "exec",
  "unknown",
];

export interface FileEvent {
  op: FileOp;
  /** Absolute, normalised (not symlink-resolved) path. */
  path: string;
  /** Destination of a rename. Default: `null`. */
  dest: string | null;
  /** How many times this event was seen. Default: `1`. */
  count: number;
}

export type FileOp = "read" | "write" | "readwrite" | "rename" | "delete" | "mkdir" | "rmdir";

/** Every FileOp, in schema order. */
export const FILE_OP_VALUES: readonly FileOp[] = [
  "read",
  "write",
  "readwrite",
  "rename",
  "delete",
  "mkdir",
  "rmdir",
];

export interface SpawnedProcess {
  /** Audit event name, e.g. subprocess.Popen, os.system, os.posix_spawn, os.exec. */
  event: string;
  /** Default: `null`. */
  executable: string | null;
  /** Default: `null`. */
  argv: string[] | null;
}

export interface PackageRef {
  /** Distribution name as its metadata spells it. */
  name: string;
  /** Distribution version from its metadata. */
  version: string;
}

/** How this process's events were captured, and what went wrong capturing them. */
export interface Capture {
  /** native: the compiled roar-runtime hook; python: the pure-Python hook; none: no hook installed. */
  audit_backend: AuditBackend;
  /**
   * Outcome of checking that a compiled runtime with this interpreter's extension suffix was
   * present before importing it.
   */
  gate: Gate;
  /** ROAR_RUNTIME_EXPECTED=1 was set: the CLI expected the native fast path. Default: `false`. */
  runtime_expected: boolean;
  /** Runtime tree the gate used, if any. Default: `null`. */
  runtime_path: string | null;
  /** ROAR_RUNTIME_PYTHONPATH entries not put on sys.path, with why. Default: `[]`. */
  sys_path_skipped: string[];
  /**
   * Events not recorded (e.g. over a size cap); non-zero means the file list is incomplete.
   * Default: `0`.
   */
  events_dropped: number;
  /** Failures inside the shim, recorded instead of raised. Default: `[]`. */
  errors: CaptureError[];
}

/** native: the compiled roar-runtime hook; python: the pure-Python hook; none: no hook installed. */
export type AuditBackend = "native" | "python" | "none";

/** Every AuditBackend, in schema order. */
export const AUDIT_BACKEND_VALUES: readonly AuditBackend[] = ["native", "python", "none"];

/**
 * Outcome of checking that a compiled runtime with this interpreter's extension suffix was present
 * before importing it.
 */
export interface Gate {
  outcome: GateOutcome;
  /** Why the gate did not choose the native path, in words a user can act on. Default: `null`. */
  reason: string | null;
}

export type GateOutcome = "native" | "no-runtime" | "abi-mismatch" | "import-error" | "shadowed" | "disabled";

/** Every GateOutcome, in schema order. */
export const GATE_OUTCOME_VALUES: readonly GateOutcome[] = [
  "native",
  "no-runtime",
  "abi-mismatch",
  "import-error",
  "shadowed",
  "disabled",
];

export interface CaptureError {
  where: string;
  message: string;
}
