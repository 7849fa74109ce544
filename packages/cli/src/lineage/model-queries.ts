import type { DagArtifact, DagData, DagOptions, DagStep } from "./dag-data.js";
import type { IndexedDiskCheck } from "./disk-check.js";
import { ALSO_WRITTEN, hashAt, type LineageModel, MATCHES, pathAt, splitJoined } from "./lineage-model.js";
import { describeReason, type RecordedHash, type StaleReason } from "./staleness.js";
import type { StatusData } from "./status-data.js";

/*
 * `roar dag` and `roar status` over a LineageModel: the same answers as buildDagData and
 * buildStatusData give over a snapshot of the current runs (a test holds them side by side), with
 * jobs and files as numbers so that a pipeline of 100,000 files costs little more than its stats.
 */

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

/**
 * Stale jobs (by job index) and why: computeStaleness over the model. Insertion order, reasons and
 * their order are the same as computeStaleness gives for the same pipeline.
 */
export function modelStaleness(
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
  const n = m.jobId.length;
  for (let i = 0; i < n; i++) {
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

function dependencySteps(m: LineageModel, i: number): number[] {
  const from = m.depStart[i]!;
  const to = m.depStart[i + 1]!;
  if (from === to) return [];
  if (to - from === 1) return [m.step[m.depIndex[from]!]!];
  const steps = new Set<number>();
  for (let k = from; k < to; k++) steps.add(m.step[m.depIndex[k]!]!);
  return [...steps].sort((a, b) => a - b);
}

function consumerSteps(m: LineageModel, file: number): number[] {
  const from = m.consumerStart[file]!;
  const to = m.consumerStart[file + 1]!;
  if (from === to) return [];
  if (to - from === 1) return [m.consumerStep[from]!];
  return Array.from(m.consumerStep.subarray(from, to));
}

/** buildDagData for the current pipeline (not `expanded`), over the model. */
export function modelDagData(
  m: LineageModel,
  disk: IndexedDiskCheck,
  recordedHash: RecordedHash,
  options: DagOptions = {},
): DagData {
  const { data, artifacts } = modelDag(m, disk, recordedHash, options);
  if (options.artifacts) data.artifacts = [...artifacts()];
  return data;
}

/**
 * modelDagData with the artifact list left out of `data` and given as a generator instead, so a
 * writer can check and print 100,000 files one by one (`roar dag --format json`) instead of
 * holding them all.
 */
export function modelDag(
  m: LineageModel,
  disk: IndexedDiskCheck,
  recordedHash: RecordedHash,
  options: DagOptions = {},
): { data: DagData; artifacts: () => Generator<DagArtifact> } {
  const stale = modelStaleness(m, disk, recordedHash);
  const n = m.jobId.length;
  const uids = splitJoined(m.uid, n);
  const commands = splitJoined(m.command, n);
  const steps: DagStep[] = [];
  for (const i of m.order) {
    const reasons = stale.get(i);
    if (options.staleOnly && !reasons) continue;
    steps.push({
      step: m.step[i]!,
      uid: uids[i]!,
      command: commands[i]!,
      state: reasons ? "stale" : "active",
      dependencies: dependencySteps(m, i),
      consumed: m.consumed[i]!,
      produced: m.produced[i]!,
      reasons: reasons ? reasons.map(describeReason) : [],
    });
  }
  const staleSteps = options.staleOnly ? new Set([...stale.keys()].map((i) => m.step[i]!)) : null;
  return {
    data: { summary: { steps: n, stale: stale.size }, steps, artifacts: [] },
    artifacts: () => modelArtifacts(m, disk, staleSteps),
  };
}

/** The artifact list in path order, each file checked on disk as it is reached. */
function* modelArtifacts(
  m: LineageModel,
  disk: IndexedDiskCheck,
  staleSteps: Set<number> | null,
): Generator<DagArtifact> {
  if (!m.hasArtifacts) throw new Error("lineage model built without its artifacts");
  const count = m.pathEnd.length;
  for (let file = 0; file < count; file++) {
    const producerIndex = m.producer[file]!;
    const producer = producerIndex === -1 ? null : m.step[producerIndex]!;
    const consumers = consumerSteps(m, file);
    if (
      staleSteps &&
      !(producer !== null && staleSteps.has(producer)) &&
      !consumers.some((c) => staleSteps.has(c))
    )
      continue;
    const hash = hashAt(m, file);
    const onDisk = disk(file, m.recordedAt[file]!, () => hash);
    yield {
      path: pathAt(m, file),
      hash,
      state: onDisk === "same" ? "current" : onDisk,
      producer,
      consumers,
      terminal: m.terminal[file] === 1,
    };
  }
}

/** buildStatusData over the model. */
export function modelStatusData(
  m: LineageModel,
  disk: IndexedDiskCheck,
  recordedHash: RecordedHash,
): StatusData {
  if (!m.hasArtifacts) throw new Error("lineage model built without its artifacts");
  const stale = modelStaleness(m, disk, recordedHash);
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
