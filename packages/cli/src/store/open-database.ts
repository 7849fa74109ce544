import fs from "node:fs";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { RoarError } from "../errors.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema-sql.js";
import { addonOptions, Database } from "./sqlite-module.js";

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");
const BUSY_TIMEOUT_MS = 10_000;

/** `.roar/roar.db` as the user sees it in messages, whatever the cwd. */
function shown(dbPath: string): string {
  return path.join(path.basename(path.dirname(dbPath)), path.basename(dbPath));
}

export class ForeignDatabaseError extends RoarError {
  readonly dbPath: string;
  constructor(dbPath: string, reason: string) {
    super(`${shown(dbPath)} is not a roar database (${reason})`, {
      hint: `move it aside (mv ${dbPath} ${dbPath}.bak) and run 'roar init' to start a new one`,
    });
    this.name = "ForeignDatabaseError";
    this.dbPath = dbPath;
  }
}

export class NewerDatabaseError extends RoarError {
  readonly dbPath: string;
  readonly version: number;
  constructor(dbPath: string, version: number) {
    super(
      `${shown(dbPath)} was written by a newer roar (schema v${version}; this roar understands up to v${SCHEMA_VERSION})`,
      { hint: "upgrade roar (npm install -g @roar/cli@latest) to read or record in this project" },
    );
    this.name = "NewerDatabaseError";
    this.dbPath = dbPath;
    this.version = version;
  }
}

/**
 * Look at the file's first bytes before SQLite does: opening a foreign file read-write and setting
 * WAL would already write to it, and roar must never change a file it did not create.
 * Returns "missing", "empty" (0 bytes: a fresh file we may initialise) or "sqlite".
 */
export function sniffDatabase(dbPath: string): "missing" | "empty" | "sqlite" {
  let fd: number;
  try {
    fd = fs.openSync(dbPath, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "missing";
    throw new RoarError(`cannot read ${shown(dbPath)}: ${(error as Error).message}`, {
      hint: "check the file's permissions",
      cause: error,
    });
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new ForeignDatabaseError(dbPath, "not a regular file");
    if (st.size === 0) return "empty";
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n < head.length || !head.equals(SQLITE_HEADER))
      throw new ForeignDatabaseError(dbPath, "not an SQLite file");
    return "sqlite";
  } finally {
    fs.closeSync(fd);
  }
}

/** The schema version recorded in an open database; 0 for an empty one. Throws on foreign files. */
export function readSchemaVersion(db: BetterSqlite3.Database, dbPath: string): number {
  let tables: string[];
  try {
    tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
    ).filter((t) => !t.startsWith("sqlite_"));
  } catch (error) {
    throw new ForeignDatabaseError(dbPath, `SQLite says: ${(error as Error).message}`);
  }
  if (tables.length === 0) return 0;
  if (!tables.includes("schema_version") || !tables.includes("jobs")) {
    throw new ForeignDatabaseError(dbPath, `an SQLite file with tables ${tables.slice(0, 4).join(", ")}`);
  }
  try {
    const v = db.prepare("SELECT MAX(version) FROM schema_version").pluck().get() as number | null;
    // A v1 file written by an early tool that created tables but never stamped a version.
    return v ?? 1;
  } catch (error) {
    throw new ForeignDatabaseError(dbPath, `SQLite says: ${(error as Error).message}`);
  }
}

function migrate(db: BetterSqlite3.Database, dbPath: string): void {
  const apply = db.transaction(() => {
    // Read the version again under the write lock: two roar processes may open a new project at
    // once, and the second must not re-run what the first just applied.
    const from = readSchemaVersion(db, dbPath);
    if (from > SCHEMA_VERSION) throw new NewerDatabaseError(dbPath, from);
    if (from === SCHEMA_VERSION) return;
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.prepare("DELETE FROM schema_version").run();
    db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SCHEMA_VERSION);
  });
  apply.immediate();
}

function wrapSqliteError(dbPath: string, error: unknown): never {
  if (error instanceof RoarError) throw error;
  const code = (error as { code?: string }).code ?? "";
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    throw new ForeignDatabaseError(dbPath, `SQLite says: ${(error as Error).message}`);
  }
  if (code === "SQLITE_BUSY") {
    throw new RoarError(`${shown(dbPath)} is locked by another roar process`, {
      hint: "wait for the other roar command to finish and try again",
      cause: error,
    });
  }
  if (
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_PERM")
  ) {
    throw new RoarError(`cannot write ${shown(dbPath)}: ${(error as Error).message}`, {
      hint: `check that you may write to ${path.dirname(dbPath)}`,
      cause: error,
    });
  }
  throw new RoarError(`cannot open ${shown(dbPath)}: ${(error as Error).message}`, { cause: error });
}

/**
 * Open (creating and migrating when needed) the roar database at `dbPath`. Foreign, corrupt and
 * newer files are refused with a RoarError and never written to. Read-only opens of a missing
 * file give an empty in-memory database so query commands work before the first `roar run`.
 */
export function openDatabase(dbPath: string, options: { readonly?: boolean } = {}): BetterSqlite3.Database {
  const kind = sniffDatabase(dbPath);
  if (options.readonly && kind !== "sqlite") {
    const mem = new Database(":memory:", addonOptions);
    migrate(mem, ":memory:");
    return mem;
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    if (kind === "sqlite") {
      // Validate through a read-only handle first: nothing is written until we know it is ours.
      const probe = new Database(dbPath, { readonly: true, fileMustExist: true, ...addonOptions });
      let version: number;
      try {
        probe.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        version = readSchemaVersion(probe, dbPath);
      } finally {
        probe.close();
      }
      if (version > SCHEMA_VERSION) throw new NewerDatabaseError(dbPath, version);
      if (options.readonly && version === SCHEMA_VERSION) {
        db = new Database(dbPath, { readonly: true, fileMustExist: true, ...addonOptions });
        db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        return db;
      }
      db = new Database(dbPath, { fileMustExist: true, ...addonOptions });
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma("journal_mode = WAL");
      if (version < SCHEMA_VERSION) migrate(db, dbPath);
      if (options.readonly) {
        db.close();
        db = new Database(dbPath, { readonly: true, fileMustExist: true, ...addonOptions });
        db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
      return db;
    }
    db = new Database(dbPath, addonOptions);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    migrate(db, dbPath);
    return db;
  } catch (error) {
    db?.close();
    wrapSqliteError(dbPath, error);
  }
}

/** Check, without changing anything, that `dbPath` could be opened for recording. */
export function checkDatabase(dbPath: string): void {
  const kind = sniffDatabase(dbPath);
  if (kind !== "sqlite") return;
  try {
    const probe = new Database(dbPath, { readonly: true, fileMustExist: true, ...addonOptions });
    try {
      probe.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      const version = readSchemaVersion(probe, dbPath);
      if (version > SCHEMA_VERSION) throw new NewerDatabaseError(dbPath, version);
    } finally {
      probe.close();
    }
  } catch (error) {
    wrapSqliteError(dbPath, error);
  }
}
