import path from "node:path";
import type { StatusData } from "../lineage/status-data.js";
import { colours, truncate } from "./format.js";

/** A command line the user can paste from where they stand. */
export function rerunLine(entry: StatusData["rerun"][number], cwd: string): string {
  const line = `roar run ${entry.command}`;
  const rel = path.relative(cwd, entry.cwd);
  if (rel === "") return line;
  const dir = /^[\w./-]+$/.test(rel) ? rel : `'${rel.replace(/'/g, "'\\''")}'`;
  return `(cd ${dir} && ${line})`;
}

export function renderStatus(
  data: StatusData,
  options: { colour?: boolean; width?: number; cwd?: string } = {},
): string {
  if (data.upToDate) return "Everything is up to date.";
  const p = colours(options.colour ?? false);
  const width = options.width ?? 80;
  const lines: string[] = [];
  if (data.changedOutputs.length) {
    lines.push("Changed since recorded:");
    for (const o of data.changedOutputs) {
      const state = o.state === "missing" ? p.red("missing ") : p.yellow("modified");
      lines.push(`  ${state}  ${truncate(o.path, width - 24)}  (from @${o.step})`);
    }
    lines.push("");
  }
  if (data.staleSteps.length) {
    lines.push(`Stale steps (${data.staleSteps.length}):`);
    for (const s of data.staleSteps) {
      lines.push(`  @${s.step}  ${truncate(s.command, width - 6 - String(s.step).length)}`);
      for (const r of s.reasons) lines.push(p.dim(`        ${truncate(r, width - 8)}`));
    }
    lines.push("");
  }
  if (data.rerun.length) {
    lines.push("To bring everything up to date, re-run in this order:");
    for (const r of data.rerun) lines.push(`  ${rerunLine(r, options.cwd ?? process.cwd())}`);
  } else {
    lines.push("No step needs to re-run (the changed files are final outputs).");
  }
  return lines.join("\n").trimEnd();
}
