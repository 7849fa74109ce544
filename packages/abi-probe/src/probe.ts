import { spawn as nodeSpawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ProbeOutputError } from "./errors.js";
import { readFileHead } from "./file-head.js";
import type { PythonIdentity } from "./identity.js";
import { identityFromProbeOutput } from "./identity-from-probe.js";
import { defaultCacheDir, probeCacheKey, readProbeCache, writeProbeCache } from "./probe-cache.js";
import { PROBE_SCRIPT_ARGS, probeModuleArgs } from "./probe-module.js";
import { isPyenvShim, resolvePyenvShim } from "./pyenv.js";
import { isPythonName } from "./python-name.js";
import { findOnPath } from "./which.js";

export interface ProbeOptions {
  /** Give up on an interpreter that has not answered after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Where the probe cache lives (default `$XDG_CACHE_HOME/roar`, else `~/.cache/roar`). */
  cacheDir?: string;
  /** Read and write the cache (default true). */
  useCache?: boolean;
  /**
   * Environment for PATH lookup of a bare name, pyenv version selection and the probe process.
   * The probe process never sees `PYTHON*` or `ROAR_*` variables. Default `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /** Base for relative paths and pyenv's `.python-version` lookup (default `process.cwd()`). */
  cwd?: string;
  /** `child_process.spawn` stand-in, for instrumentation and tests (default the real one). */
  spawn?: typeof nodeSpawn;
}

/** Why a probe gave no identity. */
export type ProbeFailureKind =
  /** No such file, or a bare name not on PATH. */
  | "not-found"
  /** Not an interpreter, decided without running it: not executable, or a binary/script not named like Python. */
  | "not-python"
  /** An interpreter the probe cannot describe (Python 2). */
  | "unsupported"
  /** No answer within `timeoutMs`; the process group was killed. */
  | "timeout"
  /** It could not start, exited non-zero or died from a signal without an answer. */
  | "crashed"
  /** It answered, but not with a probe result. */
  | "bad-output";

export type ProbeResult =
  | {
      identity: PythonIdentity;
      /** Answered from the cache: no process was started. */
      cached: boolean;
      /** Set when the answer could not be written to the cache (the identity is still good). */
      cacheError?: string;
    }
  | { identity: null; kind: ProbeFailureKind; reason: string };

const DEFAULT_TIMEOUT_MS = 5000;
const MAX_OUTPUT_BYTES = 1 << 20;

/** `probePythonDetailed` without the details: the identity, or `null` for anything else. */
export async function probePython(
  executable: string,
  options: ProbeOptions = {},
): Promise<PythonIdentity | null> {
  return (await probePythonDetailed(executable, options)).identity;
}

/**
 * Probe the interpreter `executable` (a path, or a bare name looked up on `env.PATH`). Anything that
 * is not a Python is refused before spawning; a Python is run once, isolated, and its answer cached
 * by file identity so the next call starts no process. Never rejects: failures are a `kind` plus a
 * `reason` a caller can show.
 */
export async function probePythonDetailed(
  executable: string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  try {
    return await probe(executable, options);
  } catch (error) {
    return {
      identity: null,
      kind: "crashed",
      reason: `probe of ${executable} failed: ${(error as Error).message}`,
    };
  }
}

async function probe(executable: string, options: ProbeOptions): Promise<ProbeResult> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const invoked = executable.includes("/")
    ? path.resolve(cwd, executable)
    : findOnPath(executable, env.PATH, cwd);
  if (!invoked) return fail("not-found", `${executable}: not found on PATH`);

  const st = fs.statSync(invoked, { throwIfNoEntry: false });
  if (!st) return fail("not-found", `${invoked}: no such file`);
  if (!st.isFile()) return fail("not-python", `${invoked}: not a regular file`);
  try {
    fs.accessSync(invoked, fs.constants.X_OK);
  } catch {
    return fail("not-python", `${invoked}: not executable`);
  }
  let probed = invoked;
  let real = fs.realpathSync.native(invoked);
  const head = readFileHead(real);
  const named = isPythonName(invoked) || isPythonName(real);
  if (head?.kind === "script" && isPyenvShim(head.text)) {
    const target = resolvePyenvShim(invoked, head.text, { env, cwd });
    if (!target)
      return fail(
        "not-found",
        `${invoked}: pyenv shim whose selected version has no ${path.basename(invoked)}`,
      );
    // The identity names the interpreter the shim selects, so spawning `executable` later (an
    // installer, another cwd) cannot pick a different version.
    probed = target;
    real = fs.realpathSync.native(target);
  } else if (head?.kind === "binary") {
    if (!named) return fail("not-python", `${invoked}: a program not named like a Python interpreter`);
  } else if (head?.kind === "script") {
    // A wrapper named python* is run; any other script would run as a program with our arguments.
    if (!named) {
      const hint = isPythonName(head.shebang.interpreter) || head.shebang.args.some(isPythonName);
      return fail(
        "not-python",
        hint
          ? `${invoked}: a Python script, not an interpreter (resolveCommandInterpreter finds its interpreter)`
          : `${invoked}: a script run by ${head.shebang.interpreter}, not a Python interpreter`,
      );
    }
  } else {
    return fail("not-python", `${invoked}: neither a binary nor a #! script`);
  }

  const useCache = options.useCache ?? true;
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const key = useCache ? probeCacheKey(probed, real) : null;
  if (key) {
    const hit = readProbeCache(cacheDir, key);
    if (hit) return { identity: { ...hit, executable: probed }, cached: true };
  }

  const args = (useCache && probeModuleArgs(cacheDir)) || [...PROBE_SCRIPT_ARGS];
  const spawnFn = options.spawn ?? nodeSpawn;
  const run = await runProbe(
    probed,
    args,
    spawnFn,
    probeEnv(env),
    cwd,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  if ("kind" in run) return run;
  let identity: PythonIdentity;
  try {
    identity = identityFromProbeOutput(run.output, { executable: probed, realpath: real });
  } catch (error) {
    if (error instanceof ProbeOutputError) return fail("bad-output", `${invoked}: ${error.message}`);
    throw error;
  }
  identity.libraryPaths = withRealpaths(identity.libraryPaths);
  let cacheError: string | undefined;
  if (key) {
    try {
      writeProbeCache(cacheDir, key, identity);
    } catch (error) {
      cacheError = `could not write the probe cache in ${cacheDir}: ${(error as Error).message}`;
    }
  }
  const result: ProbeResult = { identity, cached: false };
  if (cacheError) result.cacheError = cacheError;
  return result;
}

function fail(kind: ProbeFailureKind, reason: string): ProbeResult {
  return { identity: null, kind, reason };
}

/** The caller's environment minus what would change the probed answer or re-arm roar inside it. */
export function probeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !k.startsWith("PYTHON") && !k.startsWith("ROAR_")) out[k] = v;
  }
  return out;
}

function withRealpaths(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    out.add(p);
    try {
      out.add(fs.realpathSync.native(p));
    } catch {
      // listed by sysconfig but gone since: keep the spelled path only
    }
  }
  return [...out];
}

type RunResult = { output: unknown } | { identity: null; kind: ProbeFailureKind; reason: string };

function runProbe(
  exe: string,
  args: string[],
  spawn: typeof nodeSpawn,
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((resolve) => {
    let settled = false;
    let lingerTimer: NodeJS.Timeout | undefined;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    // -E -s -S plus dropping '' from sys.path (in the script) is -I -S, but Python 2 also accepts it,
    // so an old interpreter answers "unsupported" instead of a usage error.
    // detached: its own process group, so a timeout also kills whatever a wrapper script started.
    const child = spawn(exe, args, {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(lingerTimer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      killGroup();
      finish({
        identity: null,
        kind: "timeout",
        reason: `${exe}: no answer within ${timeoutMs} ms (a hung interpreter or a slow wrapper); killed it`,
      });
    }, timeoutMs);
    child.stdout?.on("data", (b: Buffer) => {
      outBytes += b.length;
      if (outBytes <= MAX_OUTPUT_BYTES) stdout.push(b);
    });
    child.stderr?.on("data", (b: Buffer) => {
      errBytes += b.length;
      if (errBytes <= MAX_OUTPUT_BYTES) stderr.push(b);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      const kind: ProbeFailureKind = error.code === "ENOENT" ? "not-found" : "crashed";
      finish({ identity: null, kind, reason: `${exe}: could not start: ${error.code ?? error.message}` });
    });
    const conclude = (): void => finish(interpretRun(exe, stdout, stderr, exit));
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      // A wrapper's background child can hold the pipes open long after the interpreter exited.
      lingerTimer = setTimeout(conclude, 200);
    });
    child.on("close", (code, signal) => {
      exit ??= { code, signal };
      conclude();
    });
  });
}

function interpretRun(
  exe: string,
  stdout: Buffer[],
  stderr: Buffer[],
  exit: { code: number | null; signal: NodeJS.Signals | null } | null,
): RunResult {
  const out = Buffer.concat(stdout).toString("utf8");
  const err = Buffer.concat(stderr).toString("utf8").trim().split("\n").slice(-3).join(" | ");
  // The answer is the last line: a chatty wrapper may print before exec'ing the interpreter.
  const line = out.trim().split("\n").pop() ?? "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>;
    if (typeof o.unsupported === "string")
      return { identity: null, kind: "unsupported", reason: `${exe}: ${o.unsupported}` };
    if (typeof o.error === "string") {
      return { identity: null, kind: "bad-output", reason: `${exe}: probe script failed: ${o.error}` };
    }
    return { output: parsed };
  }
  const how = exit?.signal ? `killed by ${exit.signal}` : `exited with code ${exit?.code}`;
  if (exit && (exit.signal || exit.code !== 0)) {
    return { identity: null, kind: "crashed", reason: `${exe}: ${how}${err ? `: ${err}` : ""}` };
  }
  const printed = line ? ` (printed: ${JSON.stringify(line.slice(0, 200))})` : "";
  return { identity: null, kind: "bad-output", reason: `${exe}: ${how} without a probe answer${printed}` };
}
