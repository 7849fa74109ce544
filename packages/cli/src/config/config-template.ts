import { formatTomlValue } from "./config-value.js";
import { CONFIG_KEYS, type ConfigKeySpec } from "./keys.js";

/**
 * The `config.toml` `roar init` writes: every key under its section, its description as a comment
 * and its default commented out, so the file documents itself and `roar config set` has a place
 * to put each value next to its explanation.
 */
export function configTemplate(): string {
  const lines = [
    "# roar project configuration.",
    "# Every key is listed with its default, commented out. Uncomment a line to change it,",
    "# or run `roar config set <key> <value>` (comments and layout are kept).",
  ];
  let section = "";
  for (const spec of CONFIG_KEYS as readonly ConfigKeySpec[]) {
    const [sec, name] = spec.key.split(".") as [string, string];
    if (sec !== section) {
      lines.push("", `[${sec}]`);
      section = sec;
    }
    lines.push(...describeKey(spec).map((l) => `# ${l}`));
    lines.push(spec.default === null ? `# ${name} = ""` : `# ${name} = ${formatTomlValue(spec.default)}`);
  }
  return `${lines.join("\n")}\n`;
}

function describeKey(spec: ConfigKeySpec): string[] {
  const extra: string[] = [];
  if (spec.values) extra.push(`One of: ${spec.values.join(", ")}.`);
  if (spec.default === null) extra.push("Unset by default.");
  if (spec.env) extra.push(`Environment variable ${spec.env} overrides it.`);
  return wrap(`${spec.description}${extra.length ? ` ${extra.join(" ")}` : ""}`, 96);
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
