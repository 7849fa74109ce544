import type { PythonIdentity } from "@roar/abi-probe";
import { runtimeCacheRoot } from "./cache-root.js";
import { inspectRuntime } from "./inspect-runtime.js";
import { installRuntime } from "./install-runtime.js";
import type { EnsureRuntimeOptions, EnsureRuntimeResult } from "./types.js";

/**
 * The runtime tree for this interpreter, installing it on a miss.
 *
 * A hit is one stamp read and one stat: no process, no lock, no event (it runs before every
 * `roar run`). A tree that is already there is used even in mode `skip`, which only forbids
 * installing. A miss takes the key's lock, re-checks, and installs once across all processes.
 */
export async function ensureRuntime(
  identity: PythonIdentity,
  options: EnsureRuntimeOptions,
): Promise<EnsureRuntimeResult> {
  const cacheRoot = options.cacheRoot ?? runtimeCacheRoot(options.env ?? process.env);
  const key = identity.runtimeKey;
  if (!options.force) {
    const found = inspectRuntime(identity, { roarVersion: options.roarVersion, cacheRoot });
    if (found.cached) return { status: "hit", key, path: found.sitePackages };
  }
  if (options.mode === "skip") {
    return {
      status: "skipped",
      key,
      reason: "runtime install is off (runtime.install = skip)",
      hint: `run 'roar runtime install ${identity.executable}' once to install it anyway`,
    };
  }
  return installRuntime(identity, { ...options, cacheRoot });
}
