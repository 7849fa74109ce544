import type { IndexedDiskCheck, RecordedHash } from "./disk-check.js";
import { hashAt, type LineageModel, pathAt, splitJoined } from "./lineage-model.js";
import { computeStaleness, describeReason } from "./staleness.js";

export type StepState = "active" | "stale" | "superseded";
export type ArtifactState = "current" | "modified" | "missing";

/** `roar dag --format json`: one entry per step, in pipeline (topological) order. Stable. */
export interface DagStep {
  step: number;
  uid: string;
  command: string;
  state: StepState;
  /** Steps this one consumed a file from. */
  dependencies: number[];
  /** Number of files the step read / wrote. */
  consumed: number;
  produced: number;
  /** Why the step is stale, one plain sentence each; empty unless state is "stale". */
  reasons: string[];
}

/** Every file the current pipeline reads or writes. */
export interface DagArtifact {
  path: string;
  /** The recorded content: what its producer wrote, or for a source file what was last read. */
  hash: string;
  /** The file on disk compared with `hash`. */
  state: ArtifactState;
  /** The step that writes it; null for a source file (read, never written by a recorded step). */
  producer: number | null;
  consumers: number[];
  /** Written by a step and read by none: a final product of the pipeline. */
  terminal: boolean;
}

export interface DagData {
  /** The whole current pipeline, whatever the filters: number of steps, and how many are stale. */
  summary: { steps: number; stale: number };
  steps: DagStep[];
  artifacts: DagArtifact[];
}

export interface DagOptions {
  /** Only stale steps (artifacts: only those a stale step reads or writes). */
  staleOnly?: boolean;
  /** Build the artifact list (needs a model built with its artifacts). */
  artifacts?: boolean;
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

/**
 * `roar dag` over a model: the steps in pipeline order, each with its state now, and with
 * `options.artifacts` every file with its state on disk. A model with its history (addHistory)
 * shows the superseded runs too, as steps of state "superseded".
 */
export function buildDagData(
  m: LineageModel,
  disk: IndexedDiskCheck,
  recordedHash: RecordedHash,
  options: DagOptions = {},
): DagData {
  const { data, artifacts } = buildDag(m, disk, recordedHash, options);
  if (options.artifacts) data.artifacts = [...artifacts()];
  return data;
}

/**
 * buildDagData with the artifact list left out of `data` and given as a generator instead, so a
 * writer can check and print 100,000 files one by one (`roar dag --format json`) instead of
 * holding them all.
 */
export function buildDag(
  m: LineageModel,
  disk: IndexedDiskCheck,
  recordedHash: RecordedHash,
  options: DagOptions = {},
): { data: DagData; artifacts: () => Generator<DagArtifact> } {
  const stale = computeStaleness(m, disk, recordedHash);
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
      state: i >= m.current ? "superseded" : reasons ? "stale" : "active",
      dependencies: dependencySteps(m, i),
      consumed: m.consumed[i]!,
      produced: m.produced[i]!,
      reasons: reasons ? reasons.map(describeReason) : [],
    });
  }
  const staleSteps = options.staleOnly ? new Set([...stale.keys()].map((i) => m.step[i]!)) : null;
  return {
    data: { summary: { steps: m.current, stale: stale.size }, steps, artifacts: [] },
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
