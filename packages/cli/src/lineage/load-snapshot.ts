import type Database from "better-sqlite3";
import type { InputEdge, JobNode, OutputEdge, Snapshot } from "./snapshot.js";

export interface LoadSnapshotOptions {
  /** Also load superseded runs (history). Default false: only the current run of each step. */
  includeSuperseded?: boolean;
  /** Load every current output with its hash (the artifact list, `roar status`). */
  withOutputs?: boolean;
  /** Carry each input's and output's hash (the artifact list). */
  withHashes?: boolean;
}

type JobRow = [
  number,
  string,
  number,
  string,
  string,
  number | null,
  number | null,
  number,
  number,
  string,
  number,
  number,
];
type InputRow = [number, string, number | null, number, number | null, string | null];

/**
 * Load the pipeline with three queries. The joins between consumers and producers (which current run
 * writes the path a job read, and is it the same content) run inside SQLite on the path indexes,
 * so only small integers and paths cross into JS.
 */
export function loadSnapshot(db: Database.Database, options: LoadSnapshotOptions = {}): Snapshot {
  const onlyCurrent = options.includeSuperseded ? "" : "WHERE j.superseded_by IS NULL";
  const jobRows = db
    .prepare(
      `SELECT j.id, j.uid, j.step, j.command, j.status, j.exit_code, j.superseded_by, j.started_at, j.duration_ms, j.cwd,
         (SELECT COUNT(*) FROM job_inputs i WHERE i.job_id = j.id),
         (SELECT COUNT(*) FROM job_outputs o WHERE o.job_id = j.id)
       FROM jobs j ${onlyCurrent} ORDER BY j.id`,
    )
    .raw(true)
    .all() as JobRow[];
  const jobs: JobNode[] = jobRows.map(
    ([
      id,
      uid,
      step,
      command,
      status,
      exitCode,
      supersededBy,
      startedAt,
      durationMs,
      cwd,
      consumed,
      produced,
    ]) => ({
      id,
      uid,
      step,
      command,
      status,
      exitCode,
      supersededBy,
      startedAt,
      endedAt: startedAt + durationMs,
      cwd,
      consumed,
      produced,
    }),
  );

  const contentProducer = options.includeSuperseded
    ? `CASE WHEN c.superseded_by IS NULL THEN NULL ELSE (SELECT o.job_id FROM job_outputs o
         WHERE o.path = i.path AND o.artifact_hash = i.artifact_hash AND o.job_id < i.job_id
         ORDER BY o.job_id DESC LIMIT 1) END`
    : "NULL";
  // The current writer of the path and whether it wrote what was read, packed in one integer
  // (id * 2 + same) so one correlated subquery answers both; an index on job_outputs(path, job_id,
  // artifact_hash) makes it index-only (see the store's migrations).
  const inputRows = db
    .prepare(
      `SELECT i.job_id, i.path,
         (SELECT o.job_id * 2 + (o.artifact_hash = i.artifact_hash) FROM job_outputs o JOIN jobs p ON p.id = o.job_id
           WHERE o.path = i.path AND p.superseded_by IS NULL AND o.job_id != i.job_id
           ORDER BY o.job_id DESC LIMIT 1),
         EXISTS (SELECT 1 FROM job_outputs w WHERE w.job_id = i.job_id AND w.path = i.path),
         ${contentProducer}, ${options.withHashes ? "i.artifact_hash" : "NULL"}
       FROM job_inputs i JOIN jobs c ON c.id = i.job_id ${onlyCurrent.replace("j.", "c.")}
       ORDER BY i.job_id, i.path`,
    )
    .raw(true)
    .all() as InputRow[];
  const inputs: InputEdge[] = inputRows.map(([jobId, path, packed, alsoWritten, contentProducerId, hash]) => {
    const edge: InputEdge = {
      jobId,
      path,
      producerId: packed === null ? null : Math.floor(packed / 2),
      matchesProducer: packed !== null && packed % 2 === 1,
      contentProducerId,
      alsoWritten: alsoWritten === 1,
    };
    if (hash !== null) edge.hash = hash;
    return edge;
  });

  let outputs: OutputEdge[] = [];
  if (options.withOutputs) {
    const rows = db
      .prepare(
        `SELECT o.job_id, o.path, ${options.withHashes ? "o.artifact_hash" : "NULL"} FROM job_outputs o
         JOIN jobs p ON p.id = o.job_id WHERE p.superseded_by IS NULL ORDER BY o.job_id, o.path`,
      )
      .raw(true)
      .all() as [number, string, string | null][];
    outputs = rows.map(([jobId, path, hash]) => (hash === null ? { jobId, path } : { jobId, path, hash }));
  }
  return { jobs, inputs, outputs };
}
