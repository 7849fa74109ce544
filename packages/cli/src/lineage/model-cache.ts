import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import type Database from "better-sqlite3";
import type { LineageModel } from "./lineage-model.js";
import { buildModelFromDb, buildPipelineModel } from "./model-from-db.js";

/** Bump when LineageModel or what goes into it changes: an older cache file is then ignored. */
const FORMAT = 5;

/** Where a project keeps its lineage model cache (inside `.roar/`, which roar never traces). */
export function modelCachePath(roarDir: string): string {
  return path.join(roarDir, "cache", "lineage-model.v8");
}

/**
 * What the model depends on, read in a few index lookups. Jobs, their inputs and outputs are only
 * ever added (one transaction per job, which may also mark older runs superseded): every recorded
 * job raises the largest job id, and every INSERT OR REPLACE of an input or output row raises its
 * table's largest rowid, so the key changes whenever the model could. The newest job's uid (random)
 * tells apart a new database that happens to hold as many rows (roar.db removed, `roar init` again).
 */
export function modelKey(db: Database.Database): string {
  const row = db
    .prepare(
      `SELECT (SELECT MAX(id) FROM jobs), (SELECT COUNT(*) FROM jobs),
         (SELECT MAX(rowid) FROM job_inputs), (SELECT MAX(rowid) FROM job_outputs),
         (SELECT uid FROM jobs ORDER BY id DESC LIMIT 1)`,
    )
    .raw(true)
    .get() as unknown[];
  return `${FORMAT}:${row.join(":")}`;
}

export interface LoadModelOptions {
  /** The cache file; none: always build from the store. */
  cacheFile?: string;
  /**
   * The artifact list is wanted (dag JSON / --artifacts, status): load every file with its hash.
   * Default true; without it a model of the steps alone will do, and costs a fraction to build.
   */
  artifacts?: boolean;
}

/**
 * The current pipeline's model, from the cache file when it was built from this very store state,
 * else from the store (and the cache written for next time). A cache that cannot be read or written
 * (read-only project, disk full, a file from another roar) is ignored: it only ever saves time.
 */
export function loadLineageModel(db: Database.Database, options: LoadModelOptions = {}): LineageModel {
  // One read transaction: the key and the rows it describes come from the same state of the store.
  return db.transaction(() => {
    const key = modelKey(db);
    const { cacheFile } = options;
    if (cacheFile) {
      const cached = readCache(cacheFile, key, options.artifacts ?? true);
      if (cached) return cached;
    }
    const model = (options.artifacts ?? true) ? buildModelFromDb(db) : buildPipelineModel(db);
    if (cacheFile) writeCache(cacheFile, key, model);
    return model;
  })();
}

/*
 * The cache file: a 4-byte length, the model without its hashes (v8-serialised with the key), then
 * the hashes: 64 bytes a file, more than half the file, and needed only for the artifact list.
 */

function readCache(file: string, key: string, artifacts: boolean): LineageModel | null {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(4);
    if (fs.readSync(fd, head, 0, 4, 0) !== 4) return null;
    const mainLength = head.readUInt32LE(0);
    const size = fs.fstatSync(fd).size;
    if (mainLength > size - 4) return null;
    const main = readExactly(fd, 4, mainLength);
    const value = v8.deserialize(main) as { key?: unknown; model?: LineageModel };
    if (value.key !== key || !value.model) return null;
    const model = value.model;
    if (artifacts && !model.hasArtifacts) return null; // a steps-only model: build the whole one
    if (artifacts) {
      const hashes = v8.deserialize(readExactly(fd, 4 + mainLength, size - 4 - mainLength)) as {
        key?: unknown;
        hashes?: string;
        hashEnd?: Int32Array;
      };
      if (hashes.key !== key || typeof hashes.hashes !== "string" || !hashes.hashEnd) return null;
      model.hashes = hashes.hashes;
      model.hashEnd = hashes.hashEnd;
    }
    return model;
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

function readExactly(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let at = 0;
  while (at < length) {
    const n = fs.readSync(fd, buf, at, length - at, position + at);
    if (n === 0) throw new Error("cache file cut short");
    at += n;
  }
  return buf;
}

function writeCache(file: string, key: string, model: LineageModel): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const { hashes, hashEnd, ...rest } = model;
    const main = v8.serialize({ key, model: { ...rest, hashes: null, hashEnd: null } });
    const head = Buffer.alloc(4);
    head.writeUInt32LE(main.length, 0);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([head, main, v8.serialize({ key, hashes, hashEnd })]));
    // Atomic replace: a concurrent reader sees the old file or the new one, never half of one.
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing left to clean up
    }
  }
}
