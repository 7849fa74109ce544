/**
 * Plain data the lineage logic works on: every job with its inputs and outputs, as loaded from the
 * store in a few bulk queries (see load-snapshot.ts). Everything in src/lineage is a pure function
 * over this shape, so it is testable without a CLI or a database.
 */

export interface ArtifactEdge {
  path: string;
  hash: string;
}

export interface JobNode {
  id: number; // jobs.id: insertion order, so a producer always has a smaller id than its consumers
  uid: string;
  step: number;
  command: string;
  status: string;
  exitCode: number | null;
  supersededBy: number | null;
  startedAt: number;
  cwd: string;
  inputs: ArtifactEdge[];
  outputs: ArtifactEdge[];
}

export interface Snapshot {
  /** Ordered by id. */
  jobs: JobNode[];
}

export function isCurrent(job: JobNode): boolean {
  return job.supersededBy === null;
}
