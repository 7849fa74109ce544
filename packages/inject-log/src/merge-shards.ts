import fsp from "node:fs/promises";
import path from "node:path";
import type { InjectLogProblem } from "./inject-log-error.js";
import { InjectLogError } from "./inject-log-error.js";
import { readInjectLog } from "./read-inject-log.js";
import type { FileOp, InjectLog, SpawnedProcess } from "./types.generated.js";

/** One (op, path, dest) event, unioned over every process that saw it. */
export interface MergedFileEvent {
  op: FileOp;
  path: string;
  dest: string | null;
  /** Sum of the per-process counts. */
  count: number;
  /** Processes that saw it, in process order. */
  pids: number[];
}

/** One (name, version) pair, unioned over processes. */
export interface MergedPackage {
  name: string;
  version: string;
  pids: number[];
  /** Another process of this job imported a different version of the same distribution. */
  conflict: boolean;
}

/** A process start seen by the audit hook of process `pid`. */
export interface MergedSpawn extends SpawnedProcess {
  pid: number;
}

/** One Python interpreter that ran in the job, and the processes that ran on it. */
export interface PythonSeen {
  executable: string;
  python_version: string;
  python_implementation: string;
  abi_tag: string;
  pids: number[];
}

/** A shard that could not be used. It was skipped; the rest of the job still merges. */
export interface ShardError {
  file: string;
  problem: InjectLogProblem;
  message: string;
}

export interface MergedJob {
  /** Every readable shard, sorted by started_at, then pid. */
  processes: InjectLog[];
  files: MergedFileEvent[];
  /** Sorted by name, then version. */
  packages: MergedPackage[];
  spawned: MergedSpawn[];
  /** Distinct interpreters, in process order: a 3.12 parent running a 3.11 child gives two. */
  pythons: PythonSeen[];
  errors: ShardError[];
  /** Pids whose parent wrote no shard (the workload itself, or children of a non-Python process). */
  roots: number[];
}

/** Shard files as the shim names them; a shard still being written is a temp file and is skipped. */
const SHARD_FILE = /^shard-.+\.json$/;
const READ_CONCURRENCY = 16;

/**
 * Reads every `shard-*.json` in `dir` and merges them into one view of the job. A corrupt shard is
 * reported in `errors` and skipped, never fatal. A directory that does not exist means no Python
 * process reported, and gives an empty job.
 */
export async function mergeShards(dir: string): Promise<MergedJob> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") names = [];
    else {
      throw new InjectLogError(
        dir,
        "unreadable",
        `cannot list the shard directory: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  const files = names.filter((n) => SHARD_FILE.test(n) && !n.includes(".tmp")).sort();

  const processes: InjectLog[] = [];
  const errors: ShardError[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = path.join(dir, files[next++]!);
      try {
        processes.push(await readInjectLog(file));
      } catch (error) {
        if (!(error instanceof InjectLogError)) throw error;
        errors.push({ file, problem: error.problem, message: error.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  errors.sort((a, b) => a.file.localeCompare(b.file));
  return mergeProcesses(processes, errors);
}

/** The merge itself, for callers that already hold the shards. */
export function mergeProcesses(shards: readonly InjectLog[], errors: ShardError[] = []): MergedJob {
  const processes = [...shards].sort((a, b) => a.started_at - b.started_at || a.pid - b.pid);

  const files = new Map<string, MergedFileEvent>();
  const packages = new Map<string, MergedPackage>();
  const pythons = new Map<string, PythonSeen>();
  const spawned: MergedSpawn[] = [];
  for (const p of processes) {
    for (const f of p.files) {
      const key = `${f.op}\0${f.path}\0${f.dest ?? ""}`;
      const seen = files.get(key);
      if (seen) {
        seen.count += f.count;
        addPid(seen.pids, p.pid);
      } else files.set(key, { op: f.op, path: f.path, dest: f.dest, count: f.count, pids: [p.pid] });
    }
    for (const pkg of p.packages) {
      const key = `${normalizeName(pkg.name)}\0${pkg.version}`;
      const seen = packages.get(key);
      if (seen) addPid(seen.pids, p.pid);
      else packages.set(key, { name: pkg.name, version: pkg.version, pids: [p.pid], conflict: false });
    }
    for (const s of p.spawned) spawned.push({ ...s, pid: p.pid });
    const py = {
      executable: p.executable,
      python_version: p.python_version,
      python_implementation: p.python_implementation,
      abi_tag: p.abi.abi_tag,
    };
    const pyKey = Object.values(py).join("\0");
    const seenPy = pythons.get(pyKey);
    if (seenPy) addPid(seenPy.pids, p.pid);
    else pythons.set(pyKey, { ...py, pids: [p.pid] });
  }

  const versionsByName = new Map<string, Set<string>>();
  for (const pkg of packages.values()) {
    const name = normalizeName(pkg.name);
    versionsByName.set(name, (versionsByName.get(name) ?? new Set()).add(pkg.version));
  }
  for (const pkg of packages.values()) pkg.conflict = versionsByName.get(normalizeName(pkg.name))!.size > 1;

  const pids = new Set(processes.map((p) => p.pid));
  const roots: number[] = [];
  for (const p of processes) if (!pids.has(p.ppid) || p.ppid === p.pid) addPid(roots, p.pid);

  return {
    processes,
    files: [...files.values()],
    packages: [...packages.values()].sort(
      (a, b) =>
        normalizeName(a.name).localeCompare(normalizeName(b.name)) || a.version.localeCompare(b.version),
    ),
    spawned,
    pythons: [...pythons.values()],
    errors,
    roots,
  };
}

/** PEP 503: `Foo_Bar`, `foo-bar` and `foo.bar` are one distribution. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

function addPid(list: number[], pid: number): void {
  if (!list.includes(pid)) list.push(pid);
}
