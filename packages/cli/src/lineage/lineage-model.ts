/**
 * The current pipeline as far as the store alone decides it: the jobs, who depends on whom, their
 * pipeline order and every file with its producer and consumers. `roar dag` and `roar status` add
 * what the disk says now (dag-data.ts, status-data.ts); this part only changes when a job is
 * recorded, so it is cached between commands (model-cache.ts).
 *
 * Jobs are indexed 0..n-1: the current runs in id order, then, only in a model with its history
 * (addHistory in model-from-db.ts), the superseded runs in id order. Files are indexed 0..m-1 in
 * path order. Everything is typed arrays and joined strings: v8 (de)serialises those as flat copies,
 * and the queries over them allocate little, where 100,000 small objects would cost more in GC than
 * the queries they replace.
 */
export interface LineageModel {
  /** Number of current runs: jobs 0..current-1. Any jobs after them are superseded runs (history). */
  current: number;
  jobId: Int32Array;
  step: Int32Array;
  consumed: Int32Array;
  produced: Int32Array;
  startedAt: Float64Array;
  endedAt: Float64Array;
  uid: string;
  command: string;
  cwd: string;
  /**
   * CSR: the jobs job i depends on, as job indices (unique; ascending for current runs). A current
   * run depends on the current writers of what it read; a superseded run on the runs that wrote
   * exactly what it read.
   */
  depStart: Int32Array;
  depIndex: Int32Array;
  /** Pipeline order, as job indices. */
  order: Int32Array;
  /** CSR: the files job i read (none for a superseded run: history is never stale). */
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

/** Strings joined with NUL, which cannot occur in an argv string or a path. */
export const splitJoined = (text: string, count: number) => (count === 0 ? [] : text.split("\0"));

/** Strings concatenated, with where each ends: one string and one typed array instead of many strings. */
export function concat(items: readonly string[]): [string, Int32Array] {
  const ends = new Int32Array(items.length);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    at += items[i]!.length;
    ends[i] = at;
  }
  return [items.join(""), ends];
}

/** Path i of the model. */
export function pathAt(model: Pick<LineageModel, "paths" | "pathEnd">, i: number): string {
  return model.paths.slice(i === 0 ? 0 : model.pathEnd[i - 1]!, model.pathEnd[i]!);
}

/** Recorded hash of file i of the model. */
export function hashAt(model: LineageModel, i: number): string {
  const { hashes, hashEnd } = model;
  if (hashes === null || hashEnd === null) throw new Error("lineage model loaded without hashes");
  return hashes.slice(i === 0 ? 0 : hashEnd[i - 1]!, hashEnd[i]!);
}
