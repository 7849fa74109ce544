export { addonPath, addonTag } from "./addon-path.js";
export { hashBytes } from "./hash-bytes.js";
export {
  type FileHash,
  HashFileError,
  type HashFileOptions,
  type HashProgress,
  hashFile,
} from "./hash-file.js";
export { NATIVE_ENV, type NativeStatus, nativeStatus } from "./native-addon.js";
export { STAT_MISSING, STAT_NOT_A_FILE, STAT_UNREADABLE, statMtimes } from "./stat-mtimes.js";
export { STREAM_CHUNK_BYTES, streamHashFile } from "./stream-hash.js";
