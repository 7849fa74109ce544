import path from "node:path";
import {
  type EnsureRuntimeOptions,
  parseFindLinks,
  type ResolvedInstallMode,
  type RuntimeEvent,
  resolveInstallMode,
} from "@roar/runtime-cache";
import type { RoarConfig } from "../config/keys.js";
import { roarVersion, shimDir, wheelhouseDir } from "../paths.js";

/** `index_url = "none"` (or the env var set to it): never ask any index, not even the default one. */
const NO_INDEX = new Set(["none", "off", "false", "no"]);

export interface RuntimeOptionsResult {
  options: EnsureRuntimeOptions;
  /** One line each, for stderr (e.g. an unknown ROAR_RUNTIME_INSTALL value). */
  warnings: string[];
  mode: ResolvedInstallMode;
  /** Where find-links and the index came from: `env`, `config` or `default`. */
  sourcesFrom: { findLinks: "env" | "config" | "default"; indexUrl: "env" | "config" | "default" };
}

/**
 * Config + environment → the options `ensureRuntime` takes. The environment overrides the file
 * (ROAR_RUNTIME_INSTALL, ROAR_RUNTIME_FIND_LINKS, ROAR_RUNTIME_INDEX_URL); the shipped wheelhouse
 * comes first and the shipped `roar-runtime` source is the last resort.
 */
export function runtimeOptionsFromConfig(
  config: RoarConfig,
  env: NodeJS.ProcessEnv = process.env,
): RuntimeOptionsResult {
  const resolved = resolveInstallMode(config.runtime.install, env);
  // The config always holds a value (defaults filled in); the default one is reported as such.
  const mode: ResolvedInstallMode =
    resolved.source === "config" && config.runtime.install === "auto"
      ? { ...resolved, source: "default" }
      : resolved;
  const warnings = mode.warning ? [mode.warning] : [];

  const envLinks = env.ROAR_RUNTIME_FIND_LINKS;
  const findLinksFrom = envLinks?.trim()
    ? "env"
    : config.runtime.find_links.length > 0
      ? "config"
      : "default";
  const findLinks = findLinksFrom === "env" ? parseFindLinks(envLinks!) : [...config.runtime.find_links];

  const envIndex = env.ROAR_RUNTIME_INDEX_URL?.trim();
  const indexFrom = envIndex ? "env" : config.runtime.index_url ? "config" : "default";
  const rawIndex = envIndex || config.runtime.index_url || null;
  const noIndex = rawIndex !== null && NO_INDEX.has(rawIndex.toLowerCase());

  return {
    options: {
      mode: mode.mode,
      roarVersion: roarVersion(),
      wheelhouse: [wheelhouseDir()],
      findLinks,
      indexUrl: noIndex ? null : rawIndex,
      useDefaultIndex: !noIndex,
      sourceDirs: [path.join(shimDir(), "roar-runtime")],
      installer: config.runtime.installer,
      timeoutMs: config.runtime.install_timeout * 1000,
      env,
      shimDir: shimDir(),
    },
    warnings,
    mode,
    sourcesFrom: { findLinks: findLinksFrom, indexUrl: indexFrom },
  };
}

/**
 * The lines a user sees about a runtime install, the same from `roar run` and `roar runtime install`.
 * Hits and waits print nothing.
 */
export function printRuntimeEvent(event: RuntimeEvent, stream: NodeJS.WritableStream = process.stderr): void {
  if (event.type === "install-start") {
    stream.write(`🦖 installing roar runtime for ${event.abiTag} ... (one-time per Python; cached)\n`);
  } else if (event.type === "install-failed") {
    stream.write(`🦖 install failed: ${event.reason}\n`);
    if (event.hint) stream.write(`  hint: ${event.hint}\n`);
  }
}
