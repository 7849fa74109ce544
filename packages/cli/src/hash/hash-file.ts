import { type HashProgress, hashFile as hashFileBlake3 } from "@roar/blake3";

export type { HashProgress } from "@roar/blake3";

/**
 * BLAKE3 of a file's content (hex) and its size. Through @roar/blake3: a large file is hashed on
 * every free core straight from the file by its native addon, anything else (and everything when
 * the addon is unavailable) streams through @napi-rs/blake-hash. Rejects with a HashFileError whose
 * `code` is the fs error code (`ENOENT`, `EACCES`, `EISDIR`, ...).
 */
export function hashFile(
  path: string,
  onProgress?: (p: HashProgress) => void,
): Promise<{ hash: string; size: number }> {
  return hashFileBlake3(path, { onProgress });
}
