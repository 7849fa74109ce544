import fs from "node:fs";
import type Database from "better-sqlite3";
import { RoarError } from "../errors.js";
import type { Project } from "../project/find-root.js";
import type { JobRecordInput, PythonProcess } from "./job-record.js";
import { checkDatabase, openDatabase } from "./open-database.js";
import { stepKey } from "./step-key.js";

export type JobStatus = "success" | "failed" | "killed";

/** A recorded job, parsed from its row. */
export interface JobRow {
  id: number;
  uid: string;
  step: number;
  stepKey: string;
  name: string | null;
  argv: string[];
  command: string;
  cwd: string;
  startedAt: number;
  durationMs: number;
  exitCode: number | null;
  signal: string | null;
  status: JobStatus;
  git: { commit: string | null; branch: string | null; dirty: boolean | null };
  tracer: { backend: string; blindSpots: string[]; notes: string[] };
  pythons: PythonProcess[];
  packages: { name: string; version: string }[];
  os: { platform?: string; release?: string; arch?: string };
  /** Id and uid of the run that replaced this one as its step's current run; null while current. */
  supersededBy: number | null;
  supersededByUid: string | null;
}

export interface JobFile {
  path: string;
  hash: string;
  size: number;
}

export interface ArtifactRow {
  hash: string;
  size: number;
  firstSeen: number;
}

/** One job touching a file: which job, under which path and with which content. */
export interface JobTouch {
  job: JobRow;
  path: string;
  hash: string;
}

export interface RecordedJob {
  id: number;
  step: number;
  uid: string;
  /** The run of the same step this one replaced, if any. */
  supersededUid: string | null;
}

/**
 * The project's job store (`.roar/roar.db`). Queries:
 * - `latestStep()`: the highest `@N`, or null when nothing was recorded.
 * - `getJobByStep(n)`: the current run of step n (the newest when all were superseded), or null.
 * - `getJobByUid(uidOrPrefix)`: the job with that uid or unique uid prefix, or null; ambiguous
 *   prefixes throw an AmbiguousRefError listing the candidates. `findJobsByUid(prefix)` lists them.
 * - `getJobById(id)`.
 * - `listJobs({ limit })`: jobs in recording order, newest last; `limit` keeps the newest N.
 * - `findArtifacts(hashPrefix)`: artifacts whose hash starts with the (hex) prefix.
 * - `jobsForPath(path)`, `jobsForHash(hash)`: jobs that produced / consumed a file (by recorded
 *   project-relative path, or by content hash), oldest first.
 * - `jobIO(jobId)`: a job's inputs and outputs with size and hash, sorted by path.
 */
export interface Store {
  readonly db: Database.Database;
  recordJob(input: JobRecordInput): RecordedJob;
  latestStep(): number | null;
  getJobByStep(step: number): JobRow | null;
  getJobById(id: number): JobRow | null;
  getJobByUid(uidOrPrefix: string): JobRow | null;
  findJobsByUid(prefix: string): JobRow[];
  listJobs(options?: { limit?: number }): JobRow[];
  countJobs(): number;
  findArtifacts(hashPrefix: string): ArtifactRow[];
  jobsForPath(path: string): { produced: JobTouch[]; consumed: JobTouch[] };
  jobsForHash(hash: string): { produced: JobTouch[]; consumed: JobTouch[] };
  jobIO(jobId: number): { inputs: JobFile[]; outputs: JobFile[] };
  close(): void;
}

export class AmbiguousRefError extends RoarError {
  readonly candidates: string[];
  constructor(ref: string, candidates: string[]) {
    super(`'${ref}' matches ${candidates.length} jobs or files`, {
      hint: `use a longer prefix: ${candidates.slice(0, 6).join(", ")}${candidates.length > 6 ? ", …" : ""}`,
    });
    this.name = "AmbiguousRefError";
    this.candidates = candidates;
  }
}

interface RawJob {
  id: number;
  uid: string;
  step: number;
  step_key: string;
  name: string | null;
  argv_json: string;
  command: string;
  cwd: string;
  started_at: number;
  duration_ms: number;
  exit_code: number | null;
  signal: string | null;
  git_commit: string | null;
  git_branch: string | null;
  git_dirty: number | null;
  tracer: string;
  tracer_json: string;
  python_json: string;
  packages_json: string;
  os_json: string;
  superseded_by: number | null;
  superseded_by_uid: string | null;
  status: string;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return (JSON.parse(text) as T) ?? fallback;
  } catch {
    return fallback;
  }
}

function toJobRow(r: RawJob): JobRow {
  const tracer = parseJson<{ blindSpots?: string[]; notes?: string[] }>(r.tracer_json, {});
  return {
    id: r.id,
    uid: r.uid,
    step: r.step,
    stepKey: r.step_key,
    name: r.name,
    argv: parseJson<string[]>(r.argv_json, []),
    command: r.command,
    cwd: r.cwd,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    exitCode: r.exit_code,
    signal: r.signal,
    status: (["success", "failed", "killed"].includes(r.status) ? r.status : "failed") as JobStatus,
    git: {
      commit: r.git_commit,
      branch: r.git_branch,
      dirty: r.git_dirty === null ? null : r.git_dirty !== 0,
    },
    tracer: { backend: r.tracer, blindSpots: tracer.blindSpots ?? [], notes: tracer.notes ?? [] },
    pythons: parseJson<PythonProcess[]>(r.python_json, []),
    packages: parseJson<{ name: string; version: string }[]>(r.packages_json, []),
    os: parseJson(r.os_json, {}),
    supersededBy: r.superseded_by,
    supersededByUid: r.superseded_by_uid,
  };
}

export function jobStatus(input: Pick<JobRecordInput, "exitCode" | "signal">): JobStatus {
  if (input.signal) return "killed";
  return input.exitCode === 0 ? "success" : "failed";
}

const JOB_COLUMNS = `j.*, s.uid AS superseded_by_uid`;
const JOB_FROM = `jobs j LEFT JOIN jobs s ON s.id = j.superseded_by`;

/** Upper bound of the range of strings starting with `prefix` (for index range scans). */
function prefixEnd(prefix: string): string {
  return `${prefix}\uffff`;
}

/** An object whose properties are built by their thunk on first read, then kept. */
function lazyStatements<T extends Record<string, () => unknown>>(
  make: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const out = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const key of Object.keys(make) as (keyof T)[]) {
    let made: ReturnType<T[typeof key]> | undefined;
    Object.defineProperty(out, key, {
      get: () => {
        made ??= make[key]!() as ReturnType<T[typeof key]>;
        return made;
      },
    });
  }
  return out;
}

/** Wrap an open database in the Store API (exported for tests and tools that open their own db). */
export function storeFromDatabase(db: Database.Database): Store {
  // Prepared on first use: `roar run` records with seven of these statements, a query reads with a
  // few others, and preparing all of them up front is a measurable part of opening the store.
  const q = lazyStatements({
    currentOfKey: () =>
      db.prepare<[string], { id: number; step: number; uid: string }>(
        "SELECT id, step, uid FROM jobs WHERE step_key = ? AND superseded_by IS NULL ORDER BY id DESC",
      ),
    nextStep: () => db.prepare<[], number>("SELECT COALESCE(MAX(step), 0) + 1 FROM jobs").pluck(),
    insertJob: () =>
      db.prepare(
        `INSERT INTO jobs (uid, step, step_key, name, argv_json, command, cwd, started_at, duration_ms, exit_code, signal,
         git_commit, git_branch, git_dirty, tracer, tracer_json, python_json, packages_json, os_json, superseded_by, status)
       VALUES (@uid, @step, @stepKey, @name, @argv, @command, @cwd, @startedAt, @durationMs, @exitCode, @signal,
         @gitCommit, @gitBranch, @gitDirty, @tracer, @tracerJson, @pythonJson, @packagesJson, @osJson, NULL, @status)`,
      ),
    supersede: () => db.prepare<[number, number]>("UPDATE jobs SET superseded_by = ? WHERE id = ?"),
    insertArtifact: () =>
      db.prepare<[string, number, number]>(
        "INSERT OR IGNORE INTO artifacts (hash, size, first_seen) VALUES (?, ?, ?)",
      ),
    insertInput: () =>
      db.prepare<[number, string, string]>(
        "INSERT OR REPLACE INTO job_inputs (job_id, artifact_hash, path) VALUES (?, ?, ?)",
      ),
    insertOutput: () =>
      db.prepare<[number, string, string]>(
        "INSERT OR REPLACE INTO job_outputs (job_id, artifact_hash, path) VALUES (?, ?, ?)",
      ),
    latestStep: () => db.prepare<[], number | null>("SELECT MAX(step) FROM jobs").pluck(),
    byStep: () =>
      db.prepare<[number], RawJob>(
        `SELECT ${JOB_COLUMNS} FROM ${JOB_FROM} WHERE j.step = ? ORDER BY (j.superseded_by IS NULL) DESC, j.id DESC LIMIT 1`,
      ),
    byId: () => db.prepare<[number], RawJob>(`SELECT ${JOB_COLUMNS} FROM ${JOB_FROM} WHERE j.id = ?`),
    byUidPrefix: () =>
      db.prepare<[string, string], RawJob>(
        `SELECT ${JOB_COLUMNS} FROM ${JOB_FROM} WHERE j.uid >= ? AND j.uid < ? ORDER BY j.id LIMIT 50`,
      ),
    listNewest: () =>
      db.prepare<[number], RawJob>(`SELECT ${JOB_COLUMNS} FROM ${JOB_FROM} ORDER BY j.id DESC LIMIT ?`),
    count: () => db.prepare<[], number>("SELECT COUNT(*) FROM jobs").pluck(),
    artifactsByPrefix: () =>
      db.prepare<[string, string], { hash: string; size: number; first_seen: number }>(
        "SELECT hash, size, first_seen FROM artifacts WHERE hash >= ? AND hash < ? ORDER BY hash LIMIT 50",
      ),
    inputs: () =>
      db.prepare<[number], JobFile>(
        `SELECT i.path, i.artifact_hash AS hash, COALESCE(a.size, 0) AS size FROM job_inputs i
       LEFT JOIN artifacts a ON a.hash = i.artifact_hash WHERE i.job_id = ? ORDER BY i.path`,
      ),
    outputs: () =>
      db.prepare<[number], JobFile>(
        `SELECT o.path, o.artifact_hash AS hash, COALESCE(a.size, 0) AS size FROM job_outputs o
       LEFT JOIN artifacts a ON a.hash = o.artifact_hash WHERE o.job_id = ? ORDER BY o.path`,
      ),
    producedPath: () =>
      db.prepare<[string], { job_id: number; path: string; hash: string }>(
        "SELECT job_id, path, artifact_hash AS hash FROM job_outputs WHERE path = ? ORDER BY job_id",
      ),
    consumedPath: () =>
      db.prepare<[string], { job_id: number; path: string; hash: string }>(
        "SELECT job_id, path, artifact_hash AS hash FROM job_inputs WHERE path = ? ORDER BY job_id",
      ),
    producedHash: () =>
      db.prepare<[string], { job_id: number; path: string; hash: string }>(
        "SELECT job_id, path, artifact_hash AS hash FROM job_outputs WHERE artifact_hash = ? ORDER BY job_id",
      ),
    consumedHash: () =>
      db.prepare<[string], { job_id: number; path: string; hash: string }>(
        "SELECT job_id, path, artifact_hash AS hash FROM job_inputs WHERE artifact_hash = ? ORDER BY job_id",
      ),
  });

  const getJobById = (id: number): JobRow | null => {
    const r = q.byId.get(id);
    return r ? toJobRow(r) : null;
  };
  const touches = (rows: { job_id: number; path: string; hash: string }[]): JobTouch[] => {
    const out: JobTouch[] = [];
    for (const r of rows) {
      const job = getJobById(r.job_id);
      if (job) out.push({ job, path: r.path, hash: r.hash });
    }
    return out;
  };
  const findJobsByUid = (prefix: string): JobRow[] => {
    const p = prefix.toLowerCase();
    if (p === "") return [];
    return q.byUidPrefix.all(p, prefixEnd(p)).map(toJobRow);
  };

  const record = db.transaction((input: JobRecordInput): RecordedJob => {
    const key = stepKey({
      inputs: input.inputs.map((a) => a.path),
      outputs: input.outputs.map((a) => a.path),
      argv: input.argv,
    });
    const previous = q.currentOfKey.all(key);
    const step = previous[0]?.step ?? (q.nextStep.get() as number);
    const id = Number(
      q.insertJob.run({
        uid: input.uid,
        step,
        stepKey: key,
        name: input.name,
        argv: JSON.stringify(input.argv),
        command: input.command,
        cwd: input.cwd,
        startedAt: Math.round(input.startedAt),
        durationMs: Math.round(input.durationMs),
        exitCode: input.exitCode,
        signal: input.signal,
        gitCommit: input.git.commit,
        gitBranch: input.git.branch,
        gitDirty: input.git.dirty === null ? null : input.git.dirty ? 1 : 0,
        tracer: input.tracer.backend,
        tracerJson: JSON.stringify({ blindSpots: input.tracer.blindSpots, notes: input.tracer.notes }),
        pythonJson: JSON.stringify(input.pythons),
        packagesJson: JSON.stringify(input.packages),
        osJson: JSON.stringify(input.os),
        status: jobStatus(input),
      }).lastInsertRowid,
    );
    for (const p of previous) q.supersede.run(id, p.id);
    const now = Date.now();
    for (const a of [...input.inputs, ...input.outputs]) q.insertArtifact.run(a.hash, a.size, now);
    for (const a of input.inputs) q.insertInput.run(id, a.hash, a.path);
    for (const a of input.outputs) q.insertOutput.run(id, a.hash, a.path);
    return { id, step, uid: input.uid, supersededUid: previous[0]?.uid ?? null };
  });

  return {
    db,
    recordJob: (input) => {
      // A job's rows land next to every earlier job's rows for the same paths and hashes, so one
      // transaction dirties pages all over the path and hash indexes. SQLite's default 2 MB page
      // cache then spills and re-reads them (20,000 inputs on a 75 MB store: 0.7 s → 0.5 s with
      // room for them). Memory is taken only for pages actually touched.
      db.pragma("cache_size = -131072");
      return record.immediate(input);
    },
    latestStep: () => (q.latestStep.get() as number | null) ?? null,
    getJobByStep: (step) => {
      const r = q.byStep.get(step);
      return r ? toJobRow(r) : null;
    },
    getJobById,
    getJobByUid: (uidOrPrefix) => {
      const matches = findJobsByUid(uidOrPrefix);
      const exact = matches.find((j) => j.uid === uidOrPrefix.toLowerCase());
      if (exact) return exact;
      if (matches.length > 1)
        throw new AmbiguousRefError(
          uidOrPrefix,
          matches.map((j) => `${j.uid} (@${j.step})`),
        );
      return matches[0] ?? null;
    },
    findJobsByUid,
    listJobs: (options = {}) =>
      q.listNewest
        .all(options.limit ?? -1)
        .map(toJobRow)
        .reverse(),
    countJobs: () => q.count.get() as number,
    findArtifacts: (hashPrefix) => {
      const p = hashPrefix.toLowerCase();
      if (!/^[0-9a-f]+$/.test(p)) return [];
      return q.artifactsByPrefix
        .all(p, prefixEnd(p))
        .map((r) => ({ hash: r.hash, size: r.size, firstSeen: r.first_seen }));
    },
    jobsForPath: (p) => ({
      produced: touches(q.producedPath.all(p)),
      consumed: touches(q.consumedPath.all(p)),
    }),
    jobsForHash: (h) => ({
      produced: touches(q.producedHash.all(h)),
      consumed: touches(q.consumedHash.all(h)),
    }),
    jobIO: (jobId) => ({ inputs: q.inputs.all(jobId), outputs: q.outputs.all(jobId) }),
    close: () => {
      if (db.open) db.close();
    },
  };
}

/**
 * Open the project's store, creating `.roar/roar.db` and applying forward migrations when needed.
 * Throws a RoarError for a foreign, corrupt or newer database (never modifying it).
 */
export function openStore(project: Project, options: { readonly?: boolean } = {}): Store {
  return storeFromDatabase(openDatabase(project.dbPath, options));
}

/**
 * Throws a RoarError when a job could not be recorded in this project: `.roar/` missing or not
 * writable, or the database unreadable, foreign, corrupt or from a newer roar. Changes nothing;
 * `roar run` calls it before launching a job that may run for hours. `database: false` leaves out the
 * database itself, for a caller that opens the store next (openStore refuses the same files).
 */
export function checkRecordable(project: Project, options: { database?: boolean } = {}): void {
  try {
    if (!fs.statSync(project.roarDir).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new RoarError(`${project.roarDir} is missing or not a directory`, {
      hint: "run 'roar init' first",
    });
  }
  const writable = (p: string): boolean => {
    try {
      fs.accessSync(p, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (!writable(project.roarDir)) {
    throw new RoarError(`cannot record jobs: ${project.roarDir} is not writable`, {
      hint: "check the directory's owner and permissions",
    });
  }
  if (fs.existsSync(project.dbPath) && !writable(project.dbPath)) {
    throw new RoarError(`cannot record jobs: ${project.dbPath} is not writable`, {
      hint: "check the file's owner and permissions",
    });
  }
  if (options.database !== false) checkDatabase(project.dbPath);
}
