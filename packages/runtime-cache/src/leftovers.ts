import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Replaced trees are kept this long: a process started before the swap may still be loading from it. */
export const OLD_TREE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const OWNER_FILE = "owner.json";

const TMP_RE = /^\.tmp-(.+)-(\d+)-([0-9a-z]+)$/;
const OLD_RE = /^\.old-(.+)-(\d+)$/;

export function tmpDirName(key: string): string {
  return `.tmp-${key}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

export function oldDirName(key: string): string {
  return `.old-${key}-${Date.now()}`;
}

/** Recorded in each temporary dir so a sweep on another host (NFS home) never judges by our pid. */
export function writeOwner(tmpDir: string): void {
  fs.writeFileSync(path.join(tmpDir, OWNER_FILE), JSON.stringify({ host: os.hostname(), pid: process.pid }));
}

export interface SweepOptions {
  /** We hold this key's install lock: every `.tmp-<key>-*` is then a leftover, whoever made it. */
  lockedKey?: string;
  /** A `.tmp-*` older than this is a leftover (no install runs longer than its timeout). */
  tmpMaxAgeMs: number;
  now?: number;
}

/** Remove what killed installs left behind. Never throws; returns the removed paths. */
export function sweepLeftovers(root: string, options: SweepOptions): string[] {
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    const full = path.join(root, name);
    let leftover = false;
    const tmp = TMP_RE.exec(name);
    const old = OLD_RE.exec(name);
    if (tmp) {
      leftover =
        tmp[1] === options.lockedKey || ownerIsDeadHere(full) || ageMs(full, now) > options.tmpMaxAgeMs;
    } else if (old) {
      leftover = now - Number(old[2]) > OLD_TREE_MAX_AGE_MS;
    }
    if (!leftover) continue;
    try {
      fs.rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // someone else is sweeping it, or it is not ours to remove: try again next time
    }
  }
  return removed;
}

function ownerIsDeadHere(dir: string): boolean {
  let owner: { host?: string; pid?: number };
  try {
    owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), "utf8")) as typeof owner;
  } catch {
    return false;
  }
  if (owner.host !== os.hostname() || typeof owner.pid !== "number") return false;
  return !isAlive(owner.pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ageMs(file: string, now: number): number {
  try {
    return now - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
