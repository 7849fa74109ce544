import fs from "node:fs";
import { fileURLToPath } from "node:url";

export const ADDON_FILE = "roar_blake3.node";

let cachedLibc: "glibc" | "musl" | undefined;

/**
 * The libc this Node is linked against, told by the ELF interpreter named in the executable's
 * first page (an addon built for glibc does not load into a musl Node, and the other way round).
 */
function nodeLibc(): "glibc" | "musl" {
  if (cachedLibc) return cachedLibc;
  cachedLibc = "glibc";
  try {
    const fd = fs.openSync(process.execPath, "r");
    try {
      const head = Buffer.alloc(4096);
      fs.readSync(fd, head, 0, head.length, 0);
      if (head.includes("ld-musl")) cachedLibc = "musl";
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Unreadable executable: glibc is by far the likelier answer.
  }
  return cachedLibc;
}

/** `<platform>-<arch>[-<libc>]` of the addon this process can load, e.g. `linux-x64-glibc`. */
export function addonTag(): string {
  return process.platform === "linux"
    ? `linux-${process.arch}-${nodeLibc()}`
    : `${process.platform}-${process.arch}`;
}

/** Where this process's addon is (prebuilt or built locally), whether or not it exists. */
export function addonPath(): string {
  // dist/index.js and src/*.ts both sit one level below the package root.
  return fileURLToPath(new URL(`../lib/${addonTag()}/${ADDON_FILE}`, import.meta.url));
}
