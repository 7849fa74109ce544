import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { blake3 } from "@napi-rs/blake-hash";
import { describe, expect, it } from "vitest";
import { type HashProgress, hashFile } from "./hash-file.js";

// The native path hashes files of 4 MiB and more on several threads; the stream uses 2 MiB reads.
const SPLIT = 4 << 20;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roar-hash-"));
function file(name: string, content: Buffer | string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

describe("hashFile", () => {
  it("matches the BLAKE3 test vectors", async () => {
    expect(await hashFile(file("empty", ""))).toEqual({
      hash: "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
      size: 0,
    });
    expect((await hashFile(file("abc", "abc"))).hash).toBe(
      "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
    );
  });

  it("equals a one-shot hash for sizes around the read and threading boundaries", async () => {
    const big = crypto.randomBytes(3 * SPLIT + 3);
    for (const size of [1, 1023, (2 << 20) - 1, 2 << 20, SPLIT - 1, SPLIT, SPLIT + 1, 3 * SPLIT + 3]) {
      const content = big.subarray(0, size);
      const got = await hashFile(file(`s${size}`, content));
      expect(got).toEqual({ hash: blake3(content).toString("hex"), size });
    }
  });

  it("gives the same answers when several files are hashed at once", async () => {
    const contents = [0, 1, 2, 3].map((i) => crypto.randomBytes(SPLIT + 1000 * i));
    const paths = contents.map((c, i) => file(`par${i}`, c));
    const got = await Promise.all(paths.map((p) => hashFile(p)));
    expect(got.map((g) => g.hash)).toEqual(contents.map((c) => blake3(c).toString("hex")));
  });

  it("reports progress in bytes, ending at the file's size", async () => {
    const content = crypto.randomBytes(3 * SPLIT + 5);
    const seen: HashProgress[] = [];
    await hashFile(file("progress", content), (p) => seen.push(p));
    expect(seen.at(-1)).toEqual({ bytesDone: content.length, bytesTotal: content.length });
    expect(seen.map((p) => p.bytesDone)).toEqual([...seen.map((p) => p.bytesDone)].sort((a, b) => a - b));
  });

  it("rejects for a missing file", async () => {
    await expect(hashFile(path.join(dir, "nope"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
