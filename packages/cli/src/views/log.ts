import type { JobRow } from "../store/store.js";
import { type Colours, humanDuration, relativeTime, statusText, table, truncate } from "./format.js";

/** The fields every job listing shares (`roar log`, `roar show`). */
export interface JobSummary {
  step: number;
  uid: string;
  /** false for an older run replaced by a later run of the same step. */
  current: boolean;
  name: string | null;
  startedAt: string; // ISO 8601
  durationMs: number;
  status: "success" | "failed" | "killed";
  exitCode: number | null;
  signal: string | null;
  command: string;
}

export function jobSummary(j: JobRow): JobSummary {
  return {
    step: j.step,
    uid: j.uid,
    current: j.supersededBy === null,
    name: j.name,
    startedAt: new Date(j.startedAt).toISOString(),
    durationMs: j.durationMs,
    status: j.status,
    exitCode: j.exitCode,
    signal: j.signal,
    command: j.command,
  };
}

/** `roar log --json`: jobs in recording order, newest last. */
export interface LogData {
  jobs: JobSummary[];
  /** Jobs recorded in all (more than `jobs` holds when -n limited it). */
  total: number;
}

export function logData(jobs: JobRow[], total: number): LogData {
  return { jobs: jobs.map(jobSummary), total };
}

export function renderLog(data: LogData, c: Colours, width: number, now: number = Date.now()): string {
  if (data.jobs.length === 0) return "No jobs recorded yet. Record one with: roar run <command>";
  const rows = data.jobs.map((j) => {
    const status = statusText(j);
    return [
      j.current ? c.bold(`@${j.step}`) : c.dim(`(@${j.step})`),
      c.dim(j.uid.slice(0, 8)),
      relativeTime(Date.parse(j.startedAt), now),
      humanDuration(j.durationMs),
      j.status === "success" ? c.green(status) : c.red(status),
      `${j.name ? `[${j.name}] ` : ""}${j.command}`,
    ];
  });
  // Fit the command into what the other columns leave of the terminal width.
  const fixed = table(rows.map((r) => [...r.slice(0, -1), ""]))[0]!.length + 2;
  const lines = table(
    rows.map((r) => [...r.slice(0, -1), truncate(r[5]!, Math.max(20, width - fixed))]),
    {
      alignRight: [3],
    },
  );
  const out = [...lines];
  const hidden = data.total - data.jobs.length;
  if (hidden > 0)
    out.unshift(c.dim(`… ${hidden} older job${hidden === 1 ? "" : "s"} (roar log -n ${data.total})`));
  if (data.jobs.some((j) => !j.current))
    out.push(c.dim("(@N): an older run, superseded by a later run of the same step"));
  return out.join("\n");
}
