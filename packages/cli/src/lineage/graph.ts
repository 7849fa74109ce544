import { type InputEdge, isCurrent, type JobNode, type Snapshot } from "./snapshot.js";

/**
 * The pipeline as a graph of jobs. Job B depends on job A when B consumed a path that A produced.
 * Only current runs (superseded_by IS NULL) take part unless `includeSuperseded`: superseded runs are
 * history, linked to the run that produced the exact content they consumed.
 */
export interface PipelineGraph {
  /** The jobs in the graph, ordered by id. */
  nodes: JobNode[];
  byId: Map<number, JobNode>;
  /** job id → ids of the jobs it depends on (unique, ascending). */
  deps: Map<number, number[]>;
  /** job id → ids of the jobs that depend on it (unique, ascending). */
  dependents: Map<number, number[]>;
  /** job id → the files it read. */
  inputsOf: Map<number, InputEdge[]>;
}

export interface BuildGraphOptions {
  includeSuperseded?: boolean;
}

export function buildGraph(snapshot: Snapshot, options: BuildGraphOptions = {}): PipelineGraph {
  const nodes = options.includeSuperseded ? snapshot.jobs : snapshot.jobs.filter(isCurrent);
  const byId = new Map<number, JobNode>();
  const deps = new Map<number, number[]>();
  const dependents = new Map<number, number[]>();
  const inputsOf = new Map<number, InputEdge[]>();
  for (const job of nodes) {
    byId.set(job.id, job);
    deps.set(job.id, []);
    dependents.set(job.id, []);
    inputsOf.set(job.id, []);
  }
  for (const edge of snapshot.inputs) {
    const job = byId.get(edge.jobId);
    if (!job) continue;
    inputsOf.get(job.id)!.push(edge);
    // History links to the run that wrote exactly what was read; the current pipeline to the current writer.
    const producerId = isCurrent(job) ? edge.producerId : (edge.contentProducerId ?? edge.producerId);
    if (producerId === null || producerId === job.id) continue;
    const producer = byId.get(producerId);
    // A job that re-reads its own step's file is not its own dependency.
    if (!producer || producer.step === job.step) continue;
    deps.get(job.id)!.push(producerId);
  }
  for (const job of nodes) {
    const sorted = [...new Set(deps.get(job.id))].sort((a, b) => a - b);
    deps.set(job.id, sorted);
    for (const dep of sorted) dependents.get(dep)!.push(job.id);
  }
  for (const list of dependents.values()) list.sort((a, b) => a - b);
  return { nodes, byId, deps, dependents, inputsOf };
}

/**
 * Pipeline order: every job after the jobs it depends on; ties (and cycles, which a pipeline that
 * rewrites its own inputs can form) broken by step number, then id, so the order is stable.
 */
export function topoOrder(graph: PipelineGraph): JobNode[] {
  const remaining = new Map<number, number>();
  for (const job of graph.nodes) remaining.set(job.id, graph.deps.get(job.id)?.length ?? 0);
  const key = (job: JobNode) => job.step * 2 ** 32 + job.id;
  const heap = new MinHeap<JobNode>(key);
  for (const job of graph.nodes) if (remaining.get(job.id) === 0) heap.push(job);
  const order: JobNode[] = [];
  const done = new Set<number>();
  // Nodes still waiting, in pipeline order, for breaking a cycle deterministically.
  const byKey = [...graph.nodes].sort((a, b) => key(a) - key(b));
  let cursor = 0;
  while (order.length < graph.nodes.length) {
    let next = heap.pop();
    if (!next) {
      while (done.has(byKey[cursor]!.id)) cursor++;
      next = byKey[cursor]!;
    }
    if (done.has(next.id)) continue;
    done.add(next.id);
    order.push(next);
    for (const d of graph.dependents.get(next.id) ?? []) {
      const left = (remaining.get(d) ?? 0) - 1;
      remaining.set(d, left);
      if (left === 0 && !done.has(d)) heap.push(graph.byId.get(d)!);
    }
  }
  return order;
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly key: (item: T) => number) {}

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(items[parent]!) <= this.key(items[i]!)) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.key(items[l]!) < this.key(items[m]!)) m = l;
        if (r < items.length && this.key(items[r]!) < this.key(items[m]!)) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i]!, items[m]!];
        i = m;
      }
    }
    return top;
  }
}
