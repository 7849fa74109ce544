import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PythonIdentity } from "./identity.js";
import { nameHash } from "./name-hash.js";
import { PROBE_SCRIPT_VERSION } from "./probe-script.js";

/**
 * One file per probed path, `<cacheDir>/probe-cache/<nameHash(path)>.json`, rather than one
 * shared JSON: a warm lookup reads one small file however many interpreters are cached, concurrent
 * probes of different interpreters never race on a read-modify-write (each entry is written to a
 * temp file and renamed into place), and a corrupt file costs one re-probe, not the whole cache.
 */
const CACHE_FORMAT = 1;

/** Identity of a file on disk; bigint stat fields kept as decimal strings so they survive JSON. */
export interface FileStamp {
  path: string;
  size: string;
  mtimeNs: string;
  ino: string;
  dev: string;
}

/**
 * What a cached probe answer depends on: the path invoked (a venv's `bin/python` is a symlink to its
 * base, with another identity), the real file behind it, and the `pyvenv.cfg` files that make that
 * path a venv. Deliberately no ctime: copying or touching the same bytes back must stay a hit.
 */
export interface ProbeCacheKey {
  executable: string;
  file: FileStamp;
  venvCfg: [FileStamp | null, FileStamp | null];
}

export interface ProbeCacheEntry {
  format: typeof CACHE_FORMAT;
  probeScriptVersion: number;
  key: ProbeCacheKey;
  /** The real file the interpreter reported (`sys.executable`) when a wrapper exec'd another file. */
  target: FileStamp | null;
  identity: PythonIdentity;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "roar");
  return path.join(env.HOME || os.homedir(), ".cache", "roar");
}

export function stampFile(file: string): FileStamp | null {
  const st = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  if (!st) return null;
  return {
    path: file,
    size: String(st.size),
    mtimeNs: String(st.mtimeNs),
    ino: String(st.ino),
    dev: String(st.dev),
  };
}

export function probeCacheKey(executable: string, realpath: string): ProbeCacheKey | null {
  const file = stampFile(realpath);
  if (!file) return null;
  const binDir = path.dirname(executable);
  return {
    executable,
    file,
    venvCfg: [
      stampFile(path.join(binDir, "pyvenv.cfg")),
      stampFile(path.join(path.dirname(binDir), "pyvenv.cfg")),
    ],
  };
}

export function probeCacheFile(cacheDir: string, executable: string): string {
  return path.join(cacheDir, "probe-cache", `${nameHash(executable)}.json`);
}

/** The cached identity for `key`, or `null` on a miss, a stale entry or an unreadable/corrupt file. */
export function readProbeCache(cacheDir: string, key: ProbeCacheKey): PythonIdentity | null {
  let entry: ProbeCacheEntry;
  try {
    entry = JSON.parse(fs.readFileSync(probeCacheFile(cacheDir, key.executable), "utf8"));
  } catch {
    return null;
  }
  if (
    typeof entry !== "object" ||
    entry === null ||
    entry.format !== CACHE_FORMAT ||
    entry.probeScriptVersion !== PROBE_SCRIPT_VERSION ||
    typeof entry.identity?.runtimeKey !== "string" ||
    !sameKey(entry.key, key)
  ) {
    return null;
  }
  if (entry.target && !sameStamp(entry.target, stampFile(entry.target.path))) return null;
  return entry.identity;
}

/** Write an entry atomically (temp file in the same directory, then rename). Throws on I/O errors. */
export function writeProbeCache(cacheDir: string, key: ProbeCacheKey, identity: PythonIdentity): void {
  let target: FileStamp | null = null;
  if (identity.sysExecutable) {
    try {
      const real = fs.realpathSync.native(identity.sysExecutable);
      if (real !== key.file.path) target = stampFile(real);
    } catch {
      // sys.executable may be empty or gone; the entry is then keyed by the invoked file only
    }
  }
  const entry: ProbeCacheEntry = {
    format: CACHE_FORMAT,
    probeScriptVersion: PROBE_SCRIPT_VERSION,
    key,
    target,
    identity,
  };
  const file = probeCacheFile(cacheDir, key.executable);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

function sameKey(a: ProbeCacheKey | undefined, b: ProbeCacheKey): boolean {
  return (
    a !== undefined &&
    a.executable === b.executable &&
    sameStamp(a.file, b.file) &&
    Array.isArray(a.venvCfg) &&
    sameStamp(a.venvCfg[0] ?? null, b.venvCfg[0]) &&
    sameStamp(a.venvCfg[1] ?? null, b.venvCfg[1])
  );
}

function sameStamp(a: FileStamp | null | undefined, b: FileStamp | null): boolean {
  if (!a || !b) return !a && !b;
  return (
    a.path === b.path && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ino === b.ino && a.dev === b.dev
  );
}
