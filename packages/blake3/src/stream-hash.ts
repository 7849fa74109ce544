import fs from "node:fs/promises";
import { napiBlakeHash } from "./napi-blake-hash.js";

/**
 * Bytes per read; two buffers alternate. Measured (bench/hash.mjs, 2-core EPYC, 1 GiB in page
 * cache): 2 MiB ≈ 2.6 GB/s median, 1 MiB 1.7, 4 MiB 1.3, 8 MiB 0.9. The pair must stay in cache
 * between the read (on a libuv thread) and the hash (on this one); bigger buffers spill to DRAM.
 */
export const STREAM_CHUNK_BYTES = 2 << 20;

// Reused across calls: allocating 4 MiB per file costs more than hashing a small file. Calls that
// overlap take a fresh pair when the shared one is in use.
let sharedPair: [Buffer, Buffer] | null = null;

/**
 * BLAKE3 of a file's content (hex) through @napi-rs/blake-hash, streamed: memory use is two fixed
 * buffers whatever the size. The next read runs on libuv's thread pool while this thread hashes
 * the current chunk. The fallback when the native addon is unavailable.
 */
export async function streamHashFile(
  path: string,
  onBytes?: (bytesDone: number) => void,
): Promise<{ hash: string; size: number }> {
  const handle = await fs.open(path, "r");
  const pair = sharedPair ?? [Buffer.allocUnsafe(STREAM_CHUNK_BYTES), Buffer.allocUnsafe(STREAM_CHUNK_BYTES)];
  if (pair === sharedPair) sharedPair = null;
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    const hasher = new (napiBlakeHash().Blake3Hasher)();
    let size = 0;
    let which = 0;
    pending = handle.read(pair[0], 0, STREAM_CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = pair[which]!;
      which ^= 1;
      // Start the next read into the other buffer before hashing this one.
      pending = handle.read(pair[which]!, 0, STREAM_CHUNK_BYTES, null);
      hasher.update(bytesRead === STREAM_CHUNK_BYTES ? current : current.subarray(0, bytesRead));
      size += bytesRead;
      onBytes?.(size);
    }
    return { hash: hasher.digest("hex"), size };
  } finally {
    // A read may still be in flight after an error: let it land before the buffers are reused.
    await pending?.catch(() => undefined);
    sharedPair = pair;
    await handle.close();
  }
}
