import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PythonIdentity } from "@roar/abi-probe";

/** File names inside one runtime tree `<root>/<key>/`. */
export const TREE = {
  sitePackages: "site-packages",
  stamp: "roar-runtime.json",
  module: "_roar_runtime",
} as const;

/** `$XDG_CACHE_HOME/roar/runtime`, default `~/.cache/roar/runtime`. */
export function runtimeCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  // XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), ".cache");
  return path.join(base, "roar", "runtime");
}

/** `<root>/<runtimeKey>/`: holds `site-packages/` and the stamp `roar-runtime.json`. */
export function runtimeDir(
  identity: Pick<PythonIdentity, "runtimeKey">,
  root: string = runtimeCacheRoot(),
): string {
  return path.join(root, identity.runtimeKey);
}

export function lockPathFor(root: string, key: string): string {
  return path.join(root, `${key}.lock`);
}

/**
 * `site-packages` of every tree in the cache, cheaply (one readdir, no stamps read). A job passes
 * them all to its processes: a Python that starts another Python of a different ABI (a 3.12 script
 * running a 3.11 tool) finds that one's tree too, and the shim's gate picks the exact match.
 */
export function cachedRuntimePaths(root: string = runtimeCacheRoot()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith(".") && !name.endsWith(".lock"))
    .sort()
    .map((name) => path.join(root, name, TREE.sitePackages));
}
