import fs from "node:fs/promises";
import { nativeAddon } from "./native-addon.js";
import { streamHashFile } from "./stream-hash.js";

export interface HashProgress {
  /** Bytes hashed so far; never decreases, and the last event has bytesDone === size. */
  bytesDone: number;
  /** The file's size when hashing started (or bytesDone, if the file grew past it). */
  bytesTotal: number;
}

export interface HashFileOptions {
  onProgress?: (progress: HashProgress) => void;
  /** false: skip the native addon and stream through @napi-rs/blake-hash. Default true. */
  native?: boolean;
}

export interface FileHash {
  /** BLAKE3-256 of the content, lowercase hex. */
  hash: string;
  /** Bytes hashed: the file's size as read. */
  size: number;
}

/**
 * The file could not be hashed. Shaped like Node's fs errors (`code` is `ENOENT`, `EACCES`,
 * `EISDIR`, ...), so a caller can switch on `code` whichever path hashed the file.
 */
export class HashFileError extends Error {
  override readonly name = "HashFileError";
  constructor(
    message: string,
    readonly code: string,
    readonly path: string,
    readonly syscall: string | undefined,
    readonly errno: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function toHashFileError(error: unknown, path: string): HashFileError {
  if (error instanceof HashFileError) return error;
  const e = error as NodeJS.ErrnoException;
  return new HashFileError(e.message ?? String(error), e.code ?? "EUNKNOWN", path, e.syscall, e.errno, {
    cause: error,
  });
}

/**
 * BLAKE3 of a file's content. With the native addon (see nativeStatus()), a file of 4 MiB or more
 * is hashed on every free core straight from the file; otherwise, and when the addon is not
 * available, the file is streamed through @napi-rs/blake-hash. Both give the same digest. Never
 * blocks the event loop. Rejects with a HashFileError.
 */
export async function hashFile(path: string, options: HashFileOptions = {}): Promise<FileHash> {
  const { onProgress } = options;
  const addon = options.native === false ? null : nativeAddon();
  let total = 0;
  let reported = 0;
  // Progress may come from another thread's count after a restart (a file that shrank while being
  // hashed is hashed again): only ever report forward.
  const onBytes = onProgress
    ? (bytesDone: number) => {
        if (bytesDone <= reported) return;
        reported = bytesDone;
        onProgress({ bytesDone, bytesTotal: Math.max(total, bytesDone) });
      }
    : undefined;
  try {
    if (onProgress) total = (await fs.stat(path)).size;
    const { hash, size } = addon
      ? await addon.hashFile(path, 0, onBytes)
      : await streamHashFile(path, onBytes);
    if (onProgress && (reported < size || size === 0)) {
      reported = size;
      onProgress({ bytesDone: size, bytesTotal: Math.max(total, size) });
    }
    return { hash, size };
  } catch (error) {
    throw toHashFileError(error, path);
  }
}
