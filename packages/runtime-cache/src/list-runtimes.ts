import fs from "node:fs";
import path from "node:path";
import { runtimeCacheRoot, TREE } from "./cache-root.js";
import { acquireInstallLock } from "./install-lock.js";
import { oldDirName, sweepLeftovers } from "./leftovers.js";
import { type RuntimeStamp, readStamp } from "./stamp.js";

export interface RuntimeEntry {
  key: string;
  dir: string;
  sitePackages: string;
  /** null: a directory without a readable stamp (never served; the next install replaces it). */
  stamp: RuntimeStamp | null;
  sizeBytes: number;
}

const LEFTOVER_MAX_AGE_MS = 60 * 60 * 1000;

/** The trees in the cache, sorted by key. Sweeps leftovers of killed installs on the way. */
export function listRuntimes(root: string = runtimeCacheRoot()): RuntimeEntry[] {
  sweepLeftovers(root, { tmpMaxAgeMs: LEFTOVER_MAX_AGE_MS });
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const entries: RuntimeEntry[] = [];
  for (const name of names.sort()) {
    if (name.startsWith(".") || name.endsWith(".lock")) continue;
    const dir = path.join(root, name);
    try {
      if (!fs.statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    entries.push({
      key: name,
      dir,
      sitePackages: path.join(dir, TREE.sitePackages),
      stamp: readStamp(dir),
      sizeBytes: treeSize(dir),
    });
  }
  return entries;
}

export interface RemoveResult {
  removed: string[];
  /** Keys left alone, with why (an install holds the lock, or there is no such key). */
  skipped: { key: string; reason: string }[];
}

/**
 * Remove one tree by key, or every tree (`"all"`, which also clears leftovers). A tree is renamed
 * aside before it is deleted, so a half-deleted tree is never mistaken for a complete one.
 */
export async function removeRuntime(which: string, root: string = runtimeCacheRoot()): Promise<RemoveResult> {
  const result: RemoveResult = { removed: [], skipped: [] };
  const keys = which === "all" ? listRuntimes(root).map((e) => e.key) : [which];
  for (const key of keys) {
    const dir = path.join(root, key);
    if (key.includes("/") || key.startsWith(".") || !fs.existsSync(dir)) {
      result.skipped.push({ key, reason: "no such runtime" });
      continue;
    }
    const lock = await acquireInstallLock(root, key, { staleMs: 15_000, waitMs: 0 }).catch(() => null);
    if (!lock) {
      result.skipped.push({ key, reason: "an install is in progress" });
      continue;
    }
    try {
      const aside = path.join(root, oldDirName(key));
      fs.renameSync(dir, aside);
      fs.rmSync(aside, { recursive: true, force: true });
      result.removed.push(key);
    } finally {
      await lock.release();
    }
  }
  if (which === "all") {
    for (const name of safeReaddir(root)) {
      if (name.startsWith(".old-")) fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
    sweepLeftovers(root, { tmpMaxAgeMs: LEFTOVER_MAX_AGE_MS });
  }
  return result;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function treeSize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    try {
      if (entry.isDirectory()) total += treeSize(full);
      else total += fs.lstatSync(full).size;
    } catch {
      // vanished while we looked
    }
  }
  return total;
}
