import fs from "node:fs/promises";
import { Blake3Hasher } from "@napi-rs/blake-hash";

/**
 * Bytes per read; two buffers alternate. Measured here (bench/hash.mjs, 2-core EPYC, 1 GiB in page
 * cache): 2 MiB ≈ 2.6 GB/s median, 1 MiB 1.7, 4 MiB 1.3, 8 MiB 0.9. The pair must stay in cache
 * between the read (on a libuv thread) and the hash (on this one); bigger buffers spill to DRAM.
 */
export const HASH_CHUNK_BYTES = 2 << 20;

// Reused across calls: allocating 16 MiB per file costs more than hashing a small file. Calls that
// overlap (hashArtifacts runs a few at once) take a fresh pair when the shared one is in use.
let sharedPair: [Buffer, Buffer] | null = null;

export interface HashProgress {
  bytesDone: number;
  bytesTotal: number;
}

/**
 * BLAKE3 of a file's content (hex), streamed: memory use is two fixed buffers whatever the size.
 * The next read runs on libuv's thread pool while this thread hashes the current chunk.
 */
export async function hashFile(
  path: string,
  onProgress?: (p: HashProgress) => void,
): Promise<{ hash: string; size: number }> {
  const handle = await fs.open(path, "r");
  const pair = sharedPair ?? [Buffer.allocUnsafe(HASH_CHUNK_BYTES), Buffer.allocUnsafe(HASH_CHUNK_BYTES)];
  if (pair === sharedPair) sharedPair = null;
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    const total = onProgress ? (await handle.stat()).size : 0;
    const hasher = new Blake3Hasher();
    let size = 0;
    let which = 0;
    pending = handle.read(pair[0], 0, HASH_CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = pair[which]!;
      which ^= 1;
      // Start the next read into the other buffer before hashing this one.
      pending = handle.read(pair[which]!, 0, HASH_CHUNK_BYTES, null);
      hasher.update(bytesRead === HASH_CHUNK_BYTES ? current : current.subarray(0, bytesRead));
      size += bytesRead;
      onProgress?.({ bytesDone: size, bytesTotal: Math.max(total, size) });
    }
    return { hash: hasher.digest("hex"), size };
  } finally {
    // A read may still be in flight after an error: let it land before the buffers are reused.
    await pending?.catch(() => undefined);
    sharedPair = pair;
    await handle.close();
  }
}
