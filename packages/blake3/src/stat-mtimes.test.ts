import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nativeAddon } from "./native-addon.js";
import { STAT_MISSING, STAT_NOT_A_FILE, STAT_UNREADABLE, statMtimes } from "./stat-mtimes.js";

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "roar-stat-mtimes-"));
  fs.writeFileSync(path.join(root, "plain.txt"), "x");
  fs.mkdirSync(path.join(root, "dir"));
  fs.writeFileSync(path.join(root, "dir", "données_Ω_🦖.bin"), "y");
  fs.symlinkSync("plain.txt", path.join(root, "link"));
  fs.symlinkSync("nowhere", path.join(root, "dangling"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function joined(items: string[]): [string, Int32Array] {
  const ends = new Int32Array(items.length);
  let at = 0;
  items.forEach((item, i) => {
    at += item.length;
    ends[i] = at;
  });
  return [items.join(""), ends];
}

const mtime = (rel: string) => fs.statSync(path.resolve(root, rel)).mtimeMs;

describe("statMtimes", () => {
  const cases: [string, () => number][] = [
    ["plain.txt", () => mtime("plain.txt")],
    ["dir/données_Ω_🦖.bin", () => mtime("dir/données_Ω_🦖.bin")],
    ["link", () => mtime("plain.txt")],
    ["dir", () => STAT_NOT_A_FILE],
    ["gone.txt", () => STAT_MISSING],
    ["dangling", () => STAT_MISSING],
    ["plain.txt/under-a-file", () => STAT_MISSING],
    ["with\0nul", () => STAT_UNREADABLE],
    ["", () => STAT_MISSING],
  ];

  it.each([true, false])(
    "native %s: each path's mtime as fs.Stats.mtimeMs, or what is wrong with it",
    (native) => {
      const items = [...cases.map(([rel]) => rel), path.join(root, "plain.txt")];
      const [paths, ends] = joined(items);
      const got = statMtimes(paths, ends, root, { native });
      expect(Array.from(got)).toEqual([...cases.map(([, want]) => want()), mtime("plain.txt")]);
    },
  );

  it("gives the same answers natively as the fs.statSync loop for thousands of files (the threaded path)", () => {
    const many: string[] = [];
    for (let i = 0; i < 9000; i++)
      many.push(i % 3 === 0 ? `missing-${i}` : i % 3 === 1 ? "plain.txt" : "dir");
    const [paths, ends] = joined(many);
    const fallback = statMtimes(paths, ends, root, { native: false });
    expect(fallback[1]).toBe(mtime("plain.txt"));
    expect(statMtimes(paths, ends, root)).toEqual(fallback);
  });

  it("rejects offsets that leave the string, natively; the fallback is used only for an addon error", () => {
    const addon = nativeAddon();
    if (!addon) return;
    expect(() => addon.statMtimes("abc", Int32Array.of(2, 9), root)).toThrow(/ends must ascend/);
    expect(() => addon.statMtimes("abc", Int32Array.of(3), path.join(root, "no-such-dir"))).toThrow();
    expect(Array.from(statMtimes("a", Int32Array.of(0), root))).toEqual([STAT_MISSING]);
  });
});
