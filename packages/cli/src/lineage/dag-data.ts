import { buildGraph, topoOrder } from "./graph.js";
import type { Snapshot } from "./snapshot.js";
import { computeStaleness, type DiskCheck, describeReason } from "./staleness.js";

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
  steps: DagStep[];
  artifacts: DagArtifact[];
}

export interface DagOptions {
  /** Include superseded runs as steps of state "superseded". */
  expanded?: boolean;
  /** Only stale steps (artifacts: only those a stale step reads or writes). */
  staleOnly?: boolean;
}

export function buildDagData(snapshot: Snapshot, disk: DiskCheck, options: DagOptions = {}): DagData {
  const graph = buildGraph(snapshot, { includeSuperseded: options.expanded });
  const stale = computeStaleness(graph, disk);
  const steps: DagStep[] = [];
  for (const job of topoOrder(graph)) {
    const state: StepState = job.supersededBy !== null ? "superseded" : stale.has(job.id) ? "stale" : "active";
    if (options.staleOnly && state !== "stale") continue;
    steps.push({
      step: job.step,
      uid: job.uid,
      command: job.command,
      state,
      dependencies: [...new Set((graph.deps.get(job.id) ?? []).map((id) => graph.byId.get(id)!.step))].sort(
        (a, b) => a - b,
      ),
      consumed: job.inputs.length,
      produced: job.outputs.length,
      reasons: (stale.get(job.id) ?? []).map(describeReason),
    });
  }

  const artifacts = new Map<string, DagArtifact>();
  const staleSteps = options.staleOnly ? new Set(steps.map((s) => s.step)) : null;
  for (const job of graph.nodes) {
    if (job.supersededBy !== null) continue;
    for (const out of job.outputs) {
      if (graph.producerByPath.get(out.path) !== job) continue;
      artifacts.set(out.path, {
        path: out.path,
        hash: out.hash,
        state: "current",
        producer: job.step,
        consumers: [],
        terminal: true,
      });
    }
  }
  for (const job of graph.nodes) {
    if (job.supersededBy !== null) continue;
    for (const input of job.inputs) {
      let artifact = artifacts.get(input.path);
      if (!artifact) {
        artifact = { path: input.path, hash: input.hash, state: "current", producer: null, consumers: [], terminal: false };
        artifacts.set(input.path, artifact);
      }
      if (artifact.producer === job.step) continue;
      if (artifact.producer === null) artifact.hash = input.hash; // the latest read wins (jobs are in id order)
      artifact.consumers.push(job.step);
      artifact.terminal = false;
    }
  }
  const list: DagArtifact[] = [];
  for (const artifact of artifacts.values()) {
    if (staleSteps && !(artifact.producer !== null && staleSteps.has(artifact.producer)) && !artifact.consumers.some((c) => staleSteps.has(c)))
      continue;
    const onDisk = disk(artifact.path, artifact.hash);
    artifact.state = onDisk === "same" ? "current" : onDisk;
    artifact.consumers.sort((a, b) => a - b);
    list.push(artifact);
  }
  list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { steps, artifacts: list };
}
