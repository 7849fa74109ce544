import fs from "node:fs";
import { loadConfig } from "../config/config.js";
import { RoarError } from "../errors.js";
import { type Project, requireProject } from "../project/find-root.js";
import { parseRunArgv, RUN_USAGE } from "./parse-run-argv.js";
import type { RecordingSession } from "./record-job.js";
import { exitCodeOf, launchJob } from "./run-job.js";
import { PhaseTimer } from "./timing.js";

export interface RunIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * `roar run …` from its raw argv (everything after `run`) to the exit code roar ends with: the
 * child's own code, 128+n when a signal killed it, 127 when it was not found, 1/2 for roar's own
 * usage errors before anything ran. Kept free of oclif so `bin/run.js` can take this path
 * directly: start-up time is the cost every job pays.
 */
export async function runMain(argv: readonly string[], io: Partial<RunIO> = {}): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const stdout = io.stdout ?? process.stdout;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  // A closed stderr (a hung-up terminal, `2>&1 | head`) must not turn roar's own summary line into a
  // crash that replaces the child's exit code.
  if (!io.stderr) process.stderr.on("error", () => {});
  const timer = new PhaseTimer(env.ROAR_TIMING === "1");
  timer.mark("main");
  let debug = env.ROAR_DEBUG === "1";
  try {
    const args = parseRunArgv(argv);
    debug ||= args.debug;
    if (args.help) {
      stdout.write(RUN_USAGE);
      return 0;
    }
    if (args.command.length === 0) {
      throw new RoarError("missing the command to run", { hint: "roar run python train.py", exitCode: 2 });
    }
    const project = requireProject(cwd);
    const config = loadConfig(project.configPath);
    assertWritable(project);
    timer.mark("project");

    let session: Promise<RecordingSession> | undefined;
    let recorder: Promise<typeof import("./record-job.js")> | undefined;
    const job = await launchJob(
      {
        project,
        config,
        command: args.command,
        name: args.name,
        tracer: args.tracer,
        cwd,
        env,
        stderr,
        timer,
      },
      () => {
        // Everything that records (SQLite, hashing, git, shard reading) loads only now, while the
        // child runs: none of it may delay the start of the user's command.
        recorder = import("./record-job.js");
        // git is a process of its own: started now, it runs while the recorder's modules load.
        const git = import("../git/git-state.js").then((m) => m.gitState(cwd));
        git.catch(() => {}); // awaited through the session
        session = recorder.then((m) => m.beginRecording(project, git));
        session.catch(() => {}); // awaited after the child exits; never an unhandled rejection meanwhile
      },
    );
    const code = exitCodeOf(job);
    for (const w of job.warnings) stderr.write(`roar: ${w}\n`);
    try {
      const { recordLaunchedJob } = await recorder!;
      const summary = await recordLaunchedJob(session!, job, {
        project,
        config,
        command: args.command,
        name: args.name,
        cwd,
        env,
        timer,
        stderr,
      });
      fs.rmSync(job.workDir, { recursive: true, force: true });
      timer.mark("recorded");
      const secs = job.durationMs / 1000;
      const how = job.signal
        ? `, killed by ${job.signal}`
        : job.exitCode !== 0
          ? `, exit ${job.exitCode}`
          : "";
      stderr.write(
        `roar: @${summary.step} recorded — ${plural(summary.inputs, "input")}, ${plural(summary.outputs, "output")}, ${secs.toFixed(secs < 10 ? 1 : 0)} s${how}\n`,
      );
      for (const n of summary.problems) stderr.write(`roar: warning: ${n}\n`);
      if (debug) for (const n of summary.notes) stderr.write(`roar: note: ${n}\n`);
    } catch (error) {
      // The workload already ran: its exit code stands, and the user learns what was not kept.
      stderr.write(`roar: the job ran but was not recorded: ${(error as Error).message}\n`);
      if (error instanceof RoarError && error.hint) stderr.write(`  hint: ${error.hint}\n`);
      stderr.write(`  hint: what roar captured is kept in ${job.workDir}\n`);
      if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
    }
    timer.report(stderr);
    return code;
  } catch (error) {
    if (error instanceof RoarError) {
      stderr.write(`roar: ${error.message}\n`);
      if (error.hint) stderr.write(`  hint: ${error.hint}\n`);
      return error.exitCode;
    }
    stderr.write(
      `roar: internal error: ${(error as Error).message}\n  hint: re-run with --debug for the stack trace\n`,
    );
    if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/**
 * The cheap half of "can this job be recorded?", before anything is launched: a long job whose
 * result cannot be kept should not start. Opening SQLite waits until the child runs.
 */
function assertWritable(project: Project): void {
  try {
    fs.accessSync(project.roarDir, fs.constants.W_OK | fs.constants.X_OK);
    if (fs.existsSync(project.dbPath)) fs.accessSync(project.dbPath, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    throw new RoarError(
      `cannot record jobs in ${project.roarDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: "check the permissions of .roar/ and .roar/roar.db",
      },
    );
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
