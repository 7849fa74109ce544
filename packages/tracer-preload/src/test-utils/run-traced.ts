import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { preloadEnv } from "../preload-env.js";
import { type PreloadLogs, readPreloadLogs } from "../read-logs.js";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

export function tempDir(prefix = "roar-preload-test-"): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
  });
}

/** Runs a command under the preload tracer and returns its result plus what the logs say. */
export async function runTraced(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult & { logs: PreloadLogs; logDir: string }> {
  const logDir = tempDir("roar-preload-logs-");
  const result = await run(command, args, {
    cwd: options.cwd,
    env: preloadEnv(logDir, options.env ?? process.env),
  });
  return { ...result, logs: await readPreloadLogs(logDir), logDir };
}

/** Compiles a C program from source text; returns the executable's path. */
export function compileC(dir: string, name: string, source: string, extraArgs: string[] = []): string {
  const src = path.join(dir, `${name}.c`);
  const exe = path.join(dir, name);
  fs.writeFileSync(src, source);
  execFileSync("cc", ["-O1", "-o", exe, src, ...extraArgs], { stdio: "pipe" });
  return exe;
}

export function has(program: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
