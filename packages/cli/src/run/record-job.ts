import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RoarConfig } from "../config/keys.js";
import { shimDir } from "../paths.js";
import type { Project } from "../project/find-root.js";
import type { ArtifactRef, JobRecordInput } from "../store/job-record.js";
import { classifyEvents } from "./classify.js";
import type { FileEvent } from "./events.js";
import { compileNoise } from "./noise.js";
import type { LaunchedJob } from "./run-job.js";
import { interpreterDirs, packagesFromShards, pythonsFromShards, shardEvents, shardNotes } from "./shard-facts.js";
import { hashesByPath, type JobStore, loadStoreGlue, type StoreGlue } from "./store-glue.js";

/** Store, git state and the recordability check, started while the child runs. */
export interface RecordingSession {
  glue: StoreGlue;
  store: JobStore;
  git: JobRecordInput["git"];
}

export function beginRecording(project: Project, cwd: string): Promise<RecordingSession> {
  return (async () => {
    const glue = await loadStoreGlue();
    await glue.checkRecordable(project);
    const [store, git] = await Promise.all([
      glue.openStore(project),
      Promise.resolve(glue.gitState(cwd)).catch(() => ({ commit: null, branch: null, dirty: null })),
    ]);
    return { glue, store, git };
  })();
}

export interface RecordedSummary {
  step: number;
  inputs: number;
  outputs: number;
  notes: string[];
}

export interface RecordContext {
  project: Project;
  config: RoarConfig;
  command: string[];
  name: string | null;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** DESIGN §3 step 6: merge shards, union with the tracer's events, classify, hash, record. */
export async function recordLaunchedJob(
  sessionPromise: Promise<RecordingSession>,
  job: LaunchedJob,
  ctx: RecordContext,
): Promise<RecordedSummary> {
  const { mergeShards } = await import("@roar/inject-log");
  const [merged, traced] = await Promise.all([
    mergeShards(job.shardDir),
    job.prepared.collect().catch((error: Error) => ({ events: [] as FileEvent[], problems: [error.message] })),
  ]);
  const notes: string[] = [...job.warnings, ...traced.problems.map((p) => `${job.backend.name} tracer: ${p}`), ...shardNotes(merged)];

  const root = path.resolve(ctx.project.root);
  let realRoot = root;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    // keep the path as given
  }
  // strace reports the kernel's view of the cwd (symlinks resolved); record under the project's name.
  const canonical = (p: string): string =>
    realRoot !== root && (p === realRoot || p.startsWith(`${realRoot}/`)) ? root + p.slice(realRoot.length) : path.resolve(p);
  const events: FileEvent[] = [];
  for (const e of [...traced.events, ...shardEvents(merged.processes)]) {
    events.push(e.dest ? { ...e, path: canonical(e.path), dest: canonical(e.dest) } : { ...e, path: canonical(e.path) });
  }

  const home = ctx.env.HOME || os.homedir();
  const xdgCache = ctx.env.XDG_CACHE_HOME && path.isAbsolute(ctx.env.XDG_CACHE_HOME) ? ctx.env.XDG_CACHE_HOME : path.join(home, ".cache");
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

  const session = await sessionPromise;
  const all = [...new Set([...classified.inputs, ...classified.outputs])];
  const hashes = hashesByPath(await session.glue.hashArtifacts(all, session.store), all);
  const stored = (p: string): string => (p.startsWith(`${root}/`) ? path.relative(root, p) : p);
  const refs = (paths: string[]): ArtifactRef[] => {
    const out: ArtifactRef[] = [];
    for (const p of paths) {
      const h = hashes.get(p) ?? hashes.get(stored(p));
      if (h) out.push({ path: stored(p), hash: h.hash, size: h.size });
      else notes.push(`${stored(p)} could not be hashed and was not recorded`);
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
    tracer: { backend: job.backend.name, blindSpots: job.prepared.blindSpots, notes },
    pythons: pythonsFromShards(merged.processes),
    packages: packagesFromShards(merged),
    inputs,
    outputs,
    readWrite: classified.readWrite.map(stored),
    os: { platform: process.platform, release: os.release(), arch: process.arch },
  };
  const recorded = await session.store.recordJob(input);
  session.store.close?.();
  const step = typeof recorded === "number" ? recorded : recorded.step;
  return { step, inputs: inputs.length, outputs: outputs.length, notes };
}

/** argv as a POSIX shell would need it typed, for display. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (a !== "" && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(" ");
}
