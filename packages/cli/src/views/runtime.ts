import type { RuntimeDoctorReport } from "../runtime/runtime-doctor.js";

export interface RuntimeListRow {
  key: string;
  python: string | null;
  executable: string | null;
  roarVersion: string | null;
  wheels: Record<string, string>;
  sizeBytes: number;
  installedAt: string | null;
  path: string;
  /** false: a tree without a stamp (an interrupted copy); never served, replaced on the next install. */
  complete: boolean;
}

export interface RuntimeListData {
  root: string;
  runtimes: RuntimeListRow[];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function renderRuntimeList(data: RuntimeListData): string {
  if (data.runtimes.length === 0) return `no runtimes in ${data.root}`;
  const rows = [["KEY", "PYTHON", "ROAR", "SIZE", "INSTALLED"]];
  for (const r of data.runtimes) {
    rows.push([
      r.key,
      r.python ?? "?",
      r.roarVersion ?? (r.complete ? "?" : "(incomplete)"),
      formatBytes(r.sizeBytes),
      r.installedAt ? r.installedAt.replace("T", " ").replace(/\.\d+Z$/, "Z") : "-",
    ]);
  }
  return `${table(rows)}\n\n${data.runtimes.length} runtime${data.runtimes.length === 1 ? "" : "s"} in ${data.root}`;
}

export function renderDoctor(report: RuntimeDoctorReport): string {
  const p = report.python;
  const yes = (ok: boolean) => (ok ? "yes" : "no");
  const lines = [
    `python       ${p.executable}${p.realpath !== p.executable ? ` -> ${p.realpath}` : ""}`,
    `             ${p.implementation} ${p.version}, abi ${p.abiTag}, ext suffix ${p.extSuffix}`,
    `key          ${report.key}`,
    `tree         ${report.cache.dir}`,
    `cached       ${report.cache.cached ? "yes" : `no (${report.cache.reason})`}`,
    `mode         ${report.mode.mode} (from ${report.mode.from})${report.mode.warning ? `  warning: ${report.mode.warning}` : ""}`,
    `installer    ${report.installer.error ? `none: ${report.installer.error}` : report.installer.name}`,
  ];
  if (report.installer.argv) lines.push(`             ${report.installer.argv.join(" ")}`);
  lines.push("sources");
  if (report.sources.tried.length === 0) lines.push("  (none: nothing to install from)");
  for (const [i, s] of report.sources.tried.entries()) lines.push(`  ${i + 1}. ${s}`);
  for (const s of report.sources.skipped) lines.push(`  -  ${s}`);
  lines.push(
    `gate         ${yes(report.gate.matches)}${report.gate.file ? ` (${report.gate.file})` : ` (no _roar_runtime file ending in ${p.extensionSuffixes.join(", ")})`}`,
  );
  return lines.join("\n");
}
