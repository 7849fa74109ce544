import { createRequire } from "node:module";

type NapiBlakeHash = typeof import("@napi-rs/blake-hash");
let loaded: NapiBlakeHash | undefined;

/**
 * @napi-rs/blake-hash, required on first use only: its loader costs ≈ 15 ms, paid only when the
 * native addon is unavailable (or bypassed), not by every process that imports this package.
 */
export function napiBlakeHash(): NapiBlakeHash {
  loaded ??= createRequire(import.meta.url)("@napi-rs/blake-hash") as NapiBlakeHash;
  return loaded;
}
