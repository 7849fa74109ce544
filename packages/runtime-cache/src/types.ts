import type { PythonIdentity } from "@roar/abi-probe";

export type InstallMode = "auto" | "skip";
export type InstallerChoice = "auto" | "pip" | "uv";

/** Events an install emits; the caller decides what (if anything) the user sees. */
export type RuntimeEvent =
  | { type: "install-start"; abiTag: string; key: string }
  | { type: "install-done"; key: string; ms: number; source: string }
  | { type: "install-failed"; key: string; reason: string; hint: string }
  /** Another process holds the install lock for this key; we wait for it, then re-check. */
  | { type: "lock-wait"; key: string; lockPath: string };

/** Runs one child process; injectable so tests can count or refuse spawns. */
export type ProcessRunner = (
  command: ProcessCommand,
  options: { timeoutMs: number },
) => Promise<ProcessOutcome>;

export interface ProcessCommand {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Spawn failed (ENOENT, EACCES): the message. */
  spawnError?: string;
  /** Last lines of stdout+stderr combined. */
  tail: string;
  ms: number;
}

export interface EnsureRuntimeOptions {
  /** `skip`: never install (the caller falls back to the pure-Python path). */
  mode: InstallMode;
  /** The roar version stamped into the tree; a tree stamped by another version is reinstalled. */
  roarVersion: string;
  /** Directories of prebuilt wheels tried first, offline (`--no-index`). */
  wheelhouse: string[];
  /** Extra wheel directories or URLs (pip `--find-links`). */
  findLinks: string[];
  /** A package index (pip `--index-url`); `null`: none configured. */
  indexUrl: string | null;
  /**
   * Try the installer's default index (pip/uv config, else PyPI) when no index and no find-links are
   * configured and the wheelhouse had no match. Default true; short network timeouts, no retries storm.
   */
  useDefaultIndex?: boolean;
  /** `roar-runtime` source trees or sdists to build with the target interpreter when no wheel fits. */
  sourceDirs?: string[];
  /** Requirement handed to the installer. Default `roar-runtime`. */
  requirement?: string;
  installer: InstallerChoice;
  /** Bound for one install (each installer run, and the wait for another process's install). */
  timeoutMs: number;
  /** Default: `runtimeCacheRoot(env)`. */
  cacheRoot?: string;
  /** Environment for cache-root lookup, PATH lookup (uv) and the installer (ROAR_* removed). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The CLI's shim directory; removed from the installer's PYTHONPATH so it never traces itself. */
  shimDir?: string;
  onEvent?: (event: RuntimeEvent) => void;
  /** Reinstall even when the cache is valid. */
  force?: boolean;
  /** A lock whose mtime is older than this is taken over (its holder died). Default 15 000 ms, min 2 000. */
  lockStaleMs?: number;
  /** How long to wait for another process's install. Default `timeoutMs + 30 s`. */
  lockWaitMs?: number;
  runner?: ProcessRunner;
}

export type EnsureRuntimeStatus = "hit" | "installed" | "skipped" | "failed";

export interface EnsureRuntimeResult {
  status: EnsureRuntimeStatus;
  key: string;
  /** The tree's `site-packages` directory (status hit or installed). */
  path?: string;
  reason?: string;
  hint?: string;
}

export type { PythonIdentity };
