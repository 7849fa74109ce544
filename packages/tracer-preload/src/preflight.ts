import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inspectExecutable } from "./inspect-executable.js";
import { platformTag, preloadLibraryPath } from "./library-path.js";
import { preloadEnv } from "./preload-env.js";
import { readPreloadLogs } from "./read-logs.js";

export type PreflightResult = { ok: true } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 15_000;
let cached: Promise<PreflightResult> | undefined;

/**
 * Whether the preload tracer works on this machine: the library exists for this platform and a
 * real process started with it writes a log. Run once per Node process; later calls share the result.
 */
export function preflightPreload(): Promise<PreflightResult> {
  cached ??= runPreflight();
  return cached;
}

async function runPreflight(): Promise<PreflightResult> {
  if (process.platform !== "linux")
    return { ok: false, reason: `LD_PRELOAD tracing needs Linux, not ${process.platform}` };
  const library = preloadLibraryPath();
  if (library === null) {
    return {
      ok: false,
      reason: `no preload library built for ${platformTag()} (building needs a C compiler)`,
    };
  }
  if (/[\s:]/.test(library)) {
    return {
      ok: false,
      reason: `the library path contains a space or colon, which LD_PRELOAD cannot hold: ${library}`,
    };
  }
  const probe = ["/bin/true", "/usr/bin/true", "/bin/sh"].find((p) => inspectExecutable(p).traceable);
  if (probe === undefined)
    return { ok: false, reason: "no dynamically linked /bin/true or /bin/sh to test with" };

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "roar-preflight-"));
  try {
    const { LD_PRELOAD: _ignored, ...baseEnv } = process.env;
    const env = preloadEnv(dir, baseEnv);
    const outcome = await new Promise<{ error: Error | null; stderr: string }>((resolve) => {
      execFile(
        probe,
        probe.endsWith("sh") ? ["-c", ":"] : [],
        { env, timeout: PROBE_TIMEOUT_MS },
        (error, _out, stderr) => resolve({ error, stderr: String(stderr) }),
      );
    });
    if (outcome.error)
      return { ok: false, reason: `test run of ${probe} under LD_PRELOAD failed: ${outcome.error.message}` };
    // ld.so reports a library it cannot load on stderr and runs the program anyway.
    if (outcome.stderr.trim() !== "")
      return { ok: false, reason: `ld.so rejected the library: ${outcome.stderr.trim()}` };
    const logs = await readPreloadLogs(dir);
    if (logs.processes.length === 0)
      return { ok: false, reason: `test run of ${probe} under LD_PRELOAD wrote no log` };
    return { ok: true };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
