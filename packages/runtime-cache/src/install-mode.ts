import type { InstallMode } from "./types.js";

export const INSTALL_MODE_ENV = "ROAR_RUNTIME_INSTALL";
const MODES: readonly InstallMode[] = ["auto", "skip"];

export interface ResolvedInstallMode {
  mode: InstallMode;
  /** Where the mode came from: the environment variable, the config file, or the default. */
  source: "env" | "config" | "default";
  /** Set when a value was not understood (the mode then falls back to `auto`). */
  warning?: string;
}

/** `ROAR_RUNTIME_INSTALL` overrides config (case-insensitive); an unknown value warns and means `auto`. */
export function resolveInstallMode(
  configValue: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedInstallMode {
  const fromEnv = env[INSTALL_MODE_ENV]?.trim();
  const [raw, source, label] =
    fromEnv !== undefined && fromEnv !== ""
      ? ([fromEnv, "env", INSTALL_MODE_ENV] as const)
      : configValue !== undefined && configValue !== null
        ? ([configValue, "config", "runtime.install"] as const)
        : (["auto", "default", ""] as const);
  const value = raw.toLowerCase();
  if ((MODES as readonly string[]).includes(value)) return { mode: value as InstallMode, source };
  return {
    mode: "auto",
    source,
    warning: `${label}=${JSON.stringify(raw)} is not one of ${MODES.join(", ")}; using auto`,
  };
}

/**
 * `ROAR_RUNTIME_FIND_LINKS`-style lists: os.pathsep (`:`) or whitespace separated. A `:` that starts
 * a URL's `//` or a port number does not separate, so `https://host:8080/wheels:/opt/wheels` is two.
 */
export function parseFindLinks(value: string): string[] {
  return value.split(/\s+|:(?!\/\/|\d)/).filter((part) => part !== "");
}
