import fs from "node:fs";
import { createRequire } from "node:module";
import { addonPath, addonTag } from "./addon-path.js";

/** The addon's own interface (native/roar_blake3.c). */
export interface Addon {
  /** mode 0: threads for large files; 1: one thread. onProgress gets bytes hashed so far. */
  hashFile(
    path: string,
    mode: 0 | 1,
    onProgress?: (bytesDone: number) => void,
  ): Promise<{ hash: string; size: number; threaded: boolean }>;
  /** BLAKE3 (hex) of bytes, or of a string's UTF-8, on this thread. */
  hashBytes(data: Uint8Array | string): string;
  info(): { blake3: string; simdDegree: number; threads: number };
  /** See stat-mtimes.ts; throws when `root` cannot be opened. */
  statMtimes(paths: string, ends: Int32Array, root: string): Float64Array;
}

export type NativeStatus =
  | {
      active: true;
      /** The loaded addon file. */
      path: string;
      /** Version of the vendored BLAKE3 C code. */
      blake3: string;
      /** Chunks hashed at once by the SIMD code this CPU runs (16: AVX-512, 8: AVX2, 4: SSE4.1/NEON). */
      simdDegree: number;
      /** Most threads one file is hashed on (online CPUs, or ROAR_BLAKE3_THREADS). */
      threads: number;
    }
  | {
      active: false;
      /** Why hashing streams through @napi-rs/blake-hash instead, in words for a user. */
      reason: string;
    };

/** Set to `0` to never load the addon (hashing then streams through @napi-rs/blake-hash). */
export const NATIVE_ENV = "ROAR_BLAKE3_NATIVE";

interface Loaded {
  addon: Addon | null;
  status: NativeStatus;
}
let loaded: Loaded | undefined;

function load(): Loaded {
  if (process.env[NATIVE_ENV] === "0") {
    return { addon: null, status: { active: false, reason: `disabled by ${NATIVE_ENV}=0` } };
  }
  const file = addonPath();
  if (!fs.existsSync(file)) {
    return {
      addon: null,
      status: {
        active: false,
        reason: `no native addon for ${addonTag()} (${file} was neither shipped nor built: no C compiler or Node headers at install time?)`,
      },
    };
  }
  try {
    const addon = createRequire(import.meta.url)(file) as Addon;
    return { addon, status: { active: true, path: file, ...addon.info() } };
  } catch (error) {
    return {
      addon: null,
      status: { active: false, reason: `the native addon failed to load: ${(error as Error).message}` },
    };
  }
}

/** The addon, loaded once; null when it is unavailable (nativeStatus() says why). */
export function nativeAddon(): Addon | null {
  loaded ??= load();
  return loaded.addon;
}

/** Whether hashFile takes the native fast path, and if not, why not. */
export function nativeStatus(): NativeStatus {
  loaded ??= load();
  return loaded.status;
}
