import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { RoarError } from "../errors.js";
import { jobInput, tmpProject } from "../test-utils/job-input.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema-sql.js";
import { AmbiguousRefError, checkRecordable, openStore } from "./store.js";

describe("openStore", () => {
  it("creates and migrates a new database, in WAL mode, with its version stamped", () => {
    const project = tmpProject();
    const store = openStore(project);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.prepare("SELECT version FROM schema_version").pluck().all()).toEqual([SCHEMA_VERSION]);
    store.close();
    // Re-opening does not re-apply migrations (they are not idempotent: CREATE TABLE would fail).
    openStore(project).close();
  });

  it("migrates an existing empty (0-byte) file", () => {
    const project = tmpProject();
    fs.writeFileSync(project.dbPath, "");
    const store = openStore(project);
    expect(store.latestStep()).toBeNull();
    store.close();
  });

  it("refuses a file of random bytes with a clear error and leaves it untouched", () => {
    const project = tmpProject();
    const bytes = crypto.randomBytes(8192);
    fs.writeFileSync(project.dbPath, bytes);
    expect(() => openStore(project)).toThrow(
      /\.roar\/roar\.db is not a roar database \(not an SQLite file\)/,
    );
    expect(() => checkRecordable(project)).toThrow(RoarError);
    expect(() => openStore(project, { readonly: true })).toThrow(RoarError);
    expect(fs.readFileSync(project.dbPath).equals(bytes)).toBe(true);
    expect(fs.existsSync(`${project.dbPath}-wal`)).toBe(false);
  });

  it("refuses an SQLite file that belongs to something else, without writing to it", () => {
    const project = tmpProject();
    const other = new Database(project.dbPath);
    other.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'ada')");
    other.close();
    const before = fs.readFileSync(project.dbPath);
    let error: unknown;
    try {
      openStore(project);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RoarError);
    expect((error as RoarError).message).toMatch(
      /is not a roar database \(an SQLite file with tables users\)/,
    );
    expect((error as RoarError).hint).toMatch(/move it aside .*'roar init'/);
    expect(fs.readFileSync(project.dbPath).equals(before)).toBe(true);
  });

  it("refuses a database from a newer roar", () => {
    const project = tmpProject();
    openStore(project).close();
    const db = new Database(project.dbPath);
    db.prepare("UPDATE schema_version SET version = ?").run(SCHEMA_VERSION + 1);
    db.close();
    expect(() => openStore(project)).toThrow(
      `written by a newer roar (schema v${SCHEMA_VERSION + 1}; this roar understands up to v${SCHEMA_VERSION})`,
    );
    expect(() => checkRecordable(project)).toThrow(/newer roar/);
  });

  it("opens a missing database read-only as an empty store without creating the file", () => {
    const project = tmpProject();
    const store = openStore(project, { readonly: true });
    expect(store.listJobs()).toEqual([]);
    store.close();
    expect(fs.existsSync(project.dbPath)).toBe(false);
  });

  it("checkRecordable refuses a project whose .roar is not a directory", () => {
    const project = tmpProject();
    fs.rmdirSync(project.roarDir);
    fs.writeFileSync(project.roarDir, "");
    expect(() => checkRecordable(project)).toThrow(/\.roar is missing or not a directory/);
  });

  it("checkRecordable refuses a read-only .roar/", (ctx) => {
    if (process.getuid?.() === 0) return ctx.skip("running as root: permissions are not enforced");
    const project = tmpProject();
    fs.chmodSync(project.roarDir, 0o555);
    try {
      expect(() => checkRecordable(project)).toThrow(/not writable/);
    } finally {
      fs.chmodSync(project.roarDir, 0o755);
    }
  });

  it("keeps schema.sql (the readable copy) identical to the shipped migration", () => {
    const sql = fs.readFileSync(
      path.join(path.dirname(fileURLToPath(import.meta.url)), "schema.sql"),
      "utf8",
    );
    const withoutPragma = sql
      .split("\n")
      .filter((l) => !l.startsWith("PRAGMA journal_mode"))
      .join("\n");
    expect(MIGRATIONS.map((m) => m.trim()).join("\n\n")).toBe(withoutPragma.trim());
  });

  it("migrates a v1 database forward to the current version, keeping its jobs (also when opened read-only)", () => {
    const project = tmpProject();
    const v1 = new Database(project.dbPath);
    v1.exec(MIGRATIONS[0]!);
    v1.prepare("INSERT INTO schema_version (version) VALUES (1)").run();
    v1.close();
    const store = openStore(project);
    store.recordJob(jobInput());
    store.close();
    // Stamp it back to v1 without the index, then open read-only: the query path migrates too.
    const db = new Database(project.dbPath);
    db.exec("DROP INDEX job_outputs_path_job; UPDATE schema_version SET version = 1");
    db.close();
    const reader = openStore(project, { readonly: true });
    expect(reader.countJobs()).toBe(1);
    reader.close();
    const check = new Database(project.dbPath, { readonly: true });
    expect(check.prepare("SELECT version FROM schema_version").pluck().all()).toEqual([SCHEMA_VERSION]);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    expect(
      check
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'job_outputs_path_job'")
        .pluck()
        .get(),
    ).toBe("job_outputs_path_job");
    check.close();
  });
});

describe("recordJob", () => {
  it("numbers new steps and keeps @N for a re-run of the same step, superseding the old run", () => {
    const store = openStore(tmpProject());
    const prep = store.recordJob(
      jobInput({
        argv: ["python3", "prep.py"],
        outputs: [{ path: "data.csv", hash: "d".repeat(64), size: 2048 }],
      }),
    );
    const train1 = store.recordJob(jobInput());
    const train2 = store.recordJob(jobInput({ argv: ["/opt/py/bin/python3", "train.py", "--lr", "0.1"] }));
    expect([prep.step, train1.step, train2.step]).toEqual([1, 2, 2]);
    expect(train2.supersededUid).toBe(train1.uid);
    expect(train1.supersededUid).toBeNull();
    expect(store.getJobByStep(2)?.uid).toBe(train2.uid);
    expect(store.getJobByUid(train1.uid)?.supersededByUid).toBe(train2.uid);
    const third = store.recordJob(
      jobInput({ outputs: [{ path: "eval.json", hash: "f".repeat(64), size: 10 }] }),
    );
    expect(third.step).toBe(3);
    expect(store.latestStep()).toBe(3);
    store.close();
  });

  it("treats numbered checkpoints as one step", () => {
    const store = openStore(tmpProject());
    const ckpt = (n: number) => ({
      path: `ckpt/ckpt_${String(n).padStart(4, "0")}.pt`,
      hash: "c".repeat(64),
      size: 1,
    });
    const a = store.recordJob(jobInput({ outputs: [ckpt(1), ckpt(2)] }));
    const b = store.recordJob(jobInput({ outputs: [ckpt(1), ckpt(2), ckpt(3)] }));
    expect(b.step).toBe(a.step);
    expect(b.supersededUid).toBe(a.uid);
    store.close();
  });

  it("stores everything show needs and reads it back", () => {
    const store = openStore(tmpProject());
    const input = jobInput({
      name: "train",
      exitCode: null,
      signal: "SIGINT",
      inputs: [{ path: "data.csv", hash: "d".repeat(64), size: 2048 }],
      outputs: [{ path: "data.csv", hash: "a".repeat(64), size: 4096 }],
      readWrite: ["data.csv"],
    });
    const rec = store.recordJob(input);
    const job = store.getJobById(rec.id)!;
    expect(job).toMatchObject({
      uid: input.uid,
      name: "train",
      status: "killed",
      signal: "SIGINT",
      argv: input.argv,
      git: input.git,
      tracer: { backend: "python", blindSpots: input.tracer.blindSpots, notes: [] },
      packages: input.packages,
      supersededBy: null,
    });
    expect(store.jobIO(rec.id)).toEqual({
      inputs: [{ path: "data.csv", hash: "d".repeat(64), size: 2048 }],
      outputs: [{ path: "data.csv", hash: "a".repeat(64), size: 4096 }],
    });
    expect(store.findArtifacts("AAAA").map((a) => a.size)).toEqual([4096]);
    expect(store.jobsForPath("data.csv").consumed.map((t) => t.job.uid)).toEqual([input.uid]);
    expect(store.jobsForHash("a".repeat(64)).produced.map((t) => t.path)).toEqual(["data.csv"]);
    store.close();
  });

  it("resolves uid prefixes and reports ambiguous ones with their candidates", () => {
    const store = openStore(tmpProject());
    store.recordJob(jobInput({ uid: "abc111111111" }));
    store.recordJob(jobInput({ uid: "abc222222222", outputs: [] }));
    expect(store.getJobByUid("abc1")?.uid).toBe("abc111111111");
    expect(store.getJobByUid("zzz")).toBeNull();
    expect(() => store.getJobByUid("abc")).toThrow(AmbiguousRefError);
    try {
      store.getJobByUid("abc");
    } catch (e) {
      expect((e as AmbiguousRefError).candidates).toEqual(["abc111111111 (@1)", "abc222222222 (@2)"]);
    }
    expect(store.listJobs({ limit: 1 }).map((j) => j.uid)).toEqual(["abc222222222"]);
    store.close();
  });

  it("is one transaction: a failing insert leaves nothing behind", () => {
    const store = openStore(tmpProject());
    const first = jobInput({ uid: "dup000000000" });
    store.recordJob(first);
    expect(() => store.recordJob(jobInput({ uid: "dup000000000", outputs: [] }))).toThrow();
    expect(store.countJobs()).toBe(1);
    expect(store.getJobByStep(1)?.supersededBy).toBeNull();
    store.close();
  });
});
