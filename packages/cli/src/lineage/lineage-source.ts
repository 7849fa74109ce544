import type Database from "better-sqlite3";
import type { LineageJobRecord, LineageSource } from "./trace.js";

/** LineageSource over the store: indexed point queries only, so cost follows the closure's size. */
export function sqliteLineageSource(db: Database.Database): LineageSource {
  const writers = db.prepare<
    [string],
    { job_id: number; artifact_hash: string; superseded_by: number | null }
  >(
    `SELECT o.job_id, o.artifact_hash, j.superseded_by FROM job_outputs o JOIN jobs j ON j.id = o.job_id
     WHERE o.path = ? ORDER BY o.job_id DESC`,
  );
  const read = db.prepare<[string], { one: number }>(
    "SELECT 1 AS one FROM job_inputs WHERE path = ? LIMIT 1",
  );
  const producer = db.prepare<[string, string, number], { job_id: number }>(
    "SELECT job_id FROM job_outputs WHERE path = ? AND artifact_hash = ? AND job_id < ? ORDER BY job_id DESC LIMIT 1",
  );
  const job = db.prepare<[number], Record<string, unknown>>(
    "SELECT id, uid, step, command, exit_code, status, superseded_by, started_at, python_json FROM jobs WHERE id = ?",
  );
  const inputs = db.prepare<[number], { path: string; artifact_hash: string }>(
    "SELECT path, artifact_hash FROM job_inputs WHERE job_id = ? ORDER BY path",
  );
  const outputs = db.prepare<[number], { path: string; artifact_hash: string }>(
    "SELECT path, artifact_hash FROM job_outputs WHERE job_id = ? ORDER BY path",
  );
  const producerMemo = new Map<string, number | null>();

  return {
    writersOf: (path) =>
      writers
        .all(path)
        .map((r) => ({ jobId: r.job_id, hash: r.artifact_hash, current: r.superseded_by === null })),
    wasRead: (path) => read.get(path) !== undefined,
    producerOf(path, hash, beforeJobId) {
      const key = `${beforeJobId}\0${hash}\0${path}`;
      let id = producerMemo.get(key);
      if (id === undefined) {
        id = producer.get(path, hash, beforeJobId)?.job_id ?? null;
        producerMemo.set(key, id);
      }
      return id;
    },
    job(id): LineageJobRecord {
      const row = job.get(id);
      if (!row) throw new Error(`job ${id} is not in the store`);
      return {
        id,
        uid: row.uid as string,
        step: row.step as number,
        command: row.command as string,
        exitCode: row.exit_code as number | null,
        status: row.status as string,
        superseded: row.superseded_by !== null,
        startedAt: row.started_at as number,
        inputs: inputs.all(id).map((r) => ({ path: r.path, hash: r.artifact_hash })),
        outputs: outputs.all(id).map((r) => ({ path: r.path, hash: r.artifact_hash })),
        pythons: pythonsOf(row.python_json as string),
      };
    },
  };
}

function pythonsOf(json: string): LineageJobRecord["pythons"] {
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const seen = new Map<string, LineageJobRecord["pythons"][number]>();
  for (const p of list as Record<string, unknown>[]) {
    const entry = {
      version: String(p.version ?? "?"),
      implementation: String(p.implementation ?? "?"),
      abiTag: String(p.abiTag ?? "?"),
      executable: String(p.executable ?? "?"),
    };
    seen.set(`${entry.executable}\0${entry.version}\0${entry.abiTag}`, entry);
  }
  return [...seen.values()];
}
