import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findExecutable } from "../find-executable.js";
import { TRACER_SEES_FILE_IO } from "../run-env.js";
import { cachedPreflight, preflightKey } from "./preflight-cache.js";
import type { PreflightResult, PreparedTrace, TraceContext, TracerBackend } from "./tracer.js";

// `?` : calls this architecture lacks (aarch64 has no open/rename/mkdir) are skipped, not an error.
const SYSCALLS = [
  "?open",
  "openat",
  "?openat2",
  "?creat",
  "?rename",
  "renameat",
  "?renameat2",
  "?unlink",
  "unlinkat",
  "?mkdir",
  "mkdirat",
  "?rmdir",
  "?link",
  "linkat",
  "?symlink",
  "symlinkat",
  "truncate",
  "execve",
  "?execveat",
  "chdir",
  "fchdir",
  "clone",
  "?clone3",
  "?fork",
  "?vfork",
];

export interface StraceFacts extends Record<string, unknown> {
  ok: true;
  executable: string;
  version: [number, number];
  seccompBpf: boolean;
  successfulOnly: boolean;
}
type StracePreflight = StraceFacts | { ok: false; reason: string };

let facts: Promise<StracePreflight> | undefined;

function straceFacts(env: NodeJS.ProcessEnv = process.env): Promise<StracePreflight> {
  facts ??= (async () => {
    const executable = findExecutable("strace", env.PATH);
    if (!executable)
      return { ok: false, reason: "strace is not installed (apt-get install strace)" } as const;
    return cachedPreflight<StracePreflight>("strace", preflightKey([executable, "/bin/true"]), () =>
      checkStrace(executable),
    );
  })();
  return facts;
}

function run(
  file: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ...(error ? { error } : {}) });
    });
  });
}

async function checkStrace(executable: string): Promise<StracePreflight> {
  const v = await run(executable, ["-V"]);
  const m = /version (\d+)\.(\d+)/.exec(v.stdout);
  if (!m) return { ok: false, reason: `cannot tell the version of ${executable}` };
  const version: [number, number] = [Number(m[1]), Number(m[2])];
  const atLeast = (a: number, b: number) => version[0] > a || (version[0] === a && version[1] >= b);
  const truth = fs.existsSync("/bin/true") ? "/bin/true" : "/usr/bin/true";
  const seccompBpf =
    atLeast(5, 3) &&
    (await run(executable, ["-f", "-qq", "--seccomp-bpf", "-o", "/dev/null", truth])).code === 0;
  const plain = seccompBpf
    ? { code: 0, stderr: "" }
    : await run(executable, ["-f", "-qq", "-o", "/dev/null", truth]);
  if (plain.code !== 0) {
    return {
      ok: false,
      reason: `strace cannot trace here (${plain.stderr.trim().split("\n")[0] || "ptrace refused"}); containers need --cap-add=SYS_PTRACE`,
    };
  }
  return { ok: true, executable, version, seccompBpf, successfulOnly: atLeast(5, 2) };
}

/** Traces every process of the job with the system's strace (ptrace): native I/O and shell redirects too. */
export const straceTracer: TracerBackend = {
  name: "strace",
  async preflight(): Promise<PreflightResult> {
    const f = await straceFacts();
    return f.ok ? { ok: true } : f;
  },
  prepare: prepareStrace,
};

/** The strace argv for a command, given the preflight's facts. */
export function straceArgv(f: StraceFacts, logFile: string, argv: string[]): string[] {
  return [
    f.executable,
    "-f",
    "-qq",
    ...(f.seccompBpf ? ["--seccomp-bpf"] : []),
    ...(f.successfulOnly ? ["-z"] : []),
    "-y",
    "-s",
    "4096",
    "-e",
    `trace=${SYSCALLS.join(",")}`,
    "-e",
    "signal=none",
    "-o",
    logFile,
    "--",
    ...argv,
  ];
}

async function prepareStrace(ctx: TraceContext): Promise<PreparedTrace> {
  const f = await straceFacts();
  if (!f.ok) throw new Error(f.reason);
  const logFile = path.join(ctx.workDir, "strace.log");
  return {
    argv: straceArgv(f, logFile, ctx.argv),
    env: { ...ctx.env, ...TRACER_SEES_FILE_IO },
    // strace -o FILE PROG blocks fatal signals itself; the traced command must get them.
    signalTargets: (pid) => childrenOf(pid),
    blindSpots: ["io_uring file operations", "files opened by processes that leave the job's process tree"],
    async collect() {
      let text: string;
      try {
        text = await fs.promises.readFile(logFile, "utf8");
      } catch (error) {
        return { events: [], problems: [`strace wrote no log: ${(error as Error).message}`] };
      }
      const { parseStraceLog } = await import("./strace-log.js");
      return { events: parseStraceLog(text, ctx.cwd), problems: [] };
    },
  };
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
