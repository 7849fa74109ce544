import fs from "node:fs/promises";
import type { Store } from "../store/store.js";
import { hashFile } from "./hash-file.js";

export type HashResult = { hash: string; size: number } | { error: string };

export interface HashArtifactsProgress {
  path: string;
  filesDone: number;
  filesTotal: number;
  /** Bytes hashed so far across all files (cache hits count as done without reading). */
  bytesDone: number;
  bytesTotal: number;
  cached: boolean;
}

/** Files hashed at once: enough to overlap open/stat latency of small files, few enough for 2 cores. */
const CONCURRENCY = 3;

interface CacheRow {
  size: number;
  mtime_ns: string;
  hash: string;
}

/**
 * A `hash_cache` keyed by (dev, ino) and valid while size and mtime (ns) are unchanged, so an
 * unchanged file is never hashed twice. Dev and inode are stored as signed 64-bit integers.
 */
function hashCache(store: Store | null) {
  if (!store || store.db.readonly) return null;
  const get = store.db.prepare<[bigint, bigint], CacheRow>(
    "SELECT size, mtime_ns, hash FROM hash_cache WHERE dev = ? AND ino = ?",
  );
  const put = store.db.prepare<[bigint, bigint, number, string, string]>(
    "INSERT OR REPLACE INTO hash_cache (dev, ino, size, mtime_ns, hash) VALUES (?, ?, ?, ?, ?)",
  );
  return {
    lookup(st: import("node:fs").BigIntStats): string | null {
      const row = get.get(BigInt.asIntN(64, st.dev), BigInt.asIntN(64, st.ino));
      return row && BigInt(row.size) === st.size && row.mtime_ns === String(st.mtimeNs) ? row.hash : null;
    },
    store(st: import("node:fs").BigIntStats, hash: string): void {
      put.run(
        BigInt.asIntN(64, st.dev),
        BigInt.asIntN(64, st.ino),
        Number(st.size),
        String(st.mtimeNs),
        hash,
      );
    },
  };
}

function sameFile(a: import("node:fs").BigIntStats, b: import("node:fs").BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/**
 * Hash every file in `absPaths` (BLAKE3), using and filling the store's hash cache. A file that
 * vanished, is not a regular file, or cannot be read gets an `{ error }` entry instead of failing
 * the whole batch. The map is keyed by the paths exactly as given.
 */
export async function hashArtifacts(
  absPaths: string[],
  store: Store | null,
  onProgress?: (p: HashArtifactsProgress) => void,
): Promise<Map<string, HashResult>> {
  const unique = [...new Set(absPaths)];
  const results = new Map<string, HashResult>();
  const cache = hashCache(store);

  const stats = new Map<string, import("node:fs").BigIntStats>();
  await Promise.all(
    unique.map(async (p) => {
      try {
        const st = await fs.stat(p, { bigint: true });
        if (!st.isFile()) results.set(p, { error: "not a regular file" });
        else stats.set(p, st);
      } catch (error) {
        results.set(p, { error: describe(error) });
      }
    }),
  );
  let bytesTotal = 0;
  for (const st of stats.values()) bytesTotal += Number(st.size);
  let finishedBytes = 0;
  const inFlight = new Map<string, number>();
  let filesDone = results.size;
  const report = (path: string, cached: boolean) => {
    if (!onProgress) return;
    let bytesDone = finishedBytes;
    for (const n of inFlight.values()) bytesDone += n;
    onProgress({ path, filesDone, filesTotal: unique.length, bytesDone, bytesTotal, cached });
  };

  const queue = [...stats.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [p, before] = next;
      const hit = cache?.lookup(before);
      if (hit) {
        results.set(p, { hash: hit, size: Number(before.size) });
        filesDone++;
        finishedBytes += Number(before.size);
        report(p, true);
        continue;
      }
      try {
        const progress = onProgress
          ? (fp: { bytesDone: number }) => {
              inFlight.set(p, fp.bytesDone);
              report(p, false);
            }
          : undefined;
        const { hash, size } = await hashFile(p, progress);
        results.set(p, { hash, size });
        // Cache only when the file did not change while we read it; else the entry would lie.
        const after = await fs.stat(p, { bigint: true }).catch(() => null);
        if (cache && after && sameFile(before, after) && Number(after.size) === size)
          cache.store(after, hash);
      } catch (error) {
        results.set(p, { error: describe(error) });
      }
      inFlight.delete(p);
      filesDone++;
      finishedBytes += Number(before.size);
      report(p, false);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));

  const ordered = new Map<string, HashResult>();
  for (const p of absPaths) ordered.set(p, results.get(p)!);
  return ordered;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case "ENOENT":
      return "file vanished before it could be hashed";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "not a regular file";
    default:
      return e.message ?? String(error);
  }
}
