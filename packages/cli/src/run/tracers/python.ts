import type { PreparedTrace, TraceContext, TracerBackend } from "./tracer.js";

/**
 * The shim's audit hook alone: every Python process reports its own opens, renames and removes in
 * its shard, which the pipeline reads for every backend anyway. Nothing wraps the command.
 */
export const pythonTracer: TracerBackend = {
  name: "python",
  async preflight() {
    return { ok: true };
  },
  async prepare(ctx: TraceContext): Promise<PreparedTrace> {
    return {
      argv: ctx.argv,
      env: ctx.env,
      signalTargets: (pid) => [pid],
      blindSpots: [
        "native (C-level) file I/O: C extensions, ctypes, mmap of an open descriptor",
        "non-Python processes (shell redirects, cp, compiled tools)",
      ],
      async collect() {
        return { events: [], problems: [] };
      },
    };
  },
};
