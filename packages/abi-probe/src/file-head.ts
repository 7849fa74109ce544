import fs from "node:fs";

/** What the first bytes of a file say about it; read without executing anything. */
export type FileHead =
  | { kind: "binary"; format: "elf" | "mach-o" }
  | { kind: "script"; shebang: Shebang; text: string }
  | { kind: "other" };

/** A `#!` line as the kernel reads it. */
export interface Shebang {
  /** The interpreter path, exactly as written. */
  interpreter: string;
  /** The arguments the kernel passes before the script path: Linux passes the rest of the line as one. */
  args: string[];
}

// Linux reads at most 256 bytes of a #! line (BINPRM_BUF_SIZE); the rest of the head is read for
// pyenv shims and the distlib `'''exec'` trick, both a few hundred bytes into the file.
const HEAD_BYTES = 1024;

const MACH_O_MAGICS = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xbebafeca]);

/** Read and classify a file's head; `null` when it cannot be opened or read. */
export function readFileHead(file: string, platform: NodeJS.Platform = process.platform): FileHead | null {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return null;
  }
  const buf = Buffer.alloc(HEAD_BYTES);
  let n: number;
  try {
    n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
  return classifyHead(buf.subarray(0, n), platform);
}

export function classifyHead(head: Buffer, platform: NodeJS.Platform = process.platform): FileHead {
  if (head.length >= 4 && head[0] === 0x7f && head.toString("latin1", 1, 4) === "ELF") {
    return { kind: "binary", format: "elf" };
  }
  if (head.length >= 4 && MACH_O_MAGICS.has(head.readUInt32BE(0)))
    return { kind: "binary", format: "mach-o" };
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) {
    const text = head.toString("utf8");
    const shebang = parseShebangLine(text.split("\n", 1)[0] ?? "", platform);
    if (shebang) return { kind: "script", shebang, text };
  }
  return { kind: "other" };
}

/**
 * Parse a `#!` line the way the kernel does: Linux passes everything after the interpreter as ONE
 * argument (`#!/usr/bin/env python3 -u` runs env with "python3 -u", which fails), macOS splits it.
 */
export function parseShebangLine(line: string, platform: NodeJS.Platform = process.platform): Shebang | null {
  if (!line.startsWith("#!")) return null;
  const rest = line
    .slice(2)
    .replace(/\r$/, "")
    .replace(/^[ \t]+/, "");
  const m = /^([^ \t]+)(?:[ \t]+(.*))?$/.exec(rest);
  if (!m?.[1]) return null;
  const tail = (m[2] ?? "").trim();
  const args = tail === "" ? [] : platform === "darwin" ? tail.split(/[ \t]+/) : [tail];
  return { interpreter: m[1], args };
}

/**
 * pip and uv write `#!/bin/sh` + `'''exec' "/path/to/python" "$0" "$@"` when the interpreter path
 * is too long for a #! line or has spaces. Returns that interpreter path.
 */
export function shExecTrampoline(text: string): string | null {
  const m = /^'''exec' (?:"([^"]+)"|'([^']+)'|(\S+)) "\$0" "\$@"/m.exec(text);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}
