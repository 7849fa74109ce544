import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { mergeProcesses, mergeShards } from "@roar/inject-log";
import type { RoarConfig } from "../config/keys.js";
import { hashArtifacts } from "../hash/hash-artifacts.js";
import { shimDir } from "../paths.js";
import type { Project } from "../project/find-root.js";
import type { ArtifactRef, JobRecordInput } from "../store/job-record.js";
import { checkRecordable, openStore, type Store } from "../store/store.js";
import { classifyEvents } from "./classify.js";
import type { FileEvent } from "./events.js";
import { hashProgressLine, type ProgressStream } from "./hash-progress.js";
import { compileNoise } from "./noise.js";
import type { LaunchedJob } from "./run-job.js";
import {
  interpreterDirs,
  packagesFromShards,
  pythonsFromShards,
  shardEvents,
  shardNotes,
} from "./shard-facts.js";
import type { PhaseTimer } from "./timing.js";

/**
 * Store, git state and the recordability check, started while the child runs (this module is
 * imported only after the spawn: SQLite, BLAKE3 and shard reading never delay the user's command).
 */
export interface RecordingSession {
  store: Store;
  git: JobRecordInput["git"];
}

/** `git`: the git state, already being read (a process of its own, started with the child). */
export async function beginRecording(
  project: Project,
  git: Promise<JobRecordInput["git"]>,
): Promise<RecordingSession> {
  // openStore validates the database the way checkRecordable would: one SQLite open, not two.
  checkRecordable(project, { database: false });
  const store = openStore(project);
  return { store, git: await git };
}

export interface RecordedSummary {
  step: number;
  inputs: number;
  outputs: number;
  problems: string[];
  notes: string[];
}

export interface RecordContext {
  project: Project;
  config: RoarConfig;
  command: string[];
  name: string | null;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timer?: PhaseTimer;
  /** Where a long hashing phase shows its progress line (only when it is a terminal). */
  stderr?: ProgressStream;
}

/** DESIGN §3 step 6: merge shards, union with the tracer's events, classify, hash, record. */
export async function recordLaunchedJob(
  sessionPromise: Promise<RecordingSession>,
  job: LaunchedJob,
  ctx: RecordContext,
): Promise<RecordedSummary> {
  const [merged, traced] = await Promise.all([
    mergeShards(job.shardDir).catch((error: Error) =>
      mergeProcesses([], [{ file: job.shardDir, problem: "unreadable", message: error.message }]),
    ),
    job.prepared
      .collect()
      .catch((error: Error) => ({ events: [] as FileEvent[], problems: [error.message] })),
  ]);
  ctx.timer?.mark("collected");
  const fromShards = shardNotes(merged);
  // Problems make the record incomplete and are shown; notes are kept with the job.
  const problems: string[] = [
    ...traced.problems.map((p) => `${job.backend.name} tracer: ${p}`),
    ...fromShards.problems,
  ];
  const notes: string[] = [...fromShards.notes];

  const root = path.resolve(ctx.project.root);
  let realRoot = root;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    // keep the path as given
  }
  // strace reports the kernel's view of the cwd (symlinks resolved); record under the project's name.
  const canonical = (p: string): string =>
    realRoot !== root && (p === realRoot || p.startsWith(`${realRoot}/`))
      ? root + p.slice(realRoot.length)
      : isNormalAbsolute(p)
        ? p
        : path.resolve(p);
  const events: FileEvent[] = [];
  for (const list of [traced.events, shardEvents(merged.processes)]) {
    for (const e of list) {
      const p = canonical(e.path);
      if (e.dest) events.push({ ...e, path: p, dest: canonical(e.dest) });
      else events.push(p === e.path ? e : { ...e, path: p });
    }
  }

  const home = ctx.env.HOME || os.homedir();
  const xdgCache =
    ctx.env.XDG_CACHE_HOME && path.isAbsolute(ctx.env.XDG_CACHE_HOME)
      ? ctx.env.XDG_CACHE_HOME
      : path.join(home, ".cache");
  const isNoise = compileNoise({
    projectRoot: root,
    dirs: [
      ...(job.identity?.libraryPaths ?? []),
      ...interpreterDirs(merged.processes),
      shimDir(),
      job.workDir,
      path.join(xdgCache, "roar"),
      ctx.env.PYENV_ROOT || path.join(home, ".pyenv"),
    ],
    ignoreGlobs: ctx.config.filters.ignore_paths,
  });
  const classified = await classifyEvents(events, isNoise, { projectRoot: root });
  notes.push(...classified.notes);
  ctx.timer?.mark("classified");

  const session = await sessionPromise;
  const all = [...new Set([...classified.inputs, ...classified.outputs])];
  ctx.timer?.mark("store-ready");
  const progress = hashProgressLine(ctx.stderr);
  const hashes = await hashArtifacts(all, session.store, progress.onProgress, classified.stats).finally(
    progress.finish,
  );
  ctx.timer?.mark("hashed");
  const stored = (p: string): string => (p.startsWith(`${root}/`) ? path.relative(root, p) : p);
  const refs = (paths: string[]): ArtifactRef[] => {
    const out: ArtifactRef[] = [];
    for (const p of paths) {
      const h = hashes.get(p);
      if (h && "hash" in h) out.push({ path: stored(p), hash: h.hash, size: h.size });
      else
        problems.push(`${stored(p)} could not be hashed and was not recorded (${h?.error ?? "no result"})`);
    }
    return out;
  };
  const inputs = refs(classified.inputs);
  const outputs = refs(classified.outputs);

  const input: JobRecordInput = {
    uid: job.uid,
    name: ctx.name,
    argv: ctx.command,
    command: shellQuote(ctx.command),
    cwd: ctx.cwd,
    startedAt: job.startedAt,
    durationMs: Math.round(job.durationMs),
    exitCode: job.signal ? null : job.exitCode,
    signal: job.signal,
    git: session.git,
    tracer: {
      backend: job.backend.name,
      blindSpots: job.prepared.blindSpots,
      notes: [...job.warnings, ...problems, ...notes],
    },
    pythons: pythonsFromShards(merged.processes),
    packages: packagesFromShards(merged),
    inputs,
    outputs,
    readWrite: classified.readWrite.map(stored),
    os: { platform: process.platform, release: os.release(), arch: process.arch },
  };
  try {
    const recorded = session.store.recordJob(input);
    return { step: recorded.step, inputs: inputs.length, outputs: outputs.length, problems, notes };
  } finally {
    session.store.close();
  }
}

/** Already what path.resolve would return (the common case: 20,000 events skip the resolve). */
function isNormalAbsolute(p: string): boolean {
  return p.startsWith("/") && !p.includes("/.") && !p.includes("//") && (p.length === 1 || !p.endsWith("/"));
}

/** argv as a POSIX shell would need it typed, for display. */
export function shellQuote(argv: readonly string[]): string {
  return argv
    .map((a) => (a !== "" && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}
