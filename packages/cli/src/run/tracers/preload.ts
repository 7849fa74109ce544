import fs from "node:fs";
import path from "node:path";
import { TRACER_SEES_FILE_IO } from "../run-env.js";
import { cachedPreflight, preflightKey } from "./preflight-cache.js";
import type { PreflightResult, PreparedTrace, TraceContext, TracerBackend } from "./tracer.js";

// @roar/tracer-preload is imported lazily: most runs that do not pick it never pay for loading it.
type PreloadModule = typeof import("@roar/tracer-preload");
let loaded: Promise<PreloadModule> | undefined;
const load = (): Promise<PreloadModule> => {
  loaded ??= import("@roar/tracer-preload");
  return loaded;
};

let preflight: Promise<PreflightResult> | undefined;

/** An LD_PRELOAD interposer in every dynamically linked process of the job: near-zero overhead. */
export const preloadTracer: TracerBackend = {
  name: "preload",
  preflight() {
    preflight ??= (async () => {
      const mod = await load();
      const library = mod.preloadLibraryPath();
      if (library === null) return { ok: false, reason: `no preload library built for ${mod.platformTag()}` };
      // The library's own check runs a program under LD_PRELOAD: once per library build, not per run.
      return cachedPreflight("preload", preflightKey([library]), () => mod.preflightPreload());
    })();
    return preflight;
  },
  async prepare(ctx: TraceContext): Promise<PreparedTrace> {
    const mod = await load();
    const logDir = path.join(ctx.workDir, "preload");
    fs.mkdirSync(logDir, { recursive: true });
    return {
      argv: ctx.argv,
      env: { ...mod.preloadEnv(logDir, ctx.env), ...TRACER_SEES_FILE_IO },
      signalTargets: (pid) => [pid],
      blindSpots: [
        "statically linked or setuid programs",
        "raw system calls that bypass libc (io_uring, Go binaries)",
      ],
      async collect() {
        const logs = await mod.readPreloadLogs(logDir);
        return { events: logs.events, problems: logs.errors.slice(0, 5) };
      },
    };
  },
};

/** Whether LD_PRELOAD reaches `executable` (dynamically linked, not setuid). */
export async function preloadReaches(executable: string): Promise<boolean> {
  const mod = await load();
  return mod.inspectExecutable(executable).traceable;
}
