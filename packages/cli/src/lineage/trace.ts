export interface ArtifactEdge {
  path: string;
  hash: string;
}

/** What `traceLineage` needs from the store; see lineage-source.ts for the SQLite one. */
export interface LineageSource {
  /** Jobs that wrote `path`, newest first. */
  writersOf(path: string): { jobId: number; hash: string; current: boolean }[];
  /** Whether any job read `path`. */
  wasRead(path: string): boolean;
  /** The newest job before `beforeJobId` that wrote exactly `hash` at `path`. */
  producerOf(path: string, hash: string, beforeJobId: number): number | null;
  job(id: number): LineageJobRecord;
}

export interface LineageJobRecord {
  id: number;
  uid: string;
  step: number;
  command: string;
  exitCode: number | null;
  status: string;
  superseded: boolean;
  startedAt: number;
  inputs: ArtifactEdge[];
  outputs: ArtifactEdge[];
  pythons: { version: string; implementation: string; abiTag: string; executable: string }[];
}

export interface LineageJob extends Omit<LineageJobRecord, "id" | "inputs"> {
  /** Each input with the step whose run wrote that exact content (null: a source file). */
  inputs: (ArtifactEdge & { producer: number | null })[];
}

/** `roar lineage --json`. Stable. */
export interface LineageData {
  path: string;
  /** The content the lineage is of: the last recorded version of the file. */
  hash: string;
  /** The file on disk compared with `hash`. */
  onDisk: "same" | "modified" | "missing";
  /** No recorded job wrote the file: it is a source the pipeline reads. */
  source: boolean;
  /** Every job that led to `hash`, oldest first (each after the jobs it consumed from). */
  jobs: LineageJob[];
}

export class UnknownPathError extends Error {
  constructor(readonly path: string) {
    super(`no record of ${path}`);
    this.name = "UnknownPathError";
  }
}

/**
 * The upstream closure of a file's content: the run that wrote it, the runs that wrote exactly what
 * that run read, and so on. It follows content hashes, not only paths, so it reports the runs that
 * really led to this version, superseded ones included.
 *
 * `diskHash` is the file's content now (null: missing); when some run wrote exactly that, its
 * lineage is shown, else the last recorded version's.
 */
export function traceLineage(source: LineageSource, path: string, diskHash: string | null): LineageData {
  const writers = source.writersOf(path);
  if (writers.length === 0) {
    if (!source.wasRead(path)) throw new UnknownPathError(path);
    return {
      path,
      hash: diskHash ?? "",
      onDisk: diskHash === null ? "missing" : "same",
      source: true,
      jobs: [],
    };
  }
  const writer =
    writers.find((w) => w.hash === diskHash) ??
    writers.find((w) => w.current) ??
    (writers[0] as (typeof writers)[0]);
  const onDisk = diskHash === null ? "missing" : diskHash === writer.hash ? "same" : "modified";

  const records = new Map<number, LineageJobRecord>();
  const stack = [writer.jobId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (records.has(id)) continue;
    const record = source.job(id);
    records.set(id, record);
    for (const input of record.inputs) {
      const producer = source.producerOf(input.path, input.hash, id);
      if (producer !== null && !records.has(producer)) stack.push(producer);
    }
  }

  // Producers always precede consumers in insertion order, so id order is a topological order.
  const ordered = [...records.values()].sort((a, b) => a.id - b.id);
  const jobs: LineageJob[] = ordered.map(({ id, inputs, ...rest }) => ({
    ...rest,
    inputs: inputs.map((input) => {
      const producer = source.producerOf(input.path, input.hash, id);
      return { ...input, producer: producer === null ? null : (records.get(producer)?.step ?? null) };
    }),
  }));
  return { path, hash: writer.hash, onDisk, source: false, jobs };
}
