import fs from "node:fs";
import Database from "better-sqlite3";
import type { Project } from "../project/find-root.js";

/**
 * The store, opened read-only for the query commands (dag, lineage, status): they never write, so
 * they never wait on a `roar run` that is recording. null when nothing was recorded yet.
 */
export function openDbForQuery(project: Project): Database.Database | null {
  if (!fs.existsSync(project.dbPath)) return null;
  const db = new Database(project.dbPath, { readonly: true, fileMustExist: true });
  const hasJobs = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get();
  if (!hasJobs) {
    db.close();
    return null;
  }
  return db;
}
