import { buildGraph, type PipelineGraph, topoOrder } from "./graph.js";
import type { JobNode, Snapshot } from "./snapshot.js";
import { computeStaleness, type DiskCheck, describeReason, type RecordedHash } from "./staleness.js";

/** `roar status --json`. Stable. */
export interface StatusData {
  upToDate: boolean;
  /** Files a current step wrote whose content on disk is no longer what it wrote. */
  changedOutputs: { path: string; state: "modified" | "missing"; step: number }[];
  /** Stale steps in pipeline order, each with why. */
  staleSteps: { step: number; uid: string; command: string; reasons: string[] }[];
  /** What to re-run, in pipeline order: the stale steps, and the producers of missing outputs. */
  rerun: { step: number; command: string; cwd: string }[];
}

/** The current writer of a path: whose content `roar status` compares the file on disk with. */
export interface WrittenPath {
  path: string;
  jobId: number;
  hash?: string;
}

/** Needs a snapshot loaded `withOutputs`. */
export function buildStatusData(snapshot: Snapshot, disk: DiskCheck, recordedHash: RecordedHash): StatusData {
  const graph = buildGraph(snapshot);
  // The current content of each path is its latest current writer's (outputs are in job id order).
  const writer = new Map<string, WrittenPath>();
  for (const out of snapshot.outputs) writer.set(out.path, out);
  return buildStatusDataFromGraph(graph, topoOrder(graph), writer.values(), disk, recordedHash);
}

/** The disk-dependent half of `roar status`, over a graph that may come from a cache. */
export function buildStatusDataFromGraph(
  graph: PipelineGraph,
  order: readonly JobNode[],
  written: Iterable<WrittenPath>,
  disk: DiskCheck,
  recordedHash: RecordedHash,
): StatusData {
  const stale = computeStaleness(graph, disk, recordedHash);
  const changedOutputs: StatusData["changedOutputs"] = [];
  const rerunIds = new Set<number>(stale.keys());
  for (const out of written) {
    const job = graph.byId.get(out.jobId);
    if (!job) continue;
    const state = disk(out.path, job.endedAt, () => out.hash ?? recordedHash("output", out.jobId, out.path));
    if (state === "same") continue;
    changedOutputs.push({ path: out.path, state, step: job.step });
    // A missing output is restored by its producer; a modified one was likely edited on purpose,
    // so only its consumers (already stale) need to run again.
    if (state === "missing") rerunIds.add(job.id);
  }
  changedOutputs.sort((a, b) => a.step - b.step || (a.path < b.path ? -1 : 1));
  const staleSteps: StatusData["staleSteps"] = [];
  const rerun: StatusData["rerun"] = [];
  for (const job of order) {
    const reasons = stale.get(job.id);
    if (reasons)
      staleSteps.push({
        step: job.step,
        uid: job.uid,
        command: job.command,
        reasons: reasons.map(describeReason),
      });
    if (rerunIds.has(job.id)) rerun.push(rerunEntry(job));
  }
  return {
    upToDate: changedOutputs.length === 0 && staleSteps.length === 0,
    changedOutputs,
    staleSteps,
    rerun,
  };
}

function rerunEntry(job: JobNode) {
  return { step: job.step, command: job.command, cwd: job.cwd };
}
