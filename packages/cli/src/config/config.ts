import fs from "node:fs";
import { parse } from "smol-toml";
import { RoarError } from "../errors.js";
import { findProject, type Project } from "../project/find-root.js";
import { CONFIG_KEYS, type ConfigKeySpec, type RoarConfig } from "./keys.js";

export function defaultConfig(): RoarConfig {
  const config: Record<string, Record<string, unknown>> = {};
  for (const spec of CONFIG_KEYS as readonly ConfigKeySpec[]) {
    const [section, name] = spec.key.split(".") as [string, string];
    config[section] ??= {};
    config[section][name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  return config as unknown as RoarConfig;
}

/**
 * Read `.roar/config.toml` over the defaults. Environment overrides (ROAR_RUNTIME_INSTALL, …) are
 * not applied here: the code that uses a key decides, because an override can warn.
 */
export function loadConfig(configPath: string): RoarConfig {
  const config = defaultConfig();
  let text: string;
  try {
    text = fs.readFileSync(configPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return config;
    throw new RoarError(`cannot read ${configPath}: ${(error as Error).message}`);
  }
  let table: Record<string, unknown>;
  try {
    table = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new RoarError(`${configPath} is not valid TOML: ${(error as Error).message.split("\n")[0]}`, {
      hint: "fix the file by hand, or delete it to go back to the defaults",
    });
  }
  for (const spec of CONFIG_KEYS as readonly ConfigKeySpec[]) {
    const [section, name] = spec.key.split(".") as [string, string];
    let value = (table[section] as Record<string, unknown> | undefined)?.[name];
    if (value === undefined) continue;
    // TOML has no null: an optional string written as "" means unset.
    if (spec.type === "string?" && value === "") value = null;
    const problem = checkValue(spec, value);
    if (problem)
      throw new RoarError(`${configPath}: ${spec.key} ${problem}`, {
        hint: `roar config set ${spec.key} <value>`,
      });
    (config as unknown as Record<string, Record<string, unknown>>)[section]![name] = value;
  }
  return config;
}

/** Why `value` is not acceptable for `spec`, or null when it is. */
export function checkValue(spec: ConfigKeySpec, value: unknown): string | null {
  switch (spec.type) {
    case "enum":
      return typeof value === "string" && spec.values?.includes(value)
        ? null
        : `must be one of ${spec.values?.join(", ")} (got ${JSON.stringify(value)})`;
    case "string":
      return typeof value === "string" ? null : "must be a string";
    case "string?":
      return value === null || typeof value === "string" ? null : "must be a string";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? null
        : "must be a list of strings";
    case "integer":
      return Number.isInteger(value) && (value as number) > 0 ? null : "must be a positive whole number";
  }
}

/** The project's config when run inside one, else the defaults (e.g. `roar runtime install` in a Dockerfile). */
export function loadProjectConfig(cwd: string): { project: Project | null; config: RoarConfig } {
  const project = findProject(cwd);
  return { project, config: project ? loadConfig(project.configPath) : defaultConfig() };
}
