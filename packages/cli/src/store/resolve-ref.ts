import fs from "node:fs";
import path from "node:path";
import { RoarError } from "../errors.js";
import type { Project } from "../project/find-root.js";
import { AmbiguousRefError, type ArtifactRow, type JobRow, type Store } from "./store.js";

/** What `roar show <ref>` points at. */
export type ResolvedRef =
  | { kind: "job"; job: JobRow }
  | { kind: "path"; path: string }
  | { kind: "hash"; artifacts: ArtifactRow[] };

export class UnknownRefError extends RoarError {
  readonly ref: string;
  constructor(ref: string, message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = "UnknownRefError";
    this.ref = ref;
  }
}

/** Shortest uid or hash prefix accepted: shorter ones match by chance. */
const MIN_PREFIX = 4;

/**
 * Resolve `ref`: `@N` (or a bare `N` of up to 3 digits), a job uid or unique uid prefix, a content-hash prefix, or a
 * file path (relative to `cwd`, or as recorded). No ref: the latest job. Throws UnknownRefError
 * (`No job @99 (latest is @3)`) or AmbiguousRefError.
 */
export function resolveRef(
  store: Store,
  project: Project,
  ref: string | undefined,
  cwd: string,
): ResolvedRef {
  const latest = store.latestStep();
  if (ref === undefined || ref === "" || ref === "@") {
    if (latest === null) throw noJobs();
    return { kind: "job", job: store.getJobByStep(latest)! };
  }
  // `@N`; a bare short number also means a step unless a file has that name (`roar show 3`).
  const step =
    /^@(\d+)$/.exec(ref)?.[1] ??
    (/^\d{1,3}$/.test(ref) && !fs.existsSync(path.resolve(cwd, ref)) ? ref : undefined);
  if (step !== undefined) {
    const job = store.getJobByStep(Number(step));
    if (job) return { kind: "job", job };
    if (latest === null) throw noJobs(ref);
    throw new UnknownRefError(
      ref,
      `No job @${Number(step)} (latest is @${latest})`,
      "roar log lists the recorded jobs",
    );
  }

  const recorded = recordedPath(project, ref, cwd);
  const onDisk = fs.existsSync(path.resolve(cwd, ref));
  const byPath = store.jobsForPath(recorded);
  if (byPath.produced.length + byPath.consumed.length > 0) return { kind: "path", path: recorded };

  if (/^[0-9a-fA-F]+$/.test(ref)) {
    const long = ref.length >= MIN_PREFIX;
    const job = long ? store.getJobByUid(ref) : null; // throws AmbiguousRefError for several uids
    const artifacts = long ? store.findArtifacts(ref) : [];
    const candidates = [
      ...(job ? [`job ${job.uid} (@${job.step})`] : []),
      ...artifacts.map((a) => `file ${a.hash.slice(0, 16)}`),
    ];
    if (candidates.length > 1) throw new AmbiguousRefError(ref, candidates);
    if (job) return { kind: "job", job };
    if (artifacts.length === 1) return { kind: "hash", artifacts };
  }

  if (onDisk) {
    throw new UnknownRefError(
      ref,
      `${recorded} was never read or written by a recorded job`,
      "roar log lists the recorded jobs",
    );
  }
  if (latest === null) throw noJobs(ref);
  throw new UnknownRefError(
    ref,
    `No job, file or hash matches '${ref}'`,
    "use @N (roar log lists them), a job uid, a hash prefix or a file path",
  );
}

function noJobs(ref?: string): UnknownRefError {
  return new UnknownRefError(
    ref ?? "",
    ref ? `No job ${ref} (nothing recorded yet)` : "No jobs recorded yet",
    "record one with: roar run <command>",
  );
}

/** The path as jobs record it: project-relative inside the project, absolute outside. */
export function recordedPath(project: Project, ref: string, cwd: string): string {
  const abs = path.resolve(cwd, ref);
  const rel = path.relative(project.root, abs);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return abs;
  return rel.split(path.sep).join("/");
}
