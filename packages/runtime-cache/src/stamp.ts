import fs from "node:fs";
import path from "node:path";
import { TREE } from "./cache-root.js";

/** Written last, into the finished tree, just before it is renamed into place. */
export interface RuntimeStamp {
  stampVersion: 1;
  roarVersion: string;
  key: string;
  /** Distributions in site-packages, normalised name → version (e.g. `roar-runtime` → `0.1.0`). */
  wheels: Record<string, string>;
  installedAt: string;
  /** File name of the verified compiled module, e.g. `_roar_runtime.cpython-312-x86_64-linux-gnu.so`. */
  module: string;
  python: { version: string; executable: string; abiTag: string; extSuffix: string };
  installer: { name: "pip" | "uv" | "build"; source: string; ms: number };
}

/** The stamp of a tree, or null when it is missing or unreadable (an unfinished or foreign tree). */
export function readStamp(treeDir: string): RuntimeStamp | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(treeDir, TREE.stamp), "utf8");
  } catch {
    return null;
  }
  try {
    const stamp = JSON.parse(text) as RuntimeStamp;
    return stamp && typeof stamp === "object" && stamp.stampVersion === 1 ? stamp : null;
  } catch {
    return null;
  }
}

export function writeStamp(treeDir: string, stamp: RuntimeStamp): void {
  fs.writeFileSync(path.join(treeDir, TREE.stamp), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Distributions installed in a site-packages dir, from their `*.dist-info` directory names. */
export function installedWheels(sitePackages: string): Record<string, string> {
  const wheels: Record<string, string> = {};
  for (const name of fs.readdirSync(sitePackages)) {
    const m = /^(.+?)-([^-]+)\.dist-info$/.exec(name);
    if (m) wheels[m[1]!.toLowerCase().replace(/[-_.]+/g, "-")] = m[2]!;
  }
  return wheels;
}
