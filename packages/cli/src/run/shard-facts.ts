import path from "node:path";
import type { InjectLog, MergedJob } from "@roar/inject-log";
import type { PythonProcess } from "../store/job-record.js";
import type { FileEvent } from "./events.js";

/** The Python processes of the job as their own shims reported them: what really ran. */
export function pythonsFromShards(processes: readonly InjectLog[]): PythonProcess[] {
  return processes.map((p) => ({
    pid: p.pid,
    ppid: p.ppid,
    argv: p.argv,
    executable: p.executable,
    version: p.python_version,
    implementation: p.python_implementation,
    abiTag: p.abi.abi_tag,
    extSuffix: p.abi.ext_suffix,
    prefix: p.prefix,
    basePrefix: p.base_prefix,
    virtualEnv: p.virtual_env,
    auditBackend: p.capture.audit_backend,
    gate: { outcome: p.capture.gate.outcome, reason: p.capture.gate.reason },
  }));
}

/** Each process's file events, in process order (each shard lists its own in first-seen order). */
export function shardEvents(processes: readonly InjectLog[]): FileEvent[] {
  const events: FileEvent[] = [];
  for (const p of processes) {
    for (const f of p.files) {
      events.push(
        f.dest
          ? { pid: p.pid, op: f.op, path: f.path, dest: f.dest }
          : { pid: p.pid, op: f.op, path: f.path },
      );
    }
  }
  return events;
}

/** Directories of every interpreter that ran: its stdlib and site-packages are never the job's data. */
export function interpreterDirs(processes: readonly InjectLog[]): string[] {
  const dirs = new Set<string>();
  for (const p of processes) {
    for (const prefix of [p.prefix, p.base_prefix]) {
      if (!prefix || path.resolve(prefix) === "/") continue;
      for (const sub of ["lib", "lib64", "include", "pyvenv.cfg"]) dirs.add(path.join(prefix, sub));
    }
  }
  return [...dirs];
}

/**
 * What went wrong while capturing, in words for the job's notes. `problems` mean the record may be
 * incomplete and are shown to the user; `notes` are kept with the job only.
 */
export function shardNotes(merged: Pick<MergedJob, "processes" | "errors">): {
  problems: string[];
  notes: string[];
} {
  const notes: string[] = [];
  const problems: string[] = [];
  for (const e of merged.errors) {
    problems.push(
      `shard ${path.basename(e.file)} could not be read (${e.problem}): that process's Python-level events are missing`,
    );
  }
  const dropped = merged.processes.reduce((n, p) => n + (p.capture.events_dropped ?? 0), 0);
  if (dropped > 0)
    problems.push(
      `${dropped} file event(s) were dropped by the shim (over its cap): the file lists may be incomplete`,
    );
  const pure = merged.processes.filter(
    (p) => p.capture.runtime_expected && p.capture.audit_backend === "python",
  );
  if (pure.length > 0) {
    const reason = pure[0]!.capture.gate.reason ?? pure[0]!.capture.gate.outcome;
    notes.push(`${pure.length} Python process(es) captured with the pure-Python hook: ${reason}`);
  }
  for (const p of merged.processes) {
    for (const err of (p.capture.errors ?? []).slice(0, 2))
      notes.push(`shim error in pid ${p.pid} (${err.where}): ${err.message}`);
  }
  return { problems, notes };
}

/** Distinct (name, version) pairs the job's processes imported. */
export function packagesFromShards(merged: Pick<MergedJob, "packages">): { name: string; version: string }[] {
  return merged.packages.map((p) => ({ name: p.name, version: p.version }));
}
