import fs from "node:fs";
import path from "node:path";
import { readElfInfo } from "./elf.js";

/**
 * Why the preload tracer cannot see a program: `static` (no dynamic loader, e.g. Go binaries),
 * `setuid` (ld.so ignores LD_PRELOAD for set-user/group-ID programs), `not-elf` (neither ELF nor a
 * `#!` script), `missing`, `foreign-arch` (an ELF for another class/machine than our library: ld.so
 * would refuse the library and print an error into the program's stderr).
 */
export type UntraceableReason = "static" | "setuid" | "not-elf" | "missing" | "foreign-arch";

export interface ExecutableInspection {
  traceable: boolean;
  reason?: UntraceableReason;
}

const MACHINE_FOR_ARCH: Record<string, number> = {
  x64: 62,
  arm64: 183,
  ia32: 3,
  arm: 40,
  riscv64: 243,
  ppc64: 21,
  s390x: 22,
  loong64: 258,
};

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const MAX_SHEBANG_DEPTH = 4; // the kernel itself allows a few levels of interpreter scripts

/**
 * Whether LD_PRELOAD will reach the program at `file`. Scripts are judged by their `#!`
 * interpreter (`/usr/bin/env` is dynamic, so `#!/usr/bin/env python3` counts as traceable).
 * Only the program itself is inspected: a traceable program may still start static children.
 */
export function inspectExecutable(file: string): ExecutableInspection {
  return inspect(file, 0);
}

function inspect(file: string, depth: number): ExecutableInspection {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return { traceable: false, reason: "missing" };
  }
  if (!stat.isFile()) return { traceable: false, reason: "not-elf" };
  if (stat.mode & (S_ISUID | S_ISGID)) return { traceable: false, reason: "setuid" };
  const elf = readElfInfo(file);
  if (elf === null) {
    const interpreter = shebangInterpreter(file);
    if (interpreter === null || depth >= MAX_SHEBANG_DEPTH) return { traceable: false, reason: "not-elf" };
    return inspect(path.resolve(path.dirname(file), interpreter), depth + 1);
  }
  if (elf.interpreter === null) return { traceable: false, reason: "static" };
  const machine = MACHINE_FOR_ARCH[process.arch];
  const bits = ["x64", "arm64", "riscv64", "ppc64", "s390x", "loong64"].includes(process.arch) ? 64 : 32;
  if ((machine !== undefined && elf.machine !== machine) || elf.bits !== bits) {
    return { traceable: false, reason: "foreign-arch" };
  }
  return { traceable: true };
}

function shebangInterpreter(file: string): string | null {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, "r");
    try {
      head = Buffer.alloc(256);
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  if (head[0] !== 0x23 || head[1] !== 0x21) return null; // "#!"
  const line = head.toString("latin1", 2).split("\n")[0]?.trim() ?? "";
  const interpreter = line.split(/[ \t]+/)[0];
  return interpreter ? interpreter : null;
}
