import fs from "node:fs";

/** What the program headers of an ELF file say about how it is loaded. */
export interface ElfInfo {
  /** 32 or 64. */
  bits: 32 | 64;
  littleEndian: boolean;
  /** `e_machine` (62 = x86-64, 183 = AArch64, ...). */
  machine: number;
  /** The dynamic loader named by PT_INTERP, or null for a statically linked program. */
  interpreter: string | null;
}

const PT_INTERP = 3;
const HEADER_BYTES = 64;

/** Reads an ELF file's identity and PT_INTERP; null when the file is not ELF (or is truncated). */
export function readElfInfo(file: string): ElfInfo | null {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return null;
  }
  try {
    const read = (offset: number, length: number): Buffer | null => {
      const buf = Buffer.alloc(length);
      const n = fs.readSync(fd, buf, 0, length, offset);
      return n === length ? buf : null;
    };
    const h = read(0, HEADER_BYTES);
    if (h === null) return null;
    if (h.readUInt32BE(0) !== 0x7f454c46) return null; // "\x7fELF"
    const bits = h[4] === 2 ? 64 : h[4] === 1 ? 32 : null;
    const littleEndian = h[5] === 1;
    if (bits === null || (h[5] !== 1 && h[5] !== 2)) return null;
    const u16 = (b: Buffer, o: number) => (littleEndian ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (littleEndian ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number) => Number(littleEndian ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const machine = u16(h, 18);
    const phoff = bits === 64 ? u64(h, 32) : u32(h, 28);
    const phentsize = u16(h, bits === 64 ? 54 : 42);
    const phnum = u16(h, bits === 64 ? 56 : 44);
    if (phnum === 0 || phentsize < (bits === 64 ? 56 : 32))
      return { bits, littleEndian, machine, interpreter: null };
    const table = read(phoff, phentsize * phnum);
    if (!table) return null;
    for (let i = 0; i < phnum; i++) {
      const ph = i * phentsize;
      if (u32(table, ph) !== PT_INTERP) continue;
      const offset = bits === 64 ? u64(table, ph + 8) : u32(table, ph + 4);
      const size = bits === 64 ? u64(table, ph + 32) : u32(table, ph + 16);
      const raw = size > 0 && size < 4096 ? read(offset, size) : null;
      if (!raw) return null;
      return { bits, littleEndian, machine, interpreter: raw.toString("latin1").replace(/\0.*$/s, "") };
    }
    return { bits, littleEndian, machine, interpreter: null };
  } finally {
    fs.closeSync(fd);
  }
}
