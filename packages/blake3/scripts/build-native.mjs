// Builds the N-API addon into lib/<platform>-<arch>-<libc>/roar_blake3.node. Plain node (no zx) so
// `pnpm build` works before the workspace's dev tools are on PATH. Without a compiler or Node's
// headers it prints one line and succeeds: the package then streams through @napi-rs/blake-hash.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// The libc this Node is linked against (an addon must match it), told by the ELF interpreter named
// in the executable's first page, as src/addon-path.ts does at run time.
function libcFamily() {
  try {
    const fd = fs.openSync(process.execPath, "r");
    const head = Buffer.alloc(4096);
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    return head.includes("ld-musl") ? "musl" : "glibc";
  } catch {
    return "glibc";
  }
}

if (process.platform !== "linux" && process.platform !== "darwin") {
  console.log(`blake3: no native build on ${process.platform}; hashing streams through @napi-rs/blake-hash`);
  process.exit(0);
}

if (process.env.ROAR_RELEASE_BUILD === "1" && fs.existsSync(path.join(root, "lib"))) {
  // The release workflow built the addons in the oldest supported userland of each libc/arch; a
  // local rebuild would tie this one to the build machine's newer glibc.
  console.log("blake3: release build, keeping the prebuilt addons in lib/");
  process.exit(0);
}

const include = path.join(path.dirname(process.execPath), "..", "include", "node");
if (!fs.existsSync(path.join(include, "node_api.h"))) {
  console.log(`blake3: no Node headers in ${include}; native hashing unavailable (streaming fallback)`);
  process.exit(0);
}

const cc = process.env.CC || "cc";
try {
  execFileSync(cc, ["--version"], { stdio: "ignore" });
} catch {
  console.log(`blake3: no C compiler (${cc}); native hashing unavailable (streaming fallback)`);
  process.exit(0);
}

const tag =
  process.platform === "linux"
    ? `linux-${process.arch}-${libcFamily()}`
    : `${process.platform}-${process.arch}`;
const outDir = path.join(root, "lib", tag);
fs.mkdirSync(outDir, { recursive: true });
const out = path.join(outDir, "roar_blake3.node");
const tmp = `${out}.${process.pid}.tmp`;
try {
  execFileSync("sh", [path.join(root, "scripts", "cc-addon.sh"), tmp, include], { stdio: "inherit" });
} catch {
  // A compiler that fails on this code is a bug to see, not a missing tool to work around.
  fs.rmSync(tmp, { force: true });
  process.exit(1);
}
// Rename over the old file so a process that has the old addon loaded keeps a valid inode.
fs.renameSync(tmp, out);
console.log(`blake3: built ${path.relative(root, out)}`);
