import type { PythonProcess } from "../store/job-record.js";
import type { JobFile, JobRow } from "../store/store.js";
import {
  absoluteTime,
  type Colours,
  humanDuration,
  humanSize,
  keyValues,
  relativeTime,
  shortHash,
  statusText,
  table,
} from "./format.js";
import { type JobSummary, jobSummary } from "./log.js";

/** `roar show <job> --json`: stable shape. */
export interface JobShowData {
  kind: "job";
  job: JobSummary & {
    supersededBy: string | null;
    argv: string[];
    cwd: string;
    git: { commit: string | null; branch: string | null; dirty: boolean | null };
    os: { platform?: string; release?: string; arch?: string };
    tracer: { backend: string; blindSpots: string[]; notes: string[] };
    pythons: PythonGroup[];
    packages: { name: string; version: string }[];
    inputs: (JobFile & { readWrite: boolean })[];
    outputs: (JobFile & { readWrite: boolean })[];
  };
}

/** Identical Python processes (same interpreter, version, ABI, audit backend) counted once. */
export interface PythonGroup {
  version: string;
  implementation: string;
  abiTag: string;
  executable: string;
  auditBackend: string;
  gate: { outcome: string; reason: string | null };
  virtualEnv: boolean;
  count: number;
  pids: number[];
}

export function groupPythons(pythons: PythonProcess[]): PythonGroup[] {
  const groups = new Map<string, PythonGroup>();
  for (const p of pythons) {
    const key = JSON.stringify([
      p.executable,
      p.version,
      p.implementation,
      p.abiTag,
      p.auditBackend,
      p.gate?.outcome,
    ]);
    const g = groups.get(key);
    if (g) {
      g.count++;
      g.pids.push(p.pid);
    } else {
      groups.set(key, {
        version: p.version,
        implementation: p.implementation,
        abiTag: p.abiTag,
        executable: p.executable,
        auditBackend: p.auditBackend,
        gate: p.gate ?? { outcome: "unknown", reason: null },
        virtualEnv: p.virtualEnv,
        count: 1,
        pids: [p.pid],
      });
    }
  }
  for (const g of groups.values()) g.pids.sort((a, b) => a - b);
  return [...groups.values()];
}

export function jobShowData(job: JobRow, io: { inputs: JobFile[]; outputs: JobFile[] }): JobShowData {
  const outputPaths = new Set(io.outputs.map((f) => f.path));
  const both = new Set(io.inputs.map((f) => f.path).filter((p) => outputPaths.has(p)));
  return {
    kind: "job",
    job: {
      ...jobSummary(job),
      supersededBy: job.supersededByUid,
      argv: job.argv,
      cwd: job.cwd,
      git: job.git,
      os: job.os,
      tracer: job.tracer,
      pythons: groupPythons(job.pythons),
      packages: job.packages,
      inputs: io.inputs.map((f) => ({ ...f, readWrite: both.has(f.path) })),
      outputs: io.outputs.map((f) => ({ ...f, readWrite: both.has(f.path) })),
    },
  };
}

const MAX_PIDS = 8;

export function renderJob(data: JobShowData, c: Colours, now: number = Date.now()): string {
  const j = data.job;
  const out: string[] = [];
  const title = `${c.bold(`Job @${j.step}`)}${j.name ? ` ${j.name}` : ""}  ${c.dim(j.uid)}`;
  out.push(j.current ? title : `${title}  ${c.yellow(`(superseded by ${j.supersededBy ?? "a later run"})`)}`);
  const started = Date.parse(j.startedAt);
  const status = statusText(j);
  const git = j.git.commit
    ? `${j.git.commit.slice(0, 12)}${j.git.branch ? ` (${j.git.branch})` : ""}${j.git.dirty ? c.yellow(" dirty") : ""}`
    : c.dim("not a git repository");
  out.push(
    ...keyValues(
      [
        ["Status", j.status === "success" ? c.green(status) : c.red(status)],
        ["Command", j.command],
        ["Cwd", j.cwd],
        ["Started", `${absoluteTime(started)} (${relativeTime(started, now)})`],
        ["Duration", humanDuration(j.durationMs)],
        ["Git", git],
      ],
      "  ",
    ),
  );

  out.push("", c.bold("Environment"));
  const env: [string, string][] = [];
  if (j.os.platform)
    env.push([
      "OS",
      [j.os.platform, j.os.release, j.os.arch ? `(${j.os.arch})` : ""].filter(Boolean).join(" "),
    ]);
  if (j.pythons.length === 0)
    env.push(["Python", c.dim("no Python process reported (not a Python job, or the shim could not run)")]);
  j.pythons.forEach((g, i) => {
    const who =
      g.count === 1
        ? `pid ${g.pids[0]}`
        : `×${g.count} (pids ${g.pids.slice(0, MAX_PIDS).join(", ")}${g.pids.length > MAX_PIDS ? ", …" : ""})`;
    env.push([
      i === 0 ? "Python" : "",
      `Python ${g.version} (${g.implementation}, ${g.abiTag})  ${g.executable}  ${c.dim(who)}`,
    ]);
    const gate =
      g.gate.outcome && !["native", "ok", "loaded"].includes(g.gate.outcome)
        ? `, runtime gate: ${g.gate.outcome}${g.gate.reason ? ` (${g.gate.reason})` : ""}`
        : "";
    const hook = g.auditBackend === "none" ? "off (the tracer sees file I/O)" : g.auditBackend;
    env.push(["", c.dim(`audit hook: ${hook}${g.virtualEnv ? ", virtualenv" : ""}${gate}`)]);
  });
  env.push(["Tracer", j.tracer.backend]);
  if (j.tracer.blindSpots.length > 0) env.push(["", c.dim(`cannot see: ${j.tracer.blindSpots.join("; ")}`)]);
  env.push([
    "Packages",
    j.packages.length ? j.packages.map((p) => `${p.name}==${p.version}`).join(", ") : c.dim("none recorded"),
  ]);
  out.push(...keyValues(env, "  "));

  out.push("", c.bold(`Inputs (${j.inputs.length})`), ...files(j.inputs, c));
  out.push("", c.bold(`Outputs (${j.outputs.length})`), ...files(j.outputs, c));
  if (j.tracer.notes.length > 0) {
    out.push("", c.bold("Notes"), ...j.tracer.notes.map((n) => `  - ${n}`));
  }
  return out.join("\n");
}

function files(list: (JobFile & { readWrite: boolean })[], c: Colours): string[] {
  if (list.length === 0) return [c.dim("  (none)")];
  return table(
    list.map((f) => [
      f.path,
      humanSize(f.size),
      c.dim(shortHash(f.hash)),
      f.readWrite ? c.yellow("read-write") : "",
    ]),
    { alignRight: [1] },
  ).map((l) => `  ${l}`);
}
