import fs from "node:fs";
import { parse } from "smol-toml";
import { loadConfig } from "./config.js";
import type { ConfigValue } from "./config-value.js";
import { CONFIG_KEYS, type ConfigKeySpec } from "./keys.js";

export interface ConfigEntry {
  key: string;
  type: ConfigKeySpec["type"];
  /** The allowed values of an enum key. */
  values: string[] | null;
  value: ConfigValue;
  default: ConfigValue;
  /** "file" when config.toml sets the key, else "default". */
  source: "file" | "default";
  /** Environment variable that overrides the file, and its value when set. */
  env: { name: string; value: string } | { name: string; value: null } | null;
  description: string;
}

/** Every known key with its effective value (config.toml over defaults) and where it came from. */
export function configEntries(configPath: string, env: NodeJS.ProcessEnv = process.env): ConfigEntry[] {
  const config = loadConfig(configPath) as unknown as Record<string, Record<string, ConfigValue>>;
  let table: Record<string, Record<string, unknown> | undefined> = {};
  try {
    table = parse(fs.readFileSync(configPath, "utf8")) as typeof table;
  } catch {
    // missing file: everything is a default (loadConfig already rejected invalid TOML)
  }
  return (CONFIG_KEYS as readonly ConfigKeySpec[]).map((spec) => {
    const [section, name] = spec.key.split(".") as [string, string];
    const envValue = spec.env ? env[spec.env] : undefined;
    return {
      key: spec.key,
      type: spec.type,
      values: spec.values ? [...spec.values] : null,
      value: config[section]?.[name] ?? null,
      default: Array.isArray(spec.default) ? [...spec.default] : spec.default,
      source: table[section]?.[name] === undefined ? "default" : "file",
      env: spec.env
        ? { name: spec.env, value: envValue === undefined || envValue === "" ? null : envValue }
        : null,
      description: spec.description,
    };
  });
}
