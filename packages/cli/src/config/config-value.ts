import { parse } from "smol-toml";
import { RoarError } from "../errors.js";
import { checkValue } from "./config.js";
import { CONFIG_KEYS, type ConfigKeySpec } from "./keys.js";

export type ConfigValue = string | number | string[] | null;

export class UnknownConfigKeyError extends RoarError {
  readonly key: string;
  readonly validKeys: string[];
  constructor(key: string) {
    const validKeys = (CONFIG_KEYS as readonly ConfigKeySpec[]).map((s) => s.key);
    super(`unknown config key '${key}'`, { hint: `valid keys: ${validKeys.join(", ")}` });
    this.name = "UnknownConfigKeyError";
    this.key = key;
    this.validKeys = validKeys;
  }
}

export class BadConfigValueError extends RoarError {
  readonly key: string;
  constructor(spec: ConfigKeySpec, raw: string, problem: string) {
    super(`bad value for ${spec.key}: ${JSON.stringify(raw)}${problem ? ` ${problem}` : ""}`, {
      hint: validValuesHint(spec),
    });
    this.name = "BadConfigValueError";
    this.key = spec.key;
  }
}

export function validValuesHint(spec: ConfigKeySpec): string {
  switch (spec.type) {
    case "enum":
      return `${spec.key} is one of: ${spec.values?.join(", ")}`;
    case "integer":
      return `${spec.key} is a positive whole number, e.g. ${spec.default}`;
    case "string[]":
      return `${spec.key} is a list: a,b or a TOML array such as ["a", "b"] ("" for an empty list)`;
    case "string?":
      return `${spec.key} is a string ("" to unset it)`;
    case "string":
      return `${spec.key} is a string`;
  }
}

export function configKeySpec(key: string): ConfigKeySpec {
  const spec = (CONFIG_KEYS as readonly ConfigKeySpec[]).find((s) => s.key === key);
  if (!spec) throw new UnknownConfigKeyError(key);
  return spec;
}

/**
 * Turn what the user typed after `roar config set <key>` into a typed value. Lists accept `a,b`
 * or a TOML array literal; strings may be TOML-quoted; `""` unsets an optional string.
 */
export function parseConfigValue(spec: ConfigKeySpec, raw: string): ConfigValue {
  const trimmed = raw.trim();
  let value: unknown;
  switch (spec.type) {
    case "integer": {
      if (!/^[+]?\d+$/.test(trimmed)) throw new BadConfigValueError(spec, raw, "is not a whole number");
      value = Number(trimmed);
      break;
    }
    case "string[]": {
      if (trimmed.startsWith("[")) {
        try {
          value = (parse(`v = ${trimmed}`) as { v: unknown }).v;
        } catch {
          throw new BadConfigValueError(spec, raw, "is not a valid TOML array");
        }
      } else {
        value =
          trimmed === ""
            ? []
            : trimmed
                .split(",")
                .map((s) => unquote(s.trim()))
                .filter((s) => s !== "");
      }
      break;
    }
    case "string?":
      value = trimmed === "" || trimmed === '""' ? null : unquote(trimmed);
      break;
    default:
      value = unquote(trimmed);
  }
  const problem = checkValue(spec, value);
  // For an enum the hint already lists the valid values; say it once.
  if (problem)
    throw new BadConfigValueError(spec, raw, spec.type === "enum" ? "" : problem.replace(/ \(got .*\)$/, ""));
  return value as ConfigValue;
}

function unquote(s: string): string {
  if (s.length >= 2 && (s.startsWith('"') || s.startsWith("'")) && s.endsWith(s[0]!)) {
    try {
      return (parse(`v = ${s}`) as { v: string }).v;
    } catch {
      return s;
    }
  }
  return s;
}

/** A value as TOML source text. */
export function formatTomlValue(value: ConfigValue): string {
  if (value === null) return '""';
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return tomlString(value);
  return `[${value.map(tomlString).join(", ")}]`;
}

function tomlString(s: string): string {
  // JSON string escapes are a subset of TOML basic-string escapes, except that TOML forbids raw
  // control characters that JSON.stringify already escapes; so JSON.stringify is a valid encoder.
  return JSON.stringify(s);
}

/** A value for people: strings bare, lists comma-separated, unset as "(unset)". */
export function displayValue(value: ConfigValue): string {
  if (value === null) return "(unset)";
  if (Array.isArray(value)) return value.length === 0 ? "[]" : value.join(", ");
  return String(value);
}
