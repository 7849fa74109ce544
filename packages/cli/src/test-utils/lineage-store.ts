// Tiny real projects for the lineage tests: a tmp dir with .roar/roar.db (schema.sql) and real files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { blake3File } from "../lineage/disk-check.js";

const schema = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../store/schema.sql"), "utf8");

export interface FixtureProject {
  root: string;
  db: Database.Database;
  write(rel: string, content: string): void;
  /** Record a job that read `inputs` and wrote `outputs` (as they are on disk now). Same command = same step. */
  run(command: string, io: { inputs?: string[]; outputs?: string[] }): { id: number; step: number };
  close(): void;
}

export function fixtureProject(): FixtureProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "roar-lineage-"));
  fs.mkdirSync(path.join(root, ".roar"));
  const db = new Database(path.join(root, ".roar", "roar.db"));
  db.exec(schema);
  let clock = 1_700_000_000_000;
  let uid = 0;
  const ref = (rel: string) => {
    const abs = path.join(root, rel);
    const hash = blake3File(abs);
    db.prepare("INSERT OR IGNORE INTO artifacts (hash, size, first_seen) VALUES (?, ?, ?)").run(
      hash,
      fs.statSync(abs).size,
      clock,
    );
    return { path: rel, hash };
  };
  return {
    root,
    db,
    write(rel, content) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), content);
    },
    run(command, io) {
      clock += 1000;
      const prev = db
        .prepare("SELECT id, step FROM jobs WHERE step_key = ? AND superseded_by IS NULL")
        .get(command) as { id: number; step: number } | undefined;
      const step =
        prev?.step ?? ((db.prepare("SELECT COALESCE(MAX(step), 0) + 1 AS s FROM jobs").get() as { s: number }).s);
      const inputs = (io.inputs ?? []).map(ref);
      const outputs = (io.outputs ?? []).map(ref);
      const id = Number(
        db
          .prepare(
            `INSERT INTO jobs (uid, step, step_key, name, argv_json, command, cwd, started_at, duration_ms, exit_code,
              signal, tracer, tracer_json, python_json, packages_json, os_json, status)
             VALUES (?, ?, ?, NULL, ?, ?, ?, ?, 10, 0, NULL, 'python', '{}', ?, '[]', '{}', 'success')`,
          )
          .run(
            `job${String(++uid).padStart(6, "0")}`,
            step,
            command,
            JSON.stringify(command.split(" ")),
            command,
            root,
            clock,
            JSON.stringify([{ version: "3.12.1", implementation: "CPython", abiTag: "cp312", executable: "/usr/bin/python3" }]),
          ).lastInsertRowid,
      );
      if (prev) db.prepare("UPDATE jobs SET superseded_by = ? WHERE id = ?").run(id, prev.id);
      for (const r of inputs)
        db.prepare("INSERT INTO job_inputs (job_id, artifact_hash, path) VALUES (?, ?, ?)").run(id, r.hash, r.path);
      for (const r of outputs)
        db.prepare("INSERT INTO job_outputs (job_id, artifact_hash, path) VALUES (?, ?, ?)").run(id, r.hash, r.path);
      return { id, step };
    },
    close() {
      db.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
