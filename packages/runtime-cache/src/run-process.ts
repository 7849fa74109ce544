import { spawn } from "node:child_process";
import type { ProcessCommand, ProcessOutcome, ProcessRunner } from "./types.js";

const TAIL_BYTES = 16 * 1024;
const live = new Set<number>();
let exitHookInstalled = false;

/**
 * Run a child in its own process group, capturing the tail of its output. On timeout the whole
 * group is killed: pip may have spawned a compiler or a build backend, and none may outlive us.
 */
export const runProcess: ProcessRunner = (command: ProcessCommand, { timeoutMs }) => {
  installExitHook();
  const started = performance.now();
  return new Promise<ProcessOutcome>((resolve) => {
    let output = "";
    let timedOut = false;
    const child = spawn(command.file, command.args, {
      env: command.env,
      cwd: command.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const collect = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (output.length > TAIL_BYTES * 2) output = output.slice(-TAIL_BYTES);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, timeoutMs);
    const finish = (outcome: Omit<ProcessOutcome, "tail" | "ms" | "timedOut">): void => {
      clearTimeout(timer);
      if (pid !== undefined) live.delete(pid);
      resolve({ ...outcome, timedOut, tail: lastLines(output, 12), ms: performance.now() - started });
    };
    child.on("error", (error) => finish({ code: null, signal: null, spawnError: error.message }));
    child.on("close", (code, signal) => finish({ code, signal }));
  });
};

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A roar that exits (or is told to) mid-install takes its installer with it.
  process.on("exit", () => {
    for (const pid of live) killGroup(pid);
  });
}

export function lastLines(text: string, count: number): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  return lines.slice(-count).join("\n");
}
