import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type PythonIdentity, probePythonDetailed, resolveCommandInterpreter } from "@roar/abi-probe";
import { cachedRuntimePaths, ensureRuntime, runtimeCacheRoot } from "@roar/runtime-cache";
import type { RoarConfig } from "../config/keys.js";
import { RoarError } from "../errors.js";
import { shimDir } from "../paths.js";
import type { Project } from "../project/find-root.js";
import { printRuntimeEvent, runtimeOptionsFromConfig } from "../runtime/runtime-options.js";
import { findExecutable } from "./find-executable.js";
import { forwardSignals } from "./forward-signals.js";
import type { TracerChoiceName } from "./parse-run-argv.js";
import { runEnv } from "./run-env.js";
import type { PhaseTimer } from "./timing.js";
import { chooseTracer, TRACERS } from "./tracers/choose-tracer.js";
import type { PreparedTrace, TracerBackend } from "./tracers/tracer.js";

export interface RunJobInput {
  project: Project;
  config: RoarConfig;
  command: string[];
  name: string | null;
  tracer: TracerChoiceName | null;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stderr: NodeJS.WritableStream;
  timer: PhaseTimer;
}

/** The command could not be started at all: nothing ran, nothing is recorded. */
export class CommandNotStartedError extends RoarError {
  constructor(message: string, hint: string, exitCode: number) {
    super(message, { hint, exitCode });
    this.name = "CommandNotStartedError";
  }
}

/** What roar saw of the launch, handed to the recorder after the child exited. */
export interface LaunchedJob {
  uid: string;
  workDir: string;
  shardDir: string;
  startedAt: number;
  durationMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  backend: TracerBackend;
  prepared: PreparedTrace;
  identity: PythonIdentity | null;
  warnings: string[];
}

/**
 * DESIGN §3 steps 2–5: resolve and probe the interpreter, ensure its runtime, spawn the command
 * (argv unchanged, stdio inherited, no shell) under the chosen tracer, forward signals, wait.
 * `whileRunning` starts as soon as the child does (store, git: work that can overlap the job).
 */
export async function launchJob(input: RunJobInput, whileRunning: () => void): Promise<LaunchedJob> {
  const { command, cwd, env, stderr, timer, project } = input;
  const argv0 = command[0]!;
  const executable = findExecutable(argv0, env.PATH, cwd);
  if (!executable) {
    throw new CommandNotStartedError(
      `command not found: ${argv0}`,
      argv0.includes("/") ? "check the path" : "check the spelling, or that it is installed and on PATH",
      127,
    );
  }
  try {
    fs.accessSync(executable, fs.constants.X_OK);
  } catch {
    throw new CommandNotStartedError(
      `permission denied: ${argv0}`,
      `make it executable (chmod +x ${argv0})`,
      126,
    );
  }
  const warnings: string[] = [];

  // Independent steps overlap: a cold tracer preflight spawns processes. The probe and runtime
  // modules are static imports: `roar run` ships as one bundle (tsup.config.ts), where a dynamic
  // import would be one more file for Node to load before the child starts.
  const requested = input.tracer ?? input.config.tracer.backend;
  const tracerChoice = chooseTracer(requested, executable).catch((error: Error) => ({
    backend: TRACERS.python,
    warnings: [`choosing a tracer failed (${error.message}); capturing Python-level file I/O only`],
  }));

  // Probe (cached: no process on a warm cache) and runtime (a stat on a hit).
  const interpreter = await resolveCommandInterpreter(command, { env, cwd });
  timer.mark("resolved");
  let identity: PythonIdentity | null = null;
  let runtimePath: string | null = null;
  let runtimeExpected = false;
  if (interpreter) {
    const probed = await probePythonDetailed(interpreter.executable, { env, cwd });
    timer.mark("probed");
    if (probed.identity) {
      identity = probed.identity;
      const { options, warnings: optionWarnings } = runtimeOptionsFromConfig(input.config, env);
      for (const w of optionWarnings) stderr.write(`roar: ${w}\n`);
      try {
        const result = await ensureRuntime(identity, {
          ...options,
          onEvent: (e) => printRuntimeEvent(e, stderr),
        });
        runtimePath = result.path ?? null;
        runtimeExpected =
          result.path !== undefined || result.status === "installed" || result.status === "failed";
      } catch (error) {
        runtimeExpected = true;
        warnings.push(`runtime install failed (${(error as Error).message}); capturing in pure Python`);
      }
      timer.mark("runtime");
    } else if (probed.kind !== "not-python") {
      warnings.push(
        `could not probe ${interpreter.executable} (${probed.reason}); Python identity comes from the shim only`,
      );
    }
  }

  const choice = await tracerChoice;
  warnings.push(...choice.warnings);
  timer.mark("tracer");

  const uid = jobUid();
  const workDir = makeWorkDir(project, uid);
  const shardDir = path.join(workDir, "shards");
  fs.mkdirSync(shardDir, { recursive: true });
  // Every cached tree, this interpreter's first: a Python that starts a Python of another ABI finds
  // that one's tree too (the shim's gate takes only the exact match).
  if (identity) {
    const others = cachedRuntimePaths(runtimeCacheRoot(env)).filter((p) => p !== runtimePath);
    runtimePath = [runtimePath, ...others].filter((p) => p !== null).join(path.delimiter) || null;
  }
  const childEnv = runEnv(env, { shimDir: shimDir(), shardDir, jobId: uid, runtimePath, runtimeExpected });

  let backend = choice.backend;
  let prepared: PreparedTrace;
  try {
    prepared = await backend.prepare({ argv: command, env: childEnv, cwd, workDir });
  } catch (error) {
    warnings.push(
      `the ${backend.name} tracer could not start (${(error as Error).message}); capturing Python-level file I/O only`,
    );
    backend = TRACERS.python;
    prepared = await backend.prepare({ argv: command, env: childEnv, cwd, workDir });
  }

  timer.mark("spawn");
  const startedAt = Date.now();
  const t0 = process.hrtime.bigint();
  const child = spawn(prepared.argv[0]!, prepared.argv.slice(1), {
    cwd,
    env: prepared.env,
    stdio: "inherit",
  });
  const stopForwarding = forwardSignals(() => {
    if (child.pid === undefined) return [];
    const targets = prepared.signalTargets(child.pid);
    return targets.length > 0 ? targets : [child.pid];
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  whileRunning();
  let result: { code: number | null; signal: NodeJS.Signals | null };
  try {
    result = await exited;
  } catch (error) {
    stopForwarding();
    fs.rmSync(workDir, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new CommandNotStartedError(`command not found: ${argv0}`, "check that it is installed", 127);
    if (code === "EACCES")
      throw new CommandNotStartedError(`permission denied: ${argv0}`, `chmod +x ${argv0}`, 126);
    throw new CommandNotStartedError(
      `cannot start ${argv0}: ${(error as Error).message}`,
      "check the command",
      126,
    );
  }
  stopForwarding();
  timer.mark("exited");
  const durationMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    uid,
    workDir,
    shardDir,
    startedAt,
    durationMs,
    exitCode: result.code,
    signal: result.signal,
    backend,
    prepared,
    identity,
    warnings,
  };
}

/**
 * 12 hex digits naming the job. Math.random rather than node:crypto: loading that module costs ≈3 ms
 * before the child starts, and a uid only has to be unique (V8 seeds Math.random per process from
 * the system's entropy source), never unguessable.
 */
export function jobUid(): string {
  let uid = "";
  for (let i = 0; i < 2; i++)
    uid += Math.floor(Math.random() * 0x1000000)
      .toString(16)
      .padStart(6, "0");
  return uid;
}

/** `.roar/tmp/<uid>/`: the shards, tracer logs and nothing else; removed once the job is recorded. */
function makeWorkDir(project: Project, uid: string): string {
  const dir = path.join(project.roarDir, "tmp", uid);
  try {
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    // A read-only .roar/ was refused before launch; this is a last resort for odd mounts.
    return fs.mkdtempSync(path.join(os.tmpdir(), `roar-${uid}-`));
  }
}

/** The exit code roar itself ends with: the child's, or 128+n when a signal killed it. */
export function exitCodeOf(job: Pick<LaunchedJob, "exitCode" | "signal">): number {
  if (job.signal) return 128 + (os.constants.signals[job.signal] ?? 0);
  return job.exitCode ?? 1;
}
