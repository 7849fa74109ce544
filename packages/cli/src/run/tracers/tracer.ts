import type { TracerBackendName } from "../../store/job-record.js";
import type { FileEvent } from "../events.js";

export type PreflightResult = { ok: true } | { ok: false; reason: string };

/** What a backend needs to wrap one command. */
export interface TraceContext {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** A fresh directory owned by this job, for the backend's logs. */
  workDir: string;
}

/** One wrapped command: what to spawn instead, and how to read what it saw afterwards. */
export interface PreparedTrace {
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Processes a forwarded signal must reach, given the spawned pid (strace blocks signals itself). */
  signalTargets(spawnedPid: number): number[];
  /** Events after the command exited; `problems` are what the backend could not read. */
  collect(): Promise<{ events: FileEvent[]; problems: string[] }>;
  /** What this backend cannot see, said plainly; recorded with the job. */
  blindSpots: string[];
}

export interface TracerBackend {
  name: TracerBackendName;
  /** Whether this backend works here. Cheap on a warm cache: it runs before the child starts. */
  preflight(): Promise<PreflightResult>;
  prepare(ctx: TraceContext): Promise<PreparedTrace>;
}
