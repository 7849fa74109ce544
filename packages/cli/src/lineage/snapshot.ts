/**
 * Plain data the lineage logic works on, as loaded from the store in a few bulk queries (see
 * load-snapshot.ts). Everything in src/lineage is a pure function over this shape.
 *
 * Content hashes are compared inside SQLite and not carried here: on a store of 100,000 artifacts,
 * turning every 64-char hash into a JS string would cost more than the whole graph computation.
 */

export interface JobNode {
  id: number; // jobs.id: insertion order, so a producer always has a smaller id than its consumers
  uid: string;
  step: number;
  command: string;
  status: string;
  exitCode: number | null;
  supersededBy: number | null;
  startedAt: number;
  /** When the job finished (unix ms): files it read or wrote and not touched since are as recorded. */
  endedAt: number;
  cwd: string;
  consumed: number;
  produced: number;
}

/** One file a job read. */
export interface InputEdge {
  jobId: number;
  path: string;
  /** The current run that writes this path (the latest, when several do); null for a source file. */
  producerId: number | null;
  /** That producer wrote exactly the content this job read. */
  matchesProducer: boolean;
  /** For superseded jobs (history): the run that wrote exactly what this job read. */
  contentProducerId: number | null;
  /** The job also wrote this path: on disk is its result now, not what it read. */
  alsoWritten: boolean;
  /** Only when loaded `withHashes`. */
  hash?: string;
}

/** One file a current job wrote, as the current content of that path (only when loaded `withOutputs`). */
export interface OutputEdge {
  jobId: number;
  path: string;
  /** Only when loaded `withHashes`. */
  hash?: string;
}

export interface Snapshot {
  /** Ordered by id. */
  jobs: JobNode[];
  inputs: InputEdge[];
  /** Outputs of current jobs; empty unless loaded `withOutputs`. */
  outputs: OutputEdge[];
}

export function isCurrent(job: JobNode): boolean {
  return job.supersededBy === null;
}
