import type Database from "better-sqlite3";
import type { ArtifactEdge, JobNode, Snapshot } from "./snapshot.js";

export interface LoadSnapshotOptions {
  /** Also load superseded runs (history). Default false: only the current run of each step. */
  includeSuperseded?: boolean;
}

type JobRow = [number, string, number, string, string, number | null, number | null, number, string];
type EdgeRow = [number, string, string];

/**
 * Load the whole pipeline in three sequential scans (jobs, inputs, outputs) and assemble it in
 * memory: on a store of 10,000 jobs and 100,000 artifacts this is far cheaper than a query per job.
 */
export function loadSnapshot(db: Database.Database, options: LoadSnapshotOptions = {}): Snapshot {
  const where = options.includeSuperseded ? "" : " WHERE superseded_by IS NULL";
  const jobRows = db
    .prepare(
      `SELECT id, uid, step, command, status, exit_code, superseded_by, started_at, cwd FROM jobs${where} ORDER BY id`,
    )
    .raw(true)
    .all() as JobRow[];
  const jobs: JobNode[] = [];
  const byId = new Map<number, JobNode>();
  for (const [id, uid, step, command, status, exitCode, supersededBy, startedAt, cwd] of jobRows) {
    const job: JobNode = {
      id,
      uid,
      step,
      command,
      status,
      exitCode,
      supersededBy,
      startedAt,
      cwd,
      inputs: [],
      outputs: [],
    };
    jobs.push(job);
    byId.set(id, job);
  }
  attach(db, "job_inputs", byId, (job) => job.inputs);
  attach(db, "job_outputs", byId, (job) => job.outputs);
  return { jobs };
}

function attach(
  db: Database.Database,
  table: "job_inputs" | "job_outputs",
  byId: Map<number, JobNode>,
  list: (job: JobNode) => ArtifactEdge[],
): void {
  // Rows come in primary-key order (job_id, path): stable edge order per job.
  const rows = db.prepare(`SELECT job_id, path, artifact_hash FROM ${table}`).raw(true).iterate() as IterableIterator<EdgeRow>;
  for (const [jobId, path, hash] of rows) {
    const job = byId.get(jobId);
    if (job) list(job).push({ path, hash });
  }
}
