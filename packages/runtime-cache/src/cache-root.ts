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
