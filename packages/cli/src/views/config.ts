import type { ConfigEntry } from "../config/config-entries.js";
import { displayValue } from "../config/config-value.js";
import { type Colours, table } from "./format.js";

/** `roar config list`: key, value (marked when it is the default or overridden), description. */
export function renderConfigList(entries: ConfigEntry[], c: Colours): string {
  const rows = entries.map((e) => {
    let value = displayValue(e.value);
    if (e.env?.value)
      value = `${e.env.value} ${c.yellow(`(from ${e.env.name}; file: ${displayValue(e.value)})`)}`;
    else if (e.source === "default") value = `${value} ${c.dim("(default)")}`;
    return [e.key, value, c.dim(e.description)];
  });
  return table(rows).join("\n");
}
