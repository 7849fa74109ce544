import { buildGraph, type PipelineGraph, topoOrder } from "./graph.js";
import type { Snapshot } from "./snapshot.js";
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

export function buildDagData(
  snapshot: Snapshot,
  disk: DiskCheck,
  recordedHash: RecordedHash,
  options: DagOptions = {},
): DagData {
  const graph = buildGraph(snapshot, { includeSuperseded: options.expanded });
  const stale = computeStaleness(graph, disk, recordedHash);
  const steps: DagStep[] = [];
  for (const job of topoOrder(graph)) {
    const state: StepState =
      job.supersededBy !== null ? "superseded" : stale.has(job.id) ? "stale" : "active";
    if (options.staleOnly && state !== "stale") continue;
    steps.push({
      step: job.step,
      uid: job.uid,
      command: job.command,
      state,
      dependencies: [...new Set((graph.deps.get(job.id) ?? []).map((id) => graph.byId.get(id)!.step))].sort(
        (a, b) => a - b,
      ),
      consumed: job.consumed,
      produced: job.produced,
      reasons: (stale.get(job.id) ?? []).map(describeReason),
    });
  }
  const current = graph.nodes.filter((job) => job.supersededBy === null).length;
  return {
    summary: { steps: current, stale: stale.size },
    steps,
    artifacts: options.artifacts ? buildArtifacts(snapshot, graph, disk, stale, options) : [],
  };
}

/** Needs a snapshot loaded `withOutputs` and `withHashes`. */
function buildArtifacts(
  snapshot: Snapshot,
  graph: PipelineGraph,
  disk: DiskCheck,
  stale: Map<number, unknown>,
  options: DagOptions,
): DagArtifact[] {
  const artifacts = new Map<string, DagArtifact & { recordedAt: number }>();
  // Outputs come in job id order: a later writer of the same path holds its current content.
  for (const out of snapshot.outputs) {
    const job = graph.byId.get(out.jobId);
    if (!job) continue;
    artifacts.set(out.path, {
      path: out.path,
      hash: out.hash ?? "",
      state: "current",
      producer: job.step,
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
        state: "current",
        producer: null,
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
  const staleSteps = options.staleOnly
    ? new Set([...stale.keys()].map((id) => graph.byId.get(id)!.step))
    : null;
  const list: DagArtifact[] = [];
  for (const { recordedAt, ...artifact } of artifacts.values()) {
    if (
      staleSteps &&
      !(artifact.producer !== null && staleSteps.has(artifact.producer)) &&
      !artifact.consumers.some((c) => staleSteps.has(c))
    )
      continue;
    const onDisk = disk(artifact.path, recordedAt, () => artifact.hash);
    artifact.state = onDisk === "same" ? "current" : onDisk;
    artifact.consumers = [...new Set(artifact.consumers)].sort((a, b) => a - b);
    list.push(artifact);
  }
  list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return list;
}
