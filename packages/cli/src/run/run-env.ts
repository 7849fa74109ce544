import path from "node:path";

export interface RunEnvInput {
  shimDir: string;
  shardDir: string;
  jobId: string;
  /** site-packages of the runtime tree, when ensureRuntime gave one. */
  runtimePath: string | null;
  /** A runtime was obtained or an install was attempted: the shim should warn if it cannot use it. */
  runtimeExpected: boolean;
}

/**
 * The command's environment: the user's, plus the shim first on PYTHONPATH (their entries kept
 * after it) and the ROAR_* variables the shim reads. Set for every command, Python or not, so a
 * Python started anywhere below (`bash -c 'python3 x.py'`) is armed too.
 */
export function runEnv(base: NodeJS.ProcessEnv, input: RunEnvInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // Left over from an outer roar run: this job has its own gate and its own warning.
  delete env.ROAR_GATE_WARNED;
  delete env.ROAR_RUNTIME_PYTHONPATH;
  delete env.ROAR_RUNTIME_EXPECTED;
  delete env.ROAR_FILE_AUDIT;
  const existing = (base.PYTHONPATH ?? "")
    .split(path.delimiter)
    .filter((p) => p !== "" && p !== input.shimDir);
  env.PYTHONPATH = [input.shimDir, ...existing].join(path.delimiter);
  env.ROAR_WRAP = "1";
  env.ROAR_SHARD_DIR = input.shardDir;
  env.ROAR_JOB_ID = input.jobId;
  env.ROAR_SHIM_DIR = input.shimDir;
  if (input.runtimePath) env.ROAR_RUNTIME_PYTHONPATH = input.runtimePath;
  if (input.runtimeExpected) env.ROAR_RUNTIME_EXPECTED = "1";
  return env;
}

/**
 * Added by a tracer that sees every process's file I/O below Python (preload, strace): the shim
 * then installs no audit hook and records identity and packages only, so Python code pays nothing
 * for file capture twice.
 */
export const TRACER_SEES_FILE_IO = { ROAR_FILE_AUDIT: "0" } as const;
