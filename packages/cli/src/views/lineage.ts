import type { LineageData } from "../lineage/trace.js";
import { colours, truncate } from "./format.js";

const short = (hash: string) => hash.slice(0, 12);

export function renderLineage(data: LineageData, options: { colour?: boolean; width?: number } = {}): string {
  const p = colours(options.colour ?? false);
  const width = options.width ?? 80;
  if (data.source) {
    return `${data.path} is a source file: roar saw steps read it, but no recorded step wrote it.${
      data.onDisk === "missing" ? `\n${p.red("note:")} it is missing on disk.` : ""
    }`;
  }
  const n = data.jobs.length;
  const lines = [
    `Lineage of ${data.path} (${short(data.hash)}): ${n} job${n === 1 ? "" : "s"}, oldest first`,
  ];
  if (data.onDisk === "modified")
    lines.push(
      `${p.yellow("note:")} ${data.path} on disk differs from the last recorded version; this is the recorded version's lineage`,
    );
  if (data.onDisk === "missing")
    lines.push(
      `${p.yellow("note:")} ${data.path} is missing on disk; this is the last recorded version's lineage`,
    );
  for (const job of data.jobs) {
    lines.push("");
    const exit = job.exitCode === null ? job.status : `exit ${job.exitCode}`;
    const tags = [exit, job.superseded ? "superseded" : null].filter(Boolean).join(", ");
    const head = `@${job.step}  ${job.uid}  (${tags})`;
    lines.push(`${p.bold(head)}`);
    lines.push(`  ${truncate(job.command, width - 2)}`);
    if (job.pythons.length)
      lines.push(
        `  python  ${job.pythons.map((py) => `${py.implementation} ${py.version} (${py.abiTag})`).join(", ")}`,
      );
    for (const input of job.inputs)
      lines.push(
        `  in   ${short(input.hash)}  ${truncate(input.path, width - 30)}${input.producer === null ? "" : p.dim(`  ← @${input.producer}`)}`,
      );
    for (const out of job.outputs) lines.push(`  out  ${short(out.hash)}  ${truncate(out.path, width - 22)}`);
  }
  return lines.join("\n");
}
