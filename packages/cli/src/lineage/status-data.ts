import type { IndexedDiskCheck, RecordedHash } from "./disk-check.js";
import { hashAt, type LineageModel, pathAt, splitJoined } from "./lineage-model.js";
import { computeStaleness, describeReason } from "./staleness.js";

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

/**
 * `roar status` over a model of the current runs: the outputs changed on disk, the stale steps and
 * what to re-run, in pipeline order.
 */
export function buildStatusData(
  m: LineageModel,
  disk: IndexedDiskCheck,
  recordedHash: RecordedHash,
): StatusData {
  if (!m.hasArtifacts) throw new Error("lineage model built without its artifacts");
  const stale = computeStaleness(m, disk, recordedHash);
  const changedOutputs: StatusData["changedOutputs"] = [];
  const rerun = new Set<number>(stale.keys());
  const count = m.pathEnd.length;
  for (let file = 0; file < count; file++) {
    const producer = m.producer[file]!;
    if (producer === -1) continue;
    const state = disk(file, m.recordedAt[file]!, () => hashAt(m, file));
    if (state === "same") continue;
    changedOutputs.push({ path: pathAt(m, file), state, step: m.step[producer]! });
    // A missing output is restored by its producer; a modified one was likely edited on purpose,
    // so only its consumers (already stale) need to run again.
    if (state === "missing") rerun.add(producer);
  }
  changedOutputs.sort((a, b) => a.step - b.step || (a.path < b.path ? -1 : 1));
  const n = m.jobId.length;
  const staleSteps: StatusData["staleSteps"] = [];
  const toRerun: StatusData["rerun"] = [];
  if (stale.size > 0 || rerun.size > 0) {
    const uids = splitJoined(m.uid, n);
    const commands = splitJoined(m.command, n);
    const cwds = splitJoined(m.cwd, n);
    for (const i of m.order) {
      const reasons = stale.get(i);
      if (reasons)
        staleSteps.push({
          step: m.step[i]!,
          uid: uids[i]!,
          command: commands[i]!,
          reasons: reasons.map(describeReason),
        });
      if (rerun.has(i)) toRerun.push({ step: m.step[i]!, command: commands[i]!, cwd: cwds[i]! });
    }
  }
  return {
    upToDate: changedOutputs.length === 0 && staleSteps.length === 0,
    changedOutputs,
    staleSteps,
    rerun: toRerun,
  };
}
