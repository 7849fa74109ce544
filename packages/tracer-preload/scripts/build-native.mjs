// Compiles native/roar_preload.c with the system C compiler into lib/<platform>-<arch>-<libc>/.
// Plain node (no zx) so `pnpm build` works before the workspace's dev tools are on PATH.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// The libc the workload's processes use, told by the ELF interpreter of /bin/sh (the same test
// src/library-path.ts makes at run time), not by the libc this Node happens to be linked against.
function libcFamily() {
  try {
    const fd = fs.openSync("/bin/sh", "r");
    const head = Buffer.alloc(4096);
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    return head.includes("ld-musl") ? "musl" : "glibc";
  } catch {
    return "glibc";
  }
}

if (process.platform !== "linux") {
  // LD_PRELOAD interposition is a Linux (ELF + ld.so) mechanism; other platforms get no library
  // and preflightPreload() says why.
  console.log(`tracer-preload: skipping native build on ${process.platform}`);
  process.exit(0);
}

if (process.env.ROAR_RELEASE_BUILD === "1" && fs.existsSync(path.join(root, "lib"))) {
  // The release workflow built the libraries in the oldest supported userland of each
  // libc/arch; a local rebuild would tie this one to the build machine's newer glibc.
  console.log("tracer-preload: release build, keeping the prebuilt libraries in lib/");
  process.exit(0);
}

const outDir = path.join(root, "lib", `${process.platform}-${process.arch}-${libcFamily()}`);
fs.mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, "libroar_preload.so");
const tmp = `${out}.${process.pid}.tmp`;
try {
  execFileSync("sh", [path.join(root, "scripts", "cc-preload.sh"), tmp], { stdio: "inherit" });
} catch (error) {
  fs.rmSync(tmp, { force: true });
  // No compiler is not a build failure: the CLI falls back to another tracer backend.
  if (error.status === 127) {
    console.log(`tracer-preload: no C compiler (${process.env.CC || "cc"}); preload tracer unavailable`);
    process.exit(0);
  }
  process.exit(1);
}
// Rename over the old file so a process that has the old library mapped keeps a valid inode.
fs.renameSync(tmp, out);
console.log(`tracer-preload: built ${path.relative(root, out)}`);
