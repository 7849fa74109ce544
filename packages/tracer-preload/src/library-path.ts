import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { readElfInfo } from "./elf.js";

const LIBRARY_FILE = "libroar_preload.so";

let cachedTag: string | null | undefined;

/**
 * `<platform>-<arch>-<libc>` of the library the workload's processes can load, e.g.
 * `linux-x64-glibc`. The libc is the one /bin/sh is linked against, i.e. the one the job's
 * programs use, not the one this Node was built for. Null off Linux: LD_PRELOAD is an ld.so feature.
 */
export function platformTag(): string | null {
  if (cachedTag !== undefined) return cachedTag;
  if (process.platform !== "linux") {
    cachedTag = null;
    return null;
  }
  const interp = readElfInfo("/bin/sh")?.interpreter ?? "";
  cachedTag = `linux-${process.arch}-${interp.includes("musl") ? "musl" : "glibc"}`;
  return cachedTag;
}

/** The built interposer library for this platform, or null when there is none (not built, not Linux). */
export function preloadLibraryPath(): string | null {
  const tag = platformTag();
  if (tag === null) return null;
  // dist/index.js and src/*.ts both sit one level below the package root.
  const file = fileURLToPath(new URL(`../lib/${tag}/${LIBRARY_FILE}`, import.meta.url));
  return fs.existsSync(file) ? file : null;
}
