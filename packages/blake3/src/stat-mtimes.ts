import fs from "node:fs";
import path from "node:path";
import { nativeAddon } from "./native-addon.js";

/** statMtimes: nothing at the path (ENOENT, or a parent that is not a directory). */
export const STAT_MISSING = -1;
/** statMtimes: something other than a regular file (a directory, a device...). */
export const STAT_NOT_A_FILE = -2;
/** statMtimes: the path could not be stat-ed (permission, symlink loop, name too long, a NUL). */
export const STAT_UNREADABLE = -3;

/**
 * The modification time (ms, exactly as `fs.Stats.mtimeMs`) of many files, or what is wrong with
 * each: the question asked before hashing a file again (has it changed since?), for a whole
 * project at once. Path i is `paths.slice(ends[i - 1] ?? 0, ends[i])`, relative to `root` unless
 * absolute, symlinks followed. The native addon stats them on every core without a JS object per
 * file (≈ 12× fs.statSync for 100,000 files on 2 cores); without it, a loop of fs.statSync gives
 * the same answers.
 */
export function statMtimes(
  paths: string,
  ends: Int32Array,
  root: string,
  options: { native?: boolean } = {},
): Float64Array {
  const addon = options.native === false ? null : nativeAddon();
  if (addon) {
    try {
      return addon.statMtimes(paths, ends, root);
    } catch {
      // An older addon without statMtimes, or a root it cannot open: the loop says the same.
    }
  }
  const out = new Float64Array(ends.length);
  for (let i = 0; i < ends.length; i++) out[i] = mtimeAt(paths, ends, root, i);
  return out;
}

export interface GroupedMtimes {
  /** Path i's result once its group is done; NaN until then (and for a path in no group). */
  mtimes: Float64Array;
  /** Per group: resolves once that group's results are in `mtimes`. Groups finish in order. */
  done: Promise<void>[];
}

/**
 * statMtimes off the main thread, for the paths numbered in each group, group after group (each
 * on every core): a caller can use the first group's answers while the next ones are being
 * stat-ed (`roar dag --format json` prints the files it has while the rest are checked). Without
 * the addon the groups are stat-ed here, before this returns.
 */
export function statMtimesInGroups(
  paths: string,
  ends: Int32Array,
  root: string,
  groups: Int32Array[],
  options: { native?: boolean } = {},
): GroupedMtimes {
  const addon = options.native === false ? null : nativeAddon();
  if (addon?.statMtimesInGroups) {
    const resolvers: (() => void)[] = [];
    const done = groups.map(() => new Promise<void>((resolve) => resolvers.push(resolve)));
    try {
      const mtimes = addon.statMtimesInGroups(paths, ends, root, groups, (g) => resolvers[g]!());
      if (mtimes instanceof Float64Array) return { mtimes, done };
    } catch {
      // A root it cannot open or a group out of range: the loop says the same, or throws.
    }
  }
  const mtimes = new Float64Array(ends.length).fill(Number.NaN);
  for (const group of groups)
    for (const i of group) {
      if (!(i >= 0 && i < ends.length)) throw new RangeError(`statMtimesInGroups: no path number ${i}`);
      mtimes[i] = mtimeAt(paths, ends, root, i);
    }
  return { mtimes, done: groups.map(() => Promise.resolve()) };
}

/** Path i's statMtimes result, with fs.statSync. */
function mtimeAt(paths: string, ends: Int32Array, root: string, i: number): number {
  const rel = paths.slice(i === 0 ? 0 : ends[i - 1], ends[i]);
  // An empty path names nothing (as for the kernel), not the root itself.
  return rel === "" ? STAT_MISSING : mtimeOf(path.isAbsolute(rel) ? rel : path.join(root, rel));
}

function mtimeOf(file: string): number {
  try {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    return !st ? STAT_MISSING : st.isFile() ? st.mtimeMs : STAT_NOT_A_FILE;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOTDIR" ? STAT_MISSING : STAT_UNREADABLE;
  }
}
