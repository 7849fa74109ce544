import { napiBlakeHash } from "./napi-blake-hash.js";
import { nativeAddon } from "./native-addon.js";

/**
 * BLAKE3 (lowercase hex) of bytes, or of a string's UTF-8, on this thread: for small inputs (a
 * small file read whole, a key), where handing the work to another thread costs more than the
 * hash. The native addon when it loads, else @napi-rs/blake-hash; both give the same digest.
 */
export function hashBytes(data: Uint8Array | string, options: { native?: boolean } = {}): string {
  const addon = options.native === false ? null : nativeAddon();
  if (addon) return addon.hashBytes(data);
  return napiBlakeHash().blake3(data).toString("hex");
}
