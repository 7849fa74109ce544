import { parse } from "smol-toml";
import { RoarError } from "../errors.js";
import { type ConfigValue, formatTomlValue } from "./config-value.js";

/**
 * Set `key` (`section.name`) to `value` in config.toml *text*, touching only the lines it must, so
 * the user's comments, order and spacing survive (never re-serialised from a parsed table):
 *
 * - an active `name = …` line in `[section]` gets its value replaced (a trailing comment stays);
 * - else a commented default (`# name = …`) in that section gets `name = value` right after it;
 * - else the line goes right after the `[section]` header; a missing section is appended.
 *
 * `value === null` removes the active line (the key falls back to its default). The result is
 * parsed back and checked, so an edit can never leave a file roar cannot read.
 */
export function setConfigText(text: string, key: string, value: ConfigValue): string {
  const [section, name] = key.split(".") as [string, string];
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const newLine = `${name} = ${formatTomlValue(value)}`;

  const range = sectionRange(lines, section);
  let result: string[];
  if (!range) {
    if (value === null) return text;
    const body = text === "" || text.endsWith("\n") ? text : `${text}${eol}`;
    const sep = body.trim() === "" ? "" : eol;
    return `${body}${sep}[${section}]${eol}${newLine}${eol}`;
  }
  const active = findKeyLine(lines, range, name, false);
  if (active) {
    const [start, end] = active;
    const first = lines[start]!;
    const eq = first.indexOf("=");
    const indent = /^\s*/.exec(first)![0];
    const valueEnd = valueExtent(lines, start, eq + 1);
    const trailing = valueEnd.rest.trim().startsWith("#") ? ` ${valueEnd.rest.trim()}` : "";
    const replacement = value === null ? [] : [`${indent}${newLine}${trailing}`];
    result = [...lines.slice(0, start), ...replacement, ...lines.slice(end + 1)];
  } else if (value === null) {
    return text;
  } else {
    const commented = findKeyLine(lines, range, name, true);
    const at = commented ? commented[1] + 1 : range[0] + 1;
    result = [...lines.slice(0, at), newLine, ...lines.slice(at)];
  }
  const out = result.join(eol);
  checkEdit(out, section, name, value);
  return out;
}

/** [header line index, last line index] of `[section]`, or null. */
function sectionRange(lines: string[], section: string): [number, number] | null {
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const header = /^\s*\[\s*([^\]\s]+)\s*\]\s*(#.*)?$/.exec(lines[i]!);
    if (!header) continue;
    if (start >= 0) return [start, i - 1];
    if (header[1] === section) start = i;
  }
  return start >= 0 ? [start, lines.length - 1] : null;
}

function findKeyLine(
  lines: string[],
  [from, to]: [number, number],
  name: string,
  commented: boolean,
): [number, number] | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = commented
    ? new RegExp(`^\\s*#\\s*${escaped}\\s*=`)
    : new RegExp(`^\\s*(${escaped}|"${escaped}"|'${escaped}')\\s*=`);
  for (let i = from + 1; i <= to; i++) {
    if (!pattern.test(lines[i]!)) continue;
    if (commented) return [i, i];
    const eq = lines[i]!.indexOf("=");
    return [i, valueExtent(lines, i, eq + 1).endLine];
  }
  return null;
}

/**
 * Where a TOML value starting at `lines[line][col]` ends: arrays may span lines; strings may hold
 * `#` and brackets. Returns the last line of the value and what follows it on that line.
 */
function valueExtent(lines: string[], line: number, col: number): { endLine: number; rest: string } {
  let depth = 0;
  let quote: string | null = null;
  let started = false;
  for (let l = line; l < lines.length; l++) {
    const s = lines[l]!;
    for (let i = l === line ? col : 0; i < s.length; i++) {
      const c = s[i]!;
      if (quote) {
        if (c === "\\" && quote === '"') i++;
        else if (c === quote) {
          quote = null;
          if (depth === 0) return { endLine: l, rest: s.slice(i + 1) };
        }
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        started = true;
      } else if (c === "[") {
        depth++;
        started = true;
      } else if (c === "]") depth--;
      else if (c === "#") {
        if (depth === 0) return { endLine: l, rest: s.slice(i) };
        break; // a comment inside a multi-line array: skip the rest of this line
      } else if (!/\s/.test(c)) started = true;
      if (started && depth === 0 && c === "]") {
        return { endLine: l, rest: s.slice(i + 1) };
      }
    }
    if (depth === 0 && quote === null) return { endLine: l, rest: "" };
  }
  return { endLine: lines.length - 1, rest: "" };
}

function checkEdit(text: string, section: string, name: string, value: ConfigValue): void {
  let table: Record<string, Record<string, unknown> | undefined>;
  try {
    table = parse(text) as typeof table;
  } catch (error) {
    throw new RoarError(`could not edit config.toml safely: ${(error as Error).message.split("\n")[0]}`, {
      hint: "edit .roar/config.toml by hand",
    });
  }
  const got = table[section]?.[name];
  const ok = value === null ? got === undefined : JSON.stringify(got) === JSON.stringify(value);
  if (!ok) {
    throw new RoarError(`could not edit config.toml safely: ${section}.${name} did not take the new value`, {
      hint: "edit .roar/config.toml by hand (is the key defined twice, or in a dotted form?)",
    });
  }
}
