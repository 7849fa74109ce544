import type { IndexedDiskCheck, RecordedHash } from "./disk-check.js";
import { ALSO_WRITTEN, type LineageModel, MATCHES, pathAt } from "./lineage-model.js";

export type StaleReason =
  /** The current run of the step that produces `path` wrote other content than this job consumed. */
  | { kind: "upstream-changed"; path: string; step: number }
  /** The file this job consumed was changed after it ran (by hand, or by something roar did not see). */
  | { kind: "input-modified"; path: string }
  | { kind: "input-missing"; path: string }
  /** A step this job depends on is itself stale. */
  | { kind: "upstream-stale"; step: number };

/**
 * Stale jobs (by job index) and why. A job is stale when something it consumed is no longer the
 * current content at that path: the current producer of the path wrote other content, or the file
 * on disk differs or is gone. Everything downstream of a stale job is stale too (to a fixpoint).
 * Superseded runs are history and never stale. Jobs come in index order, each with its reasons in
 * the order found: inputs in path order, then the stale steps it depends on, nearest first.
 */
export function computeStaleness(
  m: LineageModel,
  disk: IndexedDiskCheck,
  recordedHash: RecordedHash,
): Map<number, StaleReason[]> {
  const stale = new Map<number, StaleReason[]>();
  const add = (i: number, reason: StaleReason) => {
    const reasons = stale.get(i);
    if (reasons) reasons.push(reason);
    else stale.set(i, [reason]);
  };
  for (let i = 0; i < m.current; i++) {
    for (let k = m.inputStart[i]!; k < m.inputStart[i + 1]!; k++) {
      const flags = m.inputFlags[k]!;
      // What the job read and then rewrote is its own output now: disk holds its result, not its input.
      if (flags & ALSO_WRITTEN) continue;
      const file = m.inputPath[k]!;
      const producer = m.inputProducer[k]!;
      if (producer !== -1 && !(flags & MATCHES)) {
        add(i, { kind: "upstream-changed", path: pathAt(m, file), step: m.step[producer]! });
        continue;
      }
      const state = disk(file, m.endedAt[i]!, () => recordedHash("input", m.jobId[i]!, pathAt(m, file)));
      if (state === "modified") add(i, { kind: "input-modified", path: pathAt(m, file) });
      else if (state === "missing") add(i, { kind: "input-missing", path: pathAt(m, file) });
    }
  }
  if (stale.size === 0) return stale;
  // Propagate downstream, breadth first, so each job names the nearest stale step it depends on.
  const dependents = dependentsOf(m);
  const queue: number[] = [...stale.keys()];
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    const step = m.step[i]!;
    for (let k = dependents.start[i]!; k < dependents.start[i + 1]!; k++) {
      const d = dependents.index[k]!;
      if (d >= m.current) continue; // a superseded run
      const reasons = stale.get(d);
      if (reasons) {
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

/** Dependents of each job as CSR (ascending job indices), from the model's dependencies. */
function dependentsOf(m: LineageModel): { start: Int32Array; index: Int32Array } {
  const n = m.jobId.length;
  const start = new Int32Array(n + 1);
  for (let k = 0; k < m.depIndex.length; k++) start[m.depIndex[k]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const index = new Int32Array(m.depIndex.length);
  // Visiting jobs in index order leaves every list ascending.
  for (let i = 0; i < n; i++)
    for (let k = m.depStart[i]!; k < m.depStart[i + 1]!; k++) index[fill[m.depIndex[k]!]!++] = i;
  return { start, index };
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
