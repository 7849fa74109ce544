import { buildGraph, type PipelineGraph, topoOrder } from "./graph.js";
import type { JobNode, Snapshot } from "./snapshot.js";
import { computeStaleness, type DiskCheck, describeReason, type RecordedHash } from "./staleness.js";

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
  /** Include superseded runs as steps of state "superseded". */
  expanded?: boolean;
  /** Only stale steps (artifacts: only those a stale step reads or writes). */
  staleOnly?: boolean;
  /** Build the artifact list (needs a snapshot loaded `withOutputs` and `withHashes`). */
  artifacts?: boolean;
}

/** One file of the current pipeline before its disk check (see collectArtifacts). */
export interface ArtifactEntry {
  path: string;
  hash: string;
  /** Step / job id of its current writer; null / -1 for a source file. */
  producer: number | null;
  producerId: number;
  /** Unique, ascending. */
  consumers: number[];
  terminal: boolean;
  /** When the recorded content was written (producer) or last read (source), unix ms. */
  recordedAt: number;
}

export function buildDagData(
  snapshot: Snapshot,
  disk: DiskCheck,
  recordedHash: RecordedHash,
  options: DagOptions = {},
): DagData {
  const graph = buildGraph(snapshot, { includeSuperseded: options.expanded });
  return buildDagDataFromGraph(
    graph,
    topoOrder(graph),
    options.artifacts ? collectArtifacts(snapshot, graph) : [],
    disk,
    recordedHash,
    options,
  );
}

/**
 * The disk-dependent half of `roar dag`: the graph, its order and the artifact list only depend on
 * the store, so they can come from a cache (see model-cache.ts); staleness and artifact states are
 * always computed from the disk now.
 */
export function buildDagDataFromGraph(
  graph: PipelineGraph,
  order: readonly JobNode[],
  artifactEntries: readonly ArtifactEntry[],
  disk: DiskCheck,
  recordedHash: RecordedHash,
  options: DagOptions = {},
): DagData {
  const stale = computeStaleness(graph, disk, recordedHash);
  const steps: DagStep[] = [];
  for (const job of order) {
    const state: StepState =
      job.supersededBy !== null ? "superseded" : stale.has(job.id) ? "stale" : "active";
    if (options.staleOnly && state !== "stale") continue;
    steps.push({
      step: job.step,
      uid: job.uid,
      command: job.command,
      state,
      dependencies: dependencySteps(graph, job.id),
      consumed: job.consumed,
      produced: job.produced,
      reasons: (stale.get(job.id) ?? []).map(describeReason),
    });
  }
  let current = 0;
  for (const job of graph.nodes) if (job.supersededBy === null) current++;
  return {
    summary: { steps: current, stale: stale.size },
    steps,
    artifacts: options.artifacts ? checkArtifacts(artifactEntries, graph, disk, stale, options) : [],
  };
}

function dependencySteps(graph: PipelineGraph, id: number): number[] {
  const deps = graph.deps.get(id) ?? [];
  if (deps.length === 0) return [];
  if (deps.length === 1) return [graph.byId.get(deps[0]!)!.step];
  return [...new Set(deps.map((d) => graph.byId.get(d)!.step))].sort((a, b) => a - b);
}

/**
 * Every file the current pipeline reads or writes, sorted by path, without looking at the disk.
 * Needs a snapshot loaded `withOutputs` and `withHashes`.
 */
export function collectArtifacts(snapshot: Snapshot, graph: PipelineGraph): ArtifactEntry[] {
  const artifacts = new Map<string, ArtifactEntry>();
  // Outputs come in job id order: a later writer of the same path holds its current content.
  for (const out of snapshot.outputs) {
    const job = graph.byId.get(out.jobId);
    if (!job) continue;
    artifacts.set(out.path, {
      path: out.path,
      hash: out.hash ?? "",
      producer: job.step,
      producerId: job.id,
      consumers: [],
      terminal: true,
      recordedAt: job.endedAt,
    });
  }
  for (const input of snapshot.inputs) {
    const job = graph.byId.get(input.jobId);
    if (!job || job.supersededBy !== null) continue;
    let artifact = artifacts.get(input.path);
    if (!artifact) {
      artifact = {
        path: input.path,
        hash: input.hash ?? "",
        producer: null,
        producerId: -1,
        consumers: [],
        terminal: false,
        recordedAt: job.endedAt,
      };
      artifacts.set(input.path, artifact);
    }
    if (artifact.producer === job.step) continue;
    if (artifact.producer === null && input.hash !== undefined) {
      artifact.hash = input.hash; // a source file: the latest read wins (inputs are in job id order)
      artifact.recordedAt = job.endedAt;
    }
    artifact.consumers.push(job.step);
    artifact.terminal = false;
  }
  // The default sort compares UTF-16 code units, as `<` does, at half the cost of a comparator.
  const list = [...artifacts.keys()].sort().map((p) => artifacts.get(p)!);
  for (const a of list)
    if (a.consumers.length > 1) a.consumers = [...new Set(a.consumers)].sort((x, y) => x - y);
  return list;
}

/** The artifact list with each file's state on disk now. */
function checkArtifacts(
  entries: readonly ArtifactEntry[],
  graph: PipelineGraph,
  disk: DiskCheck,
  stale: Map<number, unknown>,
  options: DagOptions,
): DagArtifact[] {
  const staleSteps = options.staleOnly
    ? new Set([...stale.keys()].map((id) => graph.byId.get(id)!.step))
    : null;
  const list: DagArtifact[] = [];
  for (const entry of entries) {
    if (
      staleSteps &&
      !(entry.producer !== null && staleSteps.has(entry.producer)) &&
      !entry.consumers.some((c) => staleSteps.has(c))
    )
      continue;
    const onDisk = disk(entry.path, entry.recordedAt, () => entry.hash);
    list.push({
      path: entry.path,
      hash: entry.hash,
      state: onDisk === "same" ? "current" : onDisk,
      producer: entry.producer,
      consumers: entry.consumers,
      terminal: entry.terminal,
    });
  }
  return list;
}
