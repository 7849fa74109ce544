import fs from "node:fs";
import type { TracerBackendName } from "../../store/job-record.js";
import { preloadReaches, preloadTracer } from "./preload.js";
import { pythonTracer } from "./python.js";
import { straceTracer } from "./strace.js";
import type { TracerBackend } from "./tracer.js";

export const TRACERS: Record<TracerBackendName, TracerBackend> = {
  preload: preloadTracer,
  strace: straceTracer,
  python: pythonTracer,
};

export interface TracerChoice {
  backend: TracerBackend;
  /** Why a better backend was not used; printed as `roar:` lines when the user asked for it. */
  warnings: string[];
}

/**
 * `auto`: preload when it works here and reaches the command's program (dynamically linked), else
 * strace when ptrace works here, else the shim alone. An explicit backend that fails its preflight
 * degrades to the shim with a warning: a tracer problem never stops the user's run.
 */
export async function chooseTracer(
  requested: "auto" | TracerBackendName,
  executable: string | null,
): Promise<TracerChoice> {
  if (requested === "python") return { backend: pythonTracer, warnings: [] };
  // Under ptrace the kernel drops set-user/group-ID privileges: strace would change what the
  // program does, which roar never does.
  const privileged = executable !== null && isSetuid(executable);
  if (requested === "strace" && privileged) {
    return {
      backend: pythonTracer,
      warnings: [
        `${executable} is set-user/group-ID and cannot run under strace unchanged; capturing Python-level file I/O only`,
      ],
    };
  }
  if (requested !== "auto") {
    const backend = TRACERS[requested];
    const pre = await backend.preflight();
    if (pre.ok) {
      if (requested === "preload" && executable && !(await preloadReaches(executable))) {
        return {
          backend,
          warnings: [
            `the preload tracer cannot see into ${executable} (static or setuid): its own file I/O is not recorded`,
          ],
        };
      }
      return { backend, warnings: [] };
    }
    return {
      backend: pythonTracer,
      warnings: [
        `--tracer ${requested} is not available here (${pre.reason}); capturing Python-level file I/O only`,
      ],
    };
  }
  const pre = await preloadTracer.preflight();
  if (pre.ok && executable && (await preloadReaches(executable)))
    return { backend: preloadTracer, warnings: [] };
  if (!privileged && (await straceTracer.preflight()).ok) return { backend: straceTracer, warnings: [] };
  return { backend: pythonTracer, warnings: [] };
}

function isSetuid(file: string): boolean {
  try {
    return (fs.statSync(file).mode & 0o6000) !== 0;
  } catch {
    return false;
  }
}
