import { randomBytes } from "node:crypto";
import { blake3 } from "@napi-rs/blake-hash";
import { describe, expect, it, vi } from "vitest";
import { hashBytes } from "./hash-bytes.js";
import { nativeAddon, nativeStatus } from "./native-addon.js";

const reference = (data: Uint8Array | string) => blake3(data).toString("hex");

describe("hashBytes", () => {
  const inputs: [string, Uint8Array | string][] = [
    ["empty", new Uint8Array(0)],
    ["one byte", Buffer.from([7])],
    ["1023 bytes", randomBytes(1023)],
    ["1025 bytes", randomBytes(1025)],
    ["64 KiB + 1", randomBytes((64 << 10) + 1)],
    ["a subarray at an offset", randomBytes(5000).subarray(17, 4017)],
    ["an ASCII string", '{"o":["model.pt"],"i":["data.csv"]}'],
    ["a non-ASCII string", "données_Ω_🦖"],
    ["an empty string", ""],
  ];

  it.each(inputs)("native and fallback agree with the reference: %s", (_name, data) => {
    expect(hashBytes(data)).toBe(reference(data));
    expect(hashBytes(data, { native: false })).toBe(reference(data));
  });

  it("goes through the native addon when it is built, and never touches it with native: false", () => {
    const addon = nativeAddon();
    if (!addon) return;
    const spy = vi.spyOn(addon, "hashBytes");
    try {
      expect(hashBytes("abc")).toBe("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");
      expect(spy).toHaveBeenCalledTimes(1);
      hashBytes("abc", { native: false });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("rejects what is neither bytes nor a string", () => {
    if (!nativeStatus().active) return;
    expect(() => hashBytes(42 as unknown as string)).toThrow(/hashBytes/);
    expect(() => hashBytes(new Float64Array(2) as unknown as Uint8Array)).toThrow(/hashBytes/);
  });
});
