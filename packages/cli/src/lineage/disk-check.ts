import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { STAT_MISSING, STAT_NOT_A_FILE, STAT_UNREADABLE, statMtimes } from "@roar/blake3";
import type Database from "better-sqlite3";
import { type LineageModel, pathAt } from "./lineage-model.js";

export interface DiskCheckOptions {
  /** Hash a file's content (BLAKE3 hex). Defaults to a streaming BLAKE3 of the file. */
  hashFile?: (absPath: string) => string;
}

const MTIME_MARGIN_MS = 50;

/** What is at a path on disk now, compared with one recorded content. */
export type DiskState = "same" | "modified" | "missing";

/**
 * Answers "is file number `file` still what was recorded at `recordedAt` (unix ms)?", for files
 * known by number (0..count-1) as a LineageModel numbers them. The recorded hash is asked for lazily
 * (`hash()`), only when the file changed since.
 */
export type IndexedDiskCheck = (file: number, recordedAt: number, hash: () => string) => DiskState;

/** The recorded hash of what job `jobId` read (`input`) or wrote (`output`) at `path`. */
export type RecordedHash = (kind: "input" | "output", jobId: number, path: string) => string;

/**
 * The real check for a project's files, cheapest test first: a file not modified since it was
 * recorded (mtime before the job's end) is as recorded, with one stat; otherwise a hash_cache row
 * matching its (dev, ino, size, mtime) gives its hash; a size that differs from the recorded
 * artifact's means modified; only then is the file hashed. Every file is stat-ed at the first
 * question, all at once (`roar dag` and `roar status` ask about all of them: one native batch on
 * every core costs a fraction of 100,000 fs.statSync calls), and hashed at most once per command.
 */
export function createIndexedDiskCheck(
  root: string,
  db: Database.Database,
  files: Pick<LineageModel, "paths" | "pathEnd">,
  options: DiskCheckOptions = {},
): IndexedDiskCheck {
  const changed = changedFileCheck(db, options);
  let mtimes: Float64Array | undefined;
  const absolute = absolutePath(root);
  return (file, recordedAt, recordedHash) => {
    mtimes ??= statMtimes(files.paths, files.pathEnd, root);
    return compare(mtimes[file]!, recordedAt, () => changed(absolute(pathAt(files, file)), recordedHash()));
  };
}

/** Paths are recorded relative to the project; from its root (the usual cwd) the kernel resolves them as they are. */
function absolutePath(root: string): (relPath: string) => string {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const atRoot = process.cwd() === root;
  return (relPath) => (atRoot || path.isAbsolute(relPath) ? relPath : prefix + relPath);
}

function compare(mtime: number, recordedAt: number, changed: () => DiskState): DiskState {
  if (mtime === STAT_MISSING) return "missing";
  // Not a regular file any more, or unreadable: nothing vouches that it is what was recorded.
  if (mtime === STAT_NOT_A_FILE || mtime === STAT_UNREADABLE) return "modified";
  // A write during the job ends before the job does. Kernels stamp mtime from a coarse clock that
  // can lag real time by a tick (1-10 ms), so an edit just after the job could look older than it:
  // only files older than the job's end by more than that margin skip the hash check.
  if (mtime < recordedAt - MTIME_MARGIN_MS) return "same";
  return changed();
}

/** The slow path for a file touched since it was recorded: its content hash against the recorded one. */
function changedFileCheck(
  db: Database.Database,
  options: DiskCheckOptions,
): (abs: string, expected: string) => DiskState {
  const hashFile = options.hashFile ?? blake3File;
  const cacheRow = db.prepare<[bigint, bigint], { size: number; mtime_ns: string; hash: string }>(
    "SELECT size, mtime_ns, hash FROM hash_cache WHERE dev = ? AND ino = ?",
  );
  const artifactSize = db.prepare<[string], { size: number }>("SELECT size FROM artifacts WHERE hash = ?");
  /** Content hash of a changed file; null when unreadable. */
  const hashes = new Map<string, string | null>();
  return (abs, expected) => {
    let hash = hashes.get(abs);
    if (hash === undefined) {
      // The hash cache is keyed like the CLI core writes it: (dev, ino) as signed 64-bit, mtime in ns.
      const big = fs.statSync(abs, { bigint: true, throwIfNoEntry: false });
      if (!big) return "missing";
      const row = cacheRow.get(BigInt.asIntN(64, big.dev), BigInt.asIntN(64, big.ino));
      if (row && BigInt(row.size) === big.size && row.mtime_ns === String(big.mtimeNs)) hash = row.hash;
      else {
        const recorded = artifactSize.get(expected);
        if (recorded && BigInt(recorded.size) !== big.size) return "modified";
        try {
          hash = hashFile(abs);
        } catch {
          hash = null; // unreadable: cannot vouch for it
        }
      }
      hashes.set(abs, hash);
    }
    return hash === expected ? "same" : "modified";
  };
}

/** Recorded hashes from the store, one indexed lookup each (only for files that changed on disk). */
export function recordedHashFromDb(db: Database.Database): RecordedHash {
  const input = db.prepare<[number, string], { h: string }>(
    "SELECT artifact_hash AS h FROM job_inputs WHERE job_id = ? AND path = ?",
  );
  const output = db.prepare<[number, string], { h: string }>(
    "SELECT artifact_hash AS h FROM job_outputs WHERE job_id = ? AND path = ?",
  );
  return (kind, jobId, p) => (kind === "input" ? input : output).get(jobId, p)?.h ?? "";
}

/**
 * The content hash of the file at `abs` now (null: missing or not a file), from the hash cache when
 * its (dev, ino, size, mtime) still match, so a big model file is not re-read on every query.
 */
export function currentFileHash(db: Database.Database, abs: string, hashFile = blake3File): string | null {
  const st = fs.statSync(abs, { bigint: true, throwIfNoEntry: false });
  if (!st?.isFile()) return null;
  const row = db
    .prepare<[bigint, bigint], { size: number; mtime_ns: string; hash: string }>(
      "SELECT size, mtime_ns, hash FROM hash_cache WHERE dev = ? AND ino = ?",
    )
    .get(BigInt.asIntN(64, st.dev), BigInt.asIntN(64, st.ino));
  if (row && BigInt(row.size) === st.size && row.mtime_ns === String(st.mtimeNs)) return row.hash;
  try {
    return hashFile(abs);
  } catch {
    return null;
  }
}

/** Loaded on first use: most queries never hash a file, and the native addon costs start-up time. */
let blake: typeof import("@napi-rs/blake-hash") | undefined;

/** BLAKE3 (hex) of the file at `abs`, streamed in 1 MiB chunks. */
export function blake3File(abs: string): string {
  blake ??= createRequire(import.meta.url)("@napi-rs/blake-hash") as typeof import("@napi-rs/blake-hash");
  const hasher = new blake.Blake3Hasher();
  const fd = fs.openSync(abs, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hasher.update(n === buf.length ? buf : buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hasher.digest("hex");
}
