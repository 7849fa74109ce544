import { type ArtifactEntry, collectArtifacts } from "./dag-data.js";
import { buildGraph, type PipelineGraph, topoOrder } from "./graph.js";
import type { JobNode, Snapshot } from "./snapshot.js";

/**
 * The current pipeline as far as the store alone decides it: the jobs, who depends on whom, their
 * pipeline order and every file with its producer and consumers. `roar dag` and `roar status` add
 * what the disk says now (model-queries.ts); this part only changes when a job is recorded, so it is
 * cached between commands (model-cache.ts).
 *
 * Jobs are indexed 0..n-1 in id order, files 0..m-1 in path order. Everything is typed arrays and
 * joined strings: v8 (de)serialises those as flat copies, and the queries over them allocate little,
 * where 100,000 small objects would cost more in GC than the queries they replace.
 */
export interface LineageModel {
  jobId: Int32Array;
  step: Int32Array;
  consumed: Int32Array;
  produced: Int32Array;
  startedAt: Float64Array;
  endedAt: Float64Array;
  uid: string;
  command: string;
  cwd: string;
  /** CSR: the jobs job i depends on, as job indices (ascending). */
  depStart: Int32Array;
  depIndex: Int32Array;
  /** Pipeline order, as job indices. */
  order: Int32Array;
  /** CSR: the files job i read. */
  inputStart: Int32Array;
  inputPath: Int32Array;
  /** Job index of the path's current writer; -1 for none. */
  inputProducer: Int32Array;
  /** 1: the producer wrote what was read; 2: the job also wrote the path. */
  inputFlags: Uint8Array;
  /**
   * False for a model of the steps only (what `roar dag` without artifacts needs; see
   * buildPipelineModel): its files are only those the steps read, and it has no hashes, producers
   * or consumers.
   */
  hasArtifacts: boolean;
  /** Artifact paths (sorted), concatenated; path i ends at pathEnd[i]. Inputs point into them. */
  paths: string;
  pathEnd: Int32Array;
  /** Recorded content hashes, concatenated like the paths; null when loaded without them. */
  hashes: string | null;
  hashEnd: Int32Array | null;
  /** Job index of the file's current writer; -1 for a source file. */
  producer: Int32Array;
  terminal: Uint8Array;
  recordedAt: Float64Array;
  /** CSR: consumer steps of artifact i. */
  consumerStart: Int32Array;
  consumerStep: Int32Array;
}

export const MATCHES = 1;
export const ALSO_WRITTEN = 2;

/** NUL cannot occur in an argv string or a path. */
const join = (items: readonly string[]) => items.join("\0");
export const splitJoined = (text: string, count: number) => (count === 0 ? [] : text.split("\0"));

function concat(items: readonly string[]): [string, Int32Array] {
  const ends = new Int32Array(items.length);
  let at = 0;
  items.forEach((item, i) => {
    at += item.length;
    ends[i] = at;
  });
  return [items.join(""), ends];
}

/** Path i of the model. */
export function pathAt(model: LineageModel, i: number): string {
  return model.paths.slice(i === 0 ? 0 : model.pathEnd[i - 1]!, model.pathEnd[i]!);
}

/** Recorded hash of file i of the model. */
export function hashAt(model: LineageModel, i: number): string {
  const { hashes, hashEnd } = model;
  if (hashes === null || hashEnd === null) throw new Error("lineage model loaded without hashes");
  return hashes.slice(i === 0 ? 0 : hashEnd[i - 1]!, hashEnd[i]!);
}

/**
 * The model from a snapshot of the current runs loaded `withOutputs` and `withHashes`, through the
 * graph code itself: the reference that buildModelFromDb (model-from-db.ts, what the cache is built
 * with) is tested against.
 */
export function buildLineageModel(snapshot: Snapshot): LineageModel {
  const graph = buildGraph(snapshot);
  return encodeModel(graph, topoOrder(graph), collectArtifacts(snapshot, graph));
}

function encodeModel(graph: PipelineGraph, order: JobNode[], artifacts: ArtifactEntry[]): LineageModel {
  const jobs = graph.nodes;
  const n = jobs.length;
  const indexOfJob = new Map<number, number>();
  for (const [i, job] of jobs.entries()) indexOfJob.set(job.id, i);
  const indexOfPath = new Map<string, number>();
  for (const [i, a] of artifacts.entries()) indexOfPath.set(a.path, i);

  const depStart = new Int32Array(n + 1);
  const depIndex: number[] = [];
  const inputStart = new Int32Array(n + 1);
  const inputPath: number[] = [];
  const inputProducer: number[] = [];
  const inputFlags: number[] = [];
  jobs.forEach((job, i) => {
    for (const d of graph.deps.get(job.id) ?? []) depIndex.push(indexOfJob.get(d)!);
    depStart[i + 1] = depIndex.length;
    for (const edge of graph.inputsOf.get(job.id) ?? []) {
      const p = indexOfPath.get(edge.path);
      if (p === undefined) throw new Error(`lineage model: input ${edge.path} is not an artifact`);
      inputPath.push(p);
      inputProducer.push(edge.producerId === null ? -1 : indexOfJob.get(edge.producerId)!);
      inputFlags.push((edge.matchesProducer ? MATCHES : 0) | (edge.alsoWritten ? ALSO_WRITTEN : 0));
    }
    inputStart[i + 1] = inputPath.length;
  });
  const consumerStart = new Int32Array(artifacts.length + 1);
  const consumerStep: number[] = [];
  artifacts.forEach((a, i) => {
    for (const c of a.consumers) consumerStep.push(c);
    consumerStart[i + 1] = consumerStep.length;
  });
  const [paths, pathEnd] = concat(artifacts.map((a) => a.path));
  const [hashes, hashEnd] = concat(artifacts.map((a) => a.hash));
  return {
    jobId: Int32Array.from(jobs, (j) => j.id),
    step: Int32Array.from(jobs, (j) => j.step),
    consumed: Int32Array.from(jobs, (j) => j.consumed),
    produced: Int32Array.from(jobs, (j) => j.produced),
    startedAt: Float64Array.from(jobs, (j) => j.startedAt),
    endedAt: Float64Array.from(jobs, (j) => j.endedAt),
    uid: join(jobs.map((j) => j.uid)),
    command: join(jobs.map((j) => j.command)),
    cwd: join(jobs.map((j) => j.cwd)),
    depStart,
    depIndex: Int32Array.from(depIndex),
    order: Int32Array.from(order, (j) => indexOfJob.get(j.id)!),
    inputStart,
    inputPath: Int32Array.from(inputPath),
    inputProducer: Int32Array.from(inputProducer),
    inputFlags: Uint8Array.from(inputFlags),
    hasArtifacts: true,
    paths,
    pathEnd,
    hashes,
    hashEnd,
    producer: Int32Array.from(artifacts, (a) => (a.producerId === -1 ? -1 : indexOfJob.get(a.producerId)!)),
    terminal: Uint8Array.from(artifacts, (a) => (a.terminal ? 1 : 0)),
    recordedAt: Float64Array.from(artifacts, (a) => a.recordedAt),
    consumerStart,
    consumerStep: Int32Array.from(consumerStep),
  };
}
