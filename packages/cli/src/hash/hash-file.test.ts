import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { blake3 } from "@napi-rs/blake-hash";
import { describe, expect, it } from "vitest";
import { HASH_CHUNK_BYTES, hashFile } from "./hash-file.js";

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

  it("streams: equal to a one-shot hash for sizes around the buffer boundaries", async () => {
    const big = crypto.randomBytes(2 * HASH_CHUNK_BYTES + 3);
    for (const size of [
      1,
      1023,
      HASH_CHUNK_BYTES - 1,
      HASH_CHUNK_BYTES,
      HASH_CHUNK_BYTES + 1,
      2 * HASH_CHUNK_BYTES + 3,
    ]) {
      const content = big.subarray(0, size);
      const got = await hashFile(file(`s${size}`, content));
      expect(got).toEqual({ hash: blake3(content).toString("hex"), size });
    }
  });

  it("gives the same answers when several files are hashed at once", async () => {
    const contents = [0, 1, 2, 3].map((i) => crypto.randomBytes(HASH_CHUNK_BYTES + 1000 * i));
    const paths = contents.map((c, i) => file(`par${i}`, c));
    const got = await Promise.all(paths.map((p) => hashFile(p)));
    expect(got.map((g) => g.hash)).toEqual(contents.map((c) => blake3(c).toString("hex")));
  });

  it("rejects for a missing file", async () => {
    await expect(hashFile(path.join(dir, "nope"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
