import fs from "node:fs";
import path from "node:path";
import type { PythonIdentity } from "@roar/abi-probe";
import { runtimeCacheRoot, runtimeDir, TREE } from "./cache-root.js";
import { type RuntimeStamp, readStamp } from "./stamp.js";

export interface RuntimeExpectation {
  roarVersion: string;
  /** When given, every listed distribution must be stamped with exactly this version. */
  wheelVersions?: Record<string, string>;
  cacheRoot?: string;
}

export interface RuntimeInspection {
  cached: boolean;
  dir: string;
  sitePackages: string;
  stamp: RuntimeStamp | null;
  /** Why the tree is not usable (absent when cached). */
  reason?: string;
}

/**
 * Is the tree for this identity complete and current? Pure file-system reads (one stamp read, one
 * stat): this is the warm path of every `roar run`, so it must never spawn or walk directories.
 */
export function inspectRuntime(identity: PythonIdentity, expected: RuntimeExpectation): RuntimeInspection {
  const dir = runtimeDir(identity, expected.cacheRoot ?? runtimeCacheRoot());
  const sitePackages = path.join(dir, TREE.sitePackages);
  const stamp = readStamp(dir);
  const no = (reason: string): RuntimeInspection => ({ cached: false, dir, sitePackages, stamp, reason });
  if (!stamp) return no("not installed");
  if (stamp.key !== identity.runtimeKey) return no(`tree is stamped for ${stamp.key}`);
  if (stamp.roarVersion !== expected.roarVersion) {
    return no(`installed by roar ${stamp.roarVersion}, this is roar ${expected.roarVersion}`);
  }
  if (!stamp.wheels?.["roar-runtime"]) return no("stamp lists no roar-runtime wheel");
  for (const [name, version] of Object.entries(expected.wheelVersions ?? {})) {
    if (stamp.wheels[name] !== version)
      return no(`${name} ${stamp.wheels[name] ?? "missing"}, expected ${version}`);
  }
  // The stamp alone is not enough: a tree copied between machines or trimmed by hand must not be
  // served when the module for *this* ABI is not really there.
  const module = TREE.module + identity.extSuffix;
  try {
    if (!fs.statSync(path.join(sitePackages, module)).isFile()) return no(`${module} is not a file`);
  } catch {
    return no(`${module} is missing`);
  }
  return { cached: true, dir, sitePackages, stamp };
}

/** True only when the stamp matches (roar version, key, wheel versions) and `_roar_runtime<extSuffix>` exists. */
export function isRuntimeCached(identity: PythonIdentity, expected: RuntimeExpectation): boolean {
  return inspectRuntime(identity, expected).cached;
}
