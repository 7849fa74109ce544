import type { PipelineGraph } from "./graph.js";

/** What is at a path on disk now, compared with one recorded content. */
export type DiskState = "same" | "modified" | "missing";

/**
 * Answers "is the file at `path` still what was recorded at `recordedAt` (unix ms)?". The recorded
 * hash is asked for lazily (`hash()`), only when the file changed since. See disk-check.ts.
 */
export type DiskCheck = (path: string, recordedAt: number, hash: () => string) => DiskState;

/** The recorded hash of what job `jobId` read (`input`) or wrote (`output`) at `path`. */
export type RecordedHash = (kind: "input" | "output", jobId: number, path: string) => string;

export type StaleReason =
  /** The current run of the step that produces `path` wrote other content than this job consumed. */
  | { kind: "upstream-changed"; path: string; step: number }
  /** The file this job consumed was changed after it ran (by hand, or by something roar did not see). */
  | { kind: "input-modified"; path: string }
  | { kind: "input-missing"; path: string }
  /** A step this job depends on is itself stale. */
  | { kind: "upstream-stale"; step: number };

/**
 * Stale jobs and why. A job is stale when something it consumed is no longer the current content at
 * that path: the current producer of the path wrote other content, or the file on disk differs or is
 * gone. Everything downstream of a stale job is stale too (to a fixpoint). Superseded runs are
 * history and never stale.
 */
export function computeStaleness(
  graph: PipelineGraph,
  disk: DiskCheck,
  recordedHash: RecordedHash,
): Map<number, StaleReason[]> {
  const stale = new Map<number, StaleReason[]>();
  const add = (id: number, reason: StaleReason) => {
    const reasons = stale.get(id);
    if (reasons) reasons.push(reason);
    else stale.set(id, [reason]);
  };

  for (const job of graph.nodes) {
    if (job.supersededBy !== null) continue;
    for (const input of graph.inputsOf.get(job.id) ?? []) {
      // What the job read and then rewrote is its own output now: disk holds its result, not its input.
      if (input.alsoWritten) continue;
      if (input.producerId !== null && !input.matchesProducer) {
        const producer = graph.byId.get(input.producerId);
        add(job.id, { kind: "upstream-changed", path: input.path, step: producer?.step ?? -1 });
        continue;
      }
      const state = disk(
        input.path,
        job.endedAt,
        () => input.hash ?? recordedHash("input", job.id, input.path),
      );
      if (state === "modified") add(job.id, { kind: "input-modified", path: input.path });
      else if (state === "missing") add(job.id, { kind: "input-missing", path: input.path });
    }
  }

  // Propagate downstream, breadth first, so each job names the nearest stale step it depends on.
  const queue: number[] = [...stale.keys()];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    const step = graph.byId.get(id)!.step;
    for (const d of graph.dependents.get(id) ?? []) {
      const node = graph.byId.get(d)!;
      if (node.supersededBy !== null) continue;
      if (stale.has(d)) {
        const reasons = stale.get(d)!;
        if (!reasons.some((r) => r.kind === "upstream-stale" && r.step === step))
          reasons.push({ kind: "upstream-stale", step });
        continue;
      }
      stale.set(d, [{ kind: "upstream-stale", step }]);
      queue.push(d);
    }
  }
  return stale;
}

export function describeReason(reason: StaleReason): string {
  switch (reason.kind) {
    case "upstream-changed":
      return `${reason.path} changed: @${reason.step} re-ran with other output`;
    case "input-modified":
      return `${reason.path} was modified since it was read`;
    case "input-missing":
      return `${reason.path} is missing`;
    case "upstream-stale":
      return `depends on stale @${reason.step}`;
  }
}
