import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nativeAddon } from "./native-addon.js";
import {
  STAT_MISSING,
  STAT_NOT_A_FILE,
  STAT_UNREADABLE,
  statMtimes,
  statMtimesInGroups,
} from "./stat-mtimes.js";

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

describe("statMtimesInGroups", () => {
  const many: string[] = [];
  for (let i = 0; i < 12000; i++)
    many.push(
      i % 4 === 0 ? `missing-${i}` : i % 4 === 1 ? "plain.txt" : i % 4 === 2 ? "dir" : "dir/données_Ω_🦖.bin",
    );
  const [paths, ends] = joined(many);
  // Groups as a caller makes them: scattered numbers first, then ranges; path 11998 in none.
  const scattered = Int32Array.from({ length: 3000 }, (_, k) => k * 4 + 3);
  const rest = (from: number, to: number) =>
    Int32Array.from({ length: to - from }, (_, k) => from + k).filter((i) => i % 4 !== 3);
  const groups = [scattered, rest(0, 6000), rest(6000, 11998)];

  it.each([true, false])(
    "native %s: each group's answers as statMtimes gives them, groups in order",
    async (native) => {
      if (native && !nativeAddon()) return; // no addon here: the loop case below still runs
      const all = statMtimes(paths, ends, root, { native: false });
      const { mtimes, done } = statMtimesInGroups(paths, ends, root, groups, { native });
      const finished: number[] = [];
      done.forEach((p, g) => {
        p.then(() => finished.push(g));
      });
      await done[0];
      for (const i of scattered) expect(mtimes[i]).toBe(all[i]);
      await Promise.all(done);
      expect(finished).toEqual([0, 1, 2]);
      expect(mtimes[11998]).toBeNaN(); // in no group
      mtimes[11998] = all[11998]!;
      expect(mtimes).toEqual(all);
    },
  );

  it("rejects a path number out of range, natively and in the loop", () => {
    for (const native of [true, false])
      expect(() => statMtimesInGroups(paths, ends, root, [Int32Array.of(0, 12000)], { native })).toThrow(
        /out of range|no path number/,
      );
  });

  it.each([true, false])("native %s: no paths, or empty groups, resolve too", async (native) => {
    expect(Array.from(statMtimes("", new Int32Array(0), root, { native }))).toEqual([]);
    const none = statMtimesInGroups("", new Int32Array(0), root, [new Int32Array(0)], { native });
    expect(none.mtimes).toBeInstanceOf(Float64Array);
    expect(none.mtimes.length).toBe(0);
    await none.done[0];
    const one = statMtimesInGroups("gone", Int32Array.of(4), root, [new Int32Array(0), Int32Array.of(0)], {
      native,
    });
    await Promise.all(one.done);
    expect(Array.from(one.mtimes)).toEqual([STAT_MISSING]);
  });

  it("resolves at once with no groups", async () => {
    const { mtimes, done } = statMtimesInGroups(paths, ends, root, []);
    expect(done).toEqual([]);
    expect(mtimes.length).toBe(12000);
  });
});
