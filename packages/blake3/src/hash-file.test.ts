import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { blake3 } from "@napi-rs/blake-hash";
import { afterAll, describe, expect, it } from "vitest";
import { HashFileError, type HashProgress, hashFile } from "./hash-file.js";
import { nativeAddon, nativeStatus } from "./native-addon.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roar-blake3-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: Buffer | string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}
const expected = (content: Buffer | string) => blake3(content).toString("hex");

const KiB = 1024;
const MiB = 1024 * KiB;
// Around BLAKE3's chunk (1 KiB), the addon's read buffer and pread block, its 4 MiB threading
// threshold, and sizes that leave a tail after whole power-of-two subtrees.
const SIZES = [
  0,
  1,
  1023,
  1024,
  1025,
  64 * KiB - 1,
  64 * KiB,
  64 * KiB + 1,
  MiB - 1,
  MiB,
  MiB + 1,
  4 * MiB - 1,
  4 * MiB,
  4 * MiB + 1,
  9 * MiB + 12345,
  16 * MiB,
  21 * MiB + 1023,
];

describe.each([
  { path: "native", native: true },
  { path: "streaming fallback", native: false },
])("hashFile ($path)", ({ native }) => {
  const data = crypto.randomBytes(SIZES.at(-1)!);

  it("gives @napi-rs/blake-hash's digest for sizes around every boundary", async () => {
    for (const size of SIZES) {
      const content = data.subarray(0, size);
      const got = await hashFile(file(`s${size}`, content), { native });
      expect(got, `size ${size}`).toEqual({ hash: expected(content), size });
    }
  });

  it("matches the BLAKE3 test vectors for an empty file and 'abc'", async () => {
    expect(await hashFile(file("empty", ""), { native })).toEqual({
      hash: "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
      size: 0,
    });
    expect((await hashFile(file("abc", "abc"), { native })).hash).toBe(
      "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
    );
  });

  it("rejects with a typed error for a missing file and for a directory", async () => {
    const missing = path.join(dir, "nope");
    const error = await hashFile(missing, { native }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HashFileError);
    expect(error).toMatchObject({ code: "ENOENT", path: missing });
    await expect(hashFile(dir, { native })).rejects.toMatchObject({ code: "EISDIR", path: dir });
  });

  it("reports progress that only grows and ends at the file's size", async () => {
    const content = data.subarray(0, 21 * MiB + 1023);
    const p = file("progress", content);
    const seen: HashProgress[] = [];
    const got = await hashFile(p, { native, onProgress: (e) => seen.push(e) });
    expect(got.size).toBe(content.length);
    // Events are coalesced (one queued at a time), so how many arrive depends on timing.
    expect(seen.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThan(seen[i - 1]!.bytesDone);
    expect(seen.at(-1)).toEqual({ bytesDone: content.length, bytesTotal: content.length });
    expect(seen.every((e) => e.bytesTotal === content.length)).toBe(true);
  });

  it("gives the same answers when several files are hashed at once", async () => {
    const contents = [0, 1, 2, 3].map((i) => data.subarray(i * 1000, i * 1000 + 5 * MiB + i));
    const paths = contents.map((c, i) => file(`par${i}`, c));
    const got = await Promise.all(paths.map((p) => hashFile(p, { native })));
    expect(got.map((g) => g.hash)).toEqual(contents.map(expected));
  });

  it("hashes what a pipe delivers (a special file: no size to split by)", async () => {
    const fifo = path.join(dir, `fifo-${native}`);
    const writer = spawn("sh", ["-c", 'mkfifo "$1" && head -c 3000000 /dev/zero > "$1"', "sh", fifo]);
    const exited = new Promise((r) => writer.once("exit", r));
    while (!fs.existsSync(fifo)) await new Promise((r) => setTimeout(r, 10));
    const got = await hashFile(fifo, { native });
    await exited;
    expect(got).toEqual({ hash: expected(Buffer.alloc(3000000)), size: 3000000 });
  });
});

describe("hashFile on a large file", () => {
  it("splits it across threads and still gives the one-shot digest", async () => {
    // Not a power of two: whole subtrees of 256, 32, 8 and 4 MiB, then a tail.
    const content = crypto.randomBytes(300 * MiB + 12345);
    const p = file("large", content);
    try {
      const want = expected(content);
      expect(await hashFile(p)).toEqual({ hash: want, size: content.length });
      const addon = nativeAddon();
      if (!addon) {
        console.log(`native path not checked: ${JSON.stringify(nativeStatus())}`);
        return;
      }
      const got = await addon.hashFile(p, 0);
      expect(got).toEqual({ hash: want, size: content.length, threaded: addon.info().threads > 1 });
      expect(await addon.hashFile(p, 1)).toEqual({ hash: want, size: content.length, threaded: false });
    } finally {
      fs.rmSync(p, { force: true });
    }
  });
});
