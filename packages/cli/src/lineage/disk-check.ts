import fs from "node:fs";
import path from "node:path";
import { Blake3Hasher } from "@napi-rs/blake-hash";
import type Database from "better-sqlite3";
import type { DiskCheck, DiskState } from "./staleness.js";

export interface DiskCheckOptions {
  /** Hash a file's content (BLAKE3 hex). Defaults to a streaming BLAKE3 of the file. */
  hashFile?: (absPath: string) => string;
}

/**
 * The real DiskCheck for a project: stat first (cheap), and hash only when the hash cache cannot
 * vouch for the file. A file whose (dev, ino, size, mtime) matches a hash_cache row has that
 * row's hash; a file whose size differs from the recorded artifact's is modified without hashing.
 * Memoised per (path, hash), so each file is looked at once per command.
 */
export function createDiskCheck(root: string, db: Database.Database, options: DiskCheckOptions = {}): DiskCheck {
  const hashFile = options.hashFile ?? blake3File;
  const cacheRow = db.prepare<[bigint, bigint], { size: number; mtime_ns: string; hash: string }>(
    "SELECT size, mtime_ns, hash FROM hash_cache WHERE dev = ? AND ino = ?",
  );
  cacheRow.safeIntegers(false);
  const artifactSize = db.prepare<[string], { size: number }>("SELECT size FROM artifacts WHERE hash = ?");
  const memo = new Map<string, DiskState>();
  const currentHash = new Map<string, string | null>();

  return (relPath: string, hash: string): DiskState => {
    const key = `${hash}\0${relPath}`;
    const known = memo.get(key);
    if (known) return known;
    const abs = path.isAbsolute(relPath) ? relPath : path.join(root, relPath);
    const state = check(abs, hash);
    memo.set(key, state);
    return state;
  };

  function check(abs: string, hash: string): DiskState {
    const st = fs.statSync(abs, { bigint: true, throwIfNoEntry: false });
    if (!st) return "missing";
    if (!st.isFile()) return "modified";
    let onDisk = currentHash.get(abs);
    if (onDisk === undefined) {
      const row = cacheRow.get(st.dev, st.ino);
      if (row && BigInt(row.size) === st.size && row.mtime_ns === String(st.mtimeNs)) onDisk = row.hash;
      else {
        const recorded = artifactSize.get(hash);
        if (recorded && BigInt(recorded.size) !== st.size) return "modified";
        try {
          onDisk = hashFile(abs);
        } catch {
          onDisk = null; // unreadable: cannot vouch for it
        }
      }
      currentHash.set(abs, onDisk);
    }
    if (onDisk === null) return "modified";
    return onDisk === hash ? "same" : "modified";
  }
}

/** The hash of the file at `abs` now, or null when it is missing; used by `roar lineage`. */
export function blake3File(abs: string): string {
  const hasher = new Blake3Hasher();
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
