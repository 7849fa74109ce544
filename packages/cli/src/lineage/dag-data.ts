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

function consumerSteps(m: ArtifactColumns, file: number): number[] {
  const from = m.consumerStart[file]!;
  const to = m.consumerStart[file + 1]!;
  if (from === to) return [];
  if (to - from === 1) return [m.consumerStep[from]!];
  return Array.from(m.consumerStep.subarray(from, to));
}

/**
 * The artifact list as columns, one row per listed file (in path order): what a writer of 100,000
 * files wants, without an object per file. `model` gives the rest of each row (path, hash,
 * producer, consumers, terminal); artifactAt makes one row a DagArtifact.
 */
export interface DagArtifactRows {
  model: ArtifactColumns;
  /** The listed files, by number in the model. */
  files: Int32Array;
  /** Row k's state on disk, as an index into ARTIFACT_STATES. */
  states: Uint8Array;
}

/** What of a LineageModel the artifact rows are read from. */
export type ArtifactColumns = Pick<
  LineageModel,
  | "paths"
  | "pathEnd"
  | "hashes"
  | "hashEnd"
  | "plainText"
  | "producer"
  | "step"
  | "terminal"
  | "consumerStart"
  | "consumerStep"
>;

export const ARTIFACT_STATES: readonly ArtifactState[] = ["current", "modified", "missing"];

/** Row k of the artifact list as an object. */
export function artifactAt(rows: DagArtifactRows, k: number): DagArtifact {
  const m = rows.model;
  const file = rows.files[k]!;
  const producerIndex = m.producer[file]!;
  return {
    path: pathAt(m, file),
    hash: hashAt(m, file),
    state: ARTIFACT_STATES[rows.states[k]!]!,
    producer: producerIndex === -1 ? null : m.step[producerIndex]!,
    consumers: consumerSteps(m, file),
    terminal: m.terminal[file] === 1,
  };
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
  const { data, artifactRows } = buildDag(m, disk, recordedHash, options);
  if (options.artifacts) {
    const rows = artifactRows();
    data.artifacts = Array.from(rows.files, (_, k) => artifactAt(rows, k));
  }
  return data;
}

/**
 * buildDagData with the artifact list left out of `data` and given as columns instead, so a writer
 * can print 100,000 files (`roar dag --format json`) without making 100,000 objects first, and a
 * range of them at a time (files numbered from..to-1, path order) as their stats come in.
 */
export function buildDag(
  m: LineageModel,
  disk: IndexedDiskCheck,
  recordedHash: RecordedHash,
  options: DagOptions = {},
): { data: DagData; artifactRows: (from?: number, to?: number) => DagArtifactRows } {
  const stale = computeStaleness(m, disk, recordedHash);
  const n = m.jobId.length;
  const uids = splitJoined(m.uid, n);
  const commands = splitJoined(m.command, n);
  const steps: DagStep[] = [];
  for (let o = 0; o < m.order.length; o++) {
    const i = m.order[o]!;
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
    artifactRows: (from = 0, to = m.pathEnd.length) => modelArtifactRows(m, disk, staleSteps, from, to),
  };
}

/** The artifact list in path order (files numbered from..to-1), each file checked on disk. */
function modelArtifactRows(
  m: LineageModel,
  disk: IndexedDiskCheck,
  staleSteps: Set<number> | null,
  from: number,
  to: number,
): DagArtifactRows {
  if (!m.hasArtifacts) throw new Error("lineage model built without its artifacts");
  const files = new Int32Array(to - from);
  const states = new Uint8Array(to - from);
  let rows = 0;
  const recordedHash = (file: number) => hashAt(m, file);
  for (let file = from; file < to; file++) {
    if (staleSteps && !touchesStep(m, file, staleSteps)) continue;
    const onDisk = disk(file, m.recordedAt[file]!, recordedHash);
    files[rows] = file;
    states[rows] = onDisk === "same" ? 0 : onDisk === "modified" ? 1 : 2;
    rows++;
  }
  return { model: m, files: files.subarray(0, rows), states: states.subarray(0, rows) };
}

/** Whether one of `steps` writes or reads file number `file`. */
function touchesStep(m: LineageModel, file: number, steps: Set<number>): boolean {
  const producer = m.producer[file]!;
  if (producer !== -1 && steps.has(m.step[producer]!)) return true;
  for (let k = m.consumerStart[file]!; k < m.consumerStart[file + 1]!; k++)
    if (steps.has(m.consumerStep[k]!)) return true;
  return false;
}
