// Helpers for the `roar run` end-to-end tests: the built CLI in a tmp project, a private cache
// shared by one test file (the runtime installs once per Python), and the job as the SQLite file
// holds it.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The `roar` command as npm installs it (bin/roar: a sh launcher that runs bin/run.js with node). */
export const bin = path.join(repo, "packages", "cli", "bin", "roar");

export function assertBuilt(): void {
  if (!fs.existsSync(path.join(repo, "packages", "cli", "dist", "run", "main.js"))) {
    throw new Error("the CLI is not built: run `pnpm --filter @roar/cli build` first");
  }
}

/** The test process's environment without anything of an outer roar run or a venv. */
export const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith("ROAR_") && k !== "PYTHONPATH" && k !== "VIRTUAL_ENV",
  ),
) as NodeJS.ProcessEnv;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** stderr as text, for messages. */
  err: string;
}

function result(r: SpawnSyncReturns<Buffer>): RunResult {
  if (r.error) throw r.error;
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    err: r.stderr.toString("utf8"),
  };
}

export interface TmpProject {
  root: string;
  cache: string;
  write(rel: string, content: string | Buffer): string;
  read(rel: string): string;
  /** `roar <args>` in the project. */
  roar(args: string[], opts?: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string }): RunResult;
  /** The same command without roar, for side-by-side comparisons. */
  bare(argv: string[], opts?: { input?: string | Buffer; env?: NodeJS.ProcessEnv }): RunResult;
  job(step?: number): Job;
}

export interface Job {
  step: number;
  tracer: string;
  tracerInfo: { blindSpots: string[]; notes: string[] };
  exitCode: number | null;
  signal: string | null;
  status: string;
  pythons: { version: string; executable: string; abiTag: string; pid: number }[];
  inputs: string[];
  outputs: string[];
}

/**
 * Without input, stdin is /dev/null as in a terminal-less CI step. Node's stdin pipes are socket
 * pairs, and bash sources ~/.bashrc when its stdin is a socket: that would make the machine's
 * dotfiles inputs of every `bash -c` job under test.
 */
function stdinFor(
  input: string | Buffer | undefined,
): { input: string | Buffer } | { stdio: ["ignore", "pipe", "pipe"] } {
  return input === undefined ? { stdio: ["ignore", "pipe", "pipe"] } : { input };
}

/** A fresh project after `roar init`, with XDG_CACHE_HOME = `cache`. */
export function tmpProject(cache: string): TmpProject {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "roar-run-e2e-")));
  const env = { ...cleanEnv, XDG_CACHE_HOME: cache, NO_COLOR: "1" };
  const roar: TmpProject["roar"] = (args, opts = {}) =>
    result(
      spawnSync(bin, args, {
        cwd: opts.cwd ?? root,
        env: { ...env, ...opts.env },
        ...stdinFor(opts.input),
        maxBuffer: 64 << 20,
        timeout: 170_000,
      }),
    );
  const init = roar(["init"]);
  if (init.code !== 0) throw new Error(`roar init failed (${init.code}): ${init.err}`);
  return {
    root,
    cache,
    write(rel, content) {
      const file = path.join(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    read: (rel) => fs.readFileSync(path.join(root, rel), "utf8"),
    roar,
    bare: (argv, opts = {}) =>
      result(
        spawnSync(argv[0]!, argv.slice(1), {
          cwd: root,
          env: { ...env, ...opts.env },
          ...stdinFor(opts.input),
          maxBuffer: 64 << 20,
          timeout: 170_000,
        }),
      ),
    job(step) {
      const db = new Database(path.join(root, ".roar", "roar.db"), { readonly: true });
      try {
        const row = (
          step === undefined
            ? db.prepare("SELECT * FROM jobs ORDER BY id DESC LIMIT 1").get()
            : db.prepare("SELECT * FROM jobs WHERE step = ? ORDER BY id DESC LIMIT 1").get(step)
        ) as Record<string, unknown> | undefined;
        if (!row) throw new Error(`no job ${step ?? "(latest)"} recorded`);
        const paths = (table: string) =>
          (
            db.prepare(`SELECT path FROM ${table} WHERE job_id = ? ORDER BY path`).all(row.id) as {
              path: string;
            }[]
          ).map((r) => r.path);
        return {
          step: row.step as number,
          tracer: row.tracer as string,
          tracerInfo: JSON.parse(row.tracer_json as string),
          exitCode: row.exit_code as number | null,
          signal: row.signal as string | null,
          status: row.status as string,
          pythons: JSON.parse(row.python_json as string),
          inputs: paths("job_inputs"),
          outputs: paths("job_outputs"),
        };
      } finally {
        db.close();
      }
    },
  };
}

export function jobCount(root: string): number {
  const file = path.join(root, ".roar", "roar.db");
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM jobs").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** `platform.python_version()` of an interpreter, asked directly. */
export function versionOf(python: string): string {
  const r = spawnSync(python, ["-c", "import platform; print(platform.python_version())"], {
    encoding: "utf8",
    env: cleanEnv,
  });
  return r.stdout.trim();
}

export function which(name: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}
