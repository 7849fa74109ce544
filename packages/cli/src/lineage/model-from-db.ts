import type Database from "better-sqlite3";
import { ALSO_WRITTEN, concat, type LineageModel, MATCHES } from "./lineage-model.js";
import { pipelineOrder } from "./pipeline-order.js";

type JobRow = [number, string, number, string, string, number, number];
type CountedJobRow = [...JobRow, number, number];
type FileRow = [number, string, string];

/**
 * The current pipeline's model straight from three queries into typed arrays, without an object per
 * job or file in between: the model is rebuilt by the first `roar dag` / `roar status` after every
 * recorded job, and on 100,000 files those objects cost more than the queries.
 */
export function buildModelFromDb(db: Database.Database): LineageModel {
  const jobs = jobColumns(
    db
      .prepare(
        `SELECT id, uid, step, command, cwd, started_at, duration_ms FROM jobs
         WHERE superseded_by IS NULL ORDER BY id`,
      )
      .raw(true)
      .all() as JobRow[],
  );
  const { step, consumed, produced, endedAt, indexOfJob } = jobs;
  const n = jobs.jobId.length;

  // Files as first seen; sorted by path at the end. Per file: its latest current writer (a later
  // writer holds the path's current content) and the one before, for "the latest writer other than
  // the reader"; the reader's own writes are looked up in `written`.
  const fileOf = new Map<string, number>();
  const paths: string[] = [];
  const hashes: string[] = [];
  const lastWriter: number[] = [];
  const prevWriter: number[] = [];
  const prevHash: string[] = [];
  const recordedAt: number[] = [];
  const writerCount: number[] = [];
  const writes: number[] = []; // job index, file; for files with more than two writers
  /** A file first seen, as written by `writer` (-1: a source file, read by `job`). */
  const addFile = (path: string, hash: string, writer: number, job: number) => {
    const file = paths.length;
    fileOf.set(path, file);
    paths.push(path);
    hashes.push(hash);
    lastWriter.push(writer);
    prevWriter.push(-1);
    prevHash.push("");
    recordedAt.push(endedAt[job]!);
    writerCount.push(writer === -1 ? 0 : 1);
    return file;
  };
  for (const [id, path, hash] of currentOutputs(db, indexOfJob)) {
    const job = indexOfJob.get(id)!;
    produced[job]!++;
    let file = fileOf.get(path);
    if (file === undefined) file = addFile(path, hash, job, job);
    else {
      prevWriter[file] = lastWriter[file]!;
      prevHash[file] = hashes[file]!;
      lastWriter[file] = job;
      hashes[file] = hash;
      recordedAt[file] = endedAt[job]!;
      writerCount[file]!++;
    }
    writes.push(job, file);
  }
  const written = new Set<number>();
  const writtenFiles = paths.length;
  for (let k = 0; k < writes.length; k += 2)
    if (writerCount[writes[k + 1]!]! > 2) written.add(writes[k]! * writtenFiles + writes[k + 1]!);
  const wrote = (job: number, file: number) =>
    file < writtenFiles &&
    (lastWriter[file] === job ||
      prevWriter[file] === job ||
      (writerCount[file]! > 2 && written.has(job * writtenFiles + file)));

  const inputRows = db
    .prepare(
      `SELECT i.job_id, i.path, i.artifact_hash FROM job_inputs i JOIN jobs c ON c.id = i.job_id
       WHERE c.superseded_by IS NULL ORDER BY i.job_id, i.path`,
    )
    .raw(true)
    .all() as FileRow[];
  const links = new InputLinks(n, inputRows.length);
  const consumerFile: number[] = [];
  const consumerStep: number[] = [];
  for (let k = 0; k < inputRows.length; k++) {
    const [id, path, hash] = inputRows[k]!;
    const reader = indexOfJob.get(id)!;
    consumed[reader]!++;
    // Not written by a current run: a source file.
    const file = fileOf.get(path) ?? addFile(path, hash, -1, reader);
    const last = lastWriter[file]!;
    const producer = last === reader ? prevWriter[file]! : last;
    const producerHash = last === reader ? prevHash[file]! : hashes[file]!;
    links.add(
      k,
      reader,
      file,
      producer,
      (producer !== -1 && producerHash === hash ? MATCHES : 0) | (wrote(reader, file) ? ALSO_WRITTEN : 0),
      step,
    );
    // The artifact list: a step's reading of its own output is not a consumer.
    if (last !== -1 && step[last] === step[reader]) continue;
    if (last === -1) {
      hashes[file] = hash; // a source file: the latest read wins (inputs are in job id order)
      recordedAt[file] = endedAt[reader]!;
    }
    consumerFile.push(file);
    consumerStep.push(step[reader]!);
  }
  links.finish();

  const { sorted, rank } = sortFiles(paths, fileOf, links.inputFile);
  const count = sorted.length;
  const sortedHashes: string[] = new Array(count);
  const producer = new Int32Array(count);
  const fileRecordedAt = new Float64Array(count);
  for (let f = 0; f < count; f++) {
    const at = rank[f]!;
    sortedHashes[at] = hashes[f]!;
    producer[at] = lastWriter[f]!;
    fileRecordedAt[at] = recordedAt[f]!;
  }
  // Consumers per file, unique and ascending by step; a file with none is terminal when written.
  const consumerStart = new Int32Array(count + 1);
  for (const f of consumerFile) consumerStart[rank[f]! + 1]!++;
  for (let f = 0; f < count; f++) consumerStart[f + 1]! += consumerStart[f]!;
  const fill = consumerStart.slice(0, count);
  const steps = new Int32Array(consumerFile.length);
  for (let k = 0; k < consumerFile.length; k++) steps[fill[rank[consumerFile[k]!]!]!++] = consumerStep[k]!;
  const uniqueSteps: number[] = [];
  const uniqueStart = new Int32Array(count + 1);
  const terminal = new Uint8Array(count);
  for (let f = 0; f < count; f++) {
    const from = consumerStart[f]!;
    const to = consumerStart[f + 1]!;
    if (to - from > 1)
      uniqueSteps.push(...new Set(Array.from(steps.subarray(from, to)).sort((a, b) => a - b)));
    else if (to > from) uniqueSteps.push(steps[from]!);
    uniqueStart[f + 1] = uniqueSteps.length;
    terminal[f] = producer[f] !== -1 && to === from ? 1 : 0;
  }

  const [joinedPaths, pathEnd] = concat(sorted);
  const [joinedHashes, hashEnd] = concat(sortedHashes);
  return {
    ...stepsOf(jobs, links),
    hasArtifacts: true,
    paths: joinedPaths,
    pathEnd,
    hashes: joinedHashes,
    hashEnd,
    producer,
    terminal,
    recordedAt: fileRecordedAt,
    consumerStart: uniqueStart,
    consumerStep: Int32Array.from(uniqueSteps),
  };
}

/**
 * The model of the steps only, for `roar dag` without artifacts: jobs, dependencies, order and what
 * each step read. "Which current run writes the path this job read" is answered inside SQLite for
 * the input rows alone (an index-only subquery each), so the 100,000 output rows are never read.
 */
export function buildPipelineModel(db: Database.Database): LineageModel {
  const jobs = jobColumns(
    db
      .prepare(
        `SELECT j.id, j.uid, j.step, j.command, j.cwd, j.started_at, j.duration_ms,
           (SELECT COUNT(*) FROM job_inputs i WHERE i.job_id = j.id),
           (SELECT COUNT(*) FROM job_outputs o WHERE o.job_id = j.id)
         FROM jobs j WHERE j.superseded_by IS NULL ORDER BY j.id`,
      )
      .raw(true)
      .all() as CountedJobRow[],
  );
  const { step, indexOfJob } = jobs;
  // The current writer of the path and whether it wrote what was read, packed in one integer
  // (id * 2 + same) so one correlated subquery answers both; an index on job_outputs(path, job_id,
  // artifact_hash) makes it index-only (see the store's migrations).
  const inputRows = db
    .prepare(
      `SELECT i.job_id, i.path,
         (SELECT o.job_id * 2 + (o.artifact_hash = i.artifact_hash) FROM job_outputs o JOIN jobs p ON p.id = o.job_id
           WHERE o.path = i.path AND p.superseded_by IS NULL AND o.job_id != i.job_id
           ORDER BY o.job_id DESC LIMIT 1),
         EXISTS (SELECT 1 FROM job_outputs w WHERE w.job_id = i.job_id AND w.path = i.path)
       FROM job_inputs i JOIN jobs c ON c.id = i.job_id WHERE c.superseded_by IS NULL
       ORDER BY i.job_id, i.path`,
    )
    .raw(true)
    .all() as [number, string, number | null, number][];
  const fileOf = new Map<string, number>();
  const paths: string[] = [];
  const links = new InputLinks(jobs.jobId.length, inputRows.length);
  for (let k = 0; k < inputRows.length; k++) {
    const [id, path, packed, alsoWritten] = inputRows[k]!;
    let file = fileOf.get(path);
    if (file === undefined) {
      file = paths.length;
      fileOf.set(path, file);
      paths.push(path);
    }
    links.add(
      k,
      indexOfJob.get(id)!,
      file,
      packed === null ? -1 : indexOfJob.get(Math.floor(packed / 2))!,
      (packed !== null && packed % 2 === 1 ? MATCHES : 0) | (alsoWritten === 1 ? ALSO_WRITTEN : 0),
      step,
    );
  }
  links.finish();
  const [joinedPaths, pathEnd] = concat(sortFiles(paths, fileOf, links.inputFile).sorted);
  return {
    ...stepsOf(jobs, links),
    hasArtifacts: false,
    paths: joinedPaths,
    pathEnd,
    hashes: null,
    hashEnd: null,
    producer: new Int32Array(0),
    terminal: new Uint8Array(0),
    recordedAt: new Float64Array(0),
    consumerStart: new Int32Array(0),
    consumerStep: new Int32Array(0),
  };
}

/**
 * The model with the superseded runs after the current ones, for `roar dag --expanded`. A superseded
 * run depends on the run that wrote exactly what it read (else the path's current writer); the
 * current runs, their files and their dependencies are the model's own.
 */
export function addHistory(db: Database.Database, model: LineageModel): LineageModel {
  const old = jobColumns(
    db
      .prepare(
        `SELECT j.id, j.uid, j.step, j.command, j.cwd, j.started_at, j.duration_ms,
           (SELECT COUNT(*) FROM job_inputs i WHERE i.job_id = j.id),
           (SELECT COUNT(*) FROM job_outputs o WHERE o.job_id = j.id)
         FROM jobs j WHERE j.superseded_by IS NOT NULL ORDER BY j.id`,
      )
      .raw(true)
      .all() as CountedJobRow[],
  );
  const extra = old.jobId.length;
  if (extra === 0) return model;
  const n = model.current;
  const total = n + extra;
  const indexOf = new Map<number, number>();
  for (let i = 0; i < n; i++) indexOf.set(model.jobId[i]!, i);
  for (let i = 0; i < extra; i++) indexOf.set(old.jobId[i]!, n + i);
  const step = Int32Array.from([...model.step, ...old.step]);
  const producerRows = db
    .prepare(
      `SELECT i.job_id, COALESCE(
         (SELECT o.job_id FROM job_outputs o
           WHERE o.path = i.path AND o.artifact_hash = i.artifact_hash AND o.job_id < i.job_id
           ORDER BY o.job_id DESC LIMIT 1),
         (SELECT o.job_id FROM job_outputs o JOIN jobs p ON p.id = o.job_id
           WHERE o.path = i.path AND p.superseded_by IS NULL AND o.job_id != i.job_id
           ORDER BY o.job_id DESC LIMIT 1))
       FROM job_inputs i JOIN jobs c ON c.id = i.job_id WHERE c.superseded_by IS NOT NULL
       ORDER BY i.job_id`,
    )
    .raw(true)
    .all() as [number, number | null][];
  const depsOf = new Map<number, Set<number>>();
  for (const [id, producerId] of producerRows) {
    if (producerId === null) continue;
    const reader = indexOf.get(id)!;
    const producer = indexOf.get(producerId);
    // A run that re-read its own step's file is not its own dependency.
    if (producer === undefined || step[producer] === step[reader]) continue;
    const set = depsOf.get(reader) ?? new Set<number>();
    set.add(producer);
    depsOf.set(reader, set);
  }
  const depStart = new Int32Array(total + 1);
  depStart.set(model.depStart);
  const depIndex = Array.from(model.depIndex);
  for (let i = n; i < total; i++) {
    depIndex.push(...[...(depsOf.get(i) ?? [])].sort((a, b) => a - b));
    depStart[i + 1] = depIndex.length;
  }
  const inputStart = new Int32Array(total + 1).fill(model.inputStart[n]!);
  inputStart.set(model.inputStart);
  const jobId = Int32Array.from([...model.jobId, ...old.jobId]);
  const joined = (current: string, more: string[]) => (n === 0 ? more : [current, ...more]).join("\0");
  return {
    ...model,
    jobId,
    step,
    consumed: Int32Array.from([...model.consumed, ...old.consumed]),
    produced: Int32Array.from([...model.produced, ...old.produced]),
    startedAt: Float64Array.from([...model.startedAt, ...old.startedAt]),
    endedAt: Float64Array.from([...model.endedAt, ...old.endedAt]),
    uid: joined(model.uid, old.uids),
    command: joined(model.command, old.commands),
    cwd: joined(model.cwd, old.cwds),
    depStart,
    depIndex: Int32Array.from(depIndex),
    order: pipelineOrder(jobId, step, depStart, depIndex),
    inputStart,
  };
}

type JobColumns = Pick<LineageModel, "jobId" | "step" | "consumed" | "produced" | "startedAt" | "endedAt"> & {
  uids: string[];
  commands: string[];
  cwds: string[];
  indexOfJob: Map<number, number>;
};

/** Job rows (with their input and output counts, or zeros to be counted by the caller) as columns. */
function jobColumns(rows: (JobRow | CountedJobRow)[]): JobColumns {
  const n = rows.length;
  const jobs: JobColumns = {
    jobId: new Int32Array(n),
    step: new Int32Array(n),
    consumed: new Int32Array(n),
    produced: new Int32Array(n),
    startedAt: new Float64Array(n),
    endedAt: new Float64Array(n),
    uids: new Array(n),
    commands: new Array(n),
    cwds: new Array(n),
    indexOfJob: new Map(),
  };
  for (let i = 0; i < n; i++) {
    const [id, uid, s, command, cwd, started, duration, inputs, outputs] = rows[i] as CountedJobRow;
    jobs.jobId[i] = id;
    jobs.step[i] = s;
    jobs.consumed[i] = inputs ?? 0;
    jobs.produced[i] = outputs ?? 0;
    jobs.startedAt[i] = started;
    jobs.endedAt[i] = started + duration;
    jobs.uids[i] = uid;
    jobs.commands[i] = command;
    jobs.cwds[i] = cwd;
    jobs.indexOfJob.set(id, i);
  }
  return jobs;
}

/** What each job read (CSR over input rows given in job order) and the dependencies that follow. */
class InputLinks {
  readonly inputStart: Int32Array;
  readonly inputFile: Int32Array;
  readonly inputProducer: Int32Array;
  readonly inputFlags: Uint8Array;
  readonly depStart: Int32Array;
  readonly depIndex: number[] = [];
  private job = 0;
  private depsFrom = 0;

  constructor(
    private readonly jobs: number,
    private readonly rows: number,
  ) {
    this.inputStart = new Int32Array(jobs + 1);
    this.depStart = new Int32Array(jobs + 1);
    this.inputFile = new Int32Array(rows);
    this.inputProducer = new Int32Array(rows);
    this.inputFlags = new Uint8Array(rows);
  }

  /** Input row k: job `reader` read `file`, whose current writer (other than itself) is `producer`. */
  add(k: number, reader: number, file: number, producer: number, flags: number, step: Int32Array): void {
    while (this.job < reader) this.closeJob(k);
    this.inputFile[k] = file;
    this.inputProducer[k] = producer;
    this.inputFlags[k] = flags;
    // A job that re-reads its own step's file is not its own dependency.
    if (producer !== -1 && step[producer] !== step[reader]) this.depIndex.push(producer);
  }

  finish(): void {
    while (this.job < this.jobs) this.closeJob(this.rows);
  }

  private closeJob(endRow: number): void {
    const { depIndex } = this;
    this.inputStart[this.job + 1] = endRow;
    // Dependencies unique and ascending.
    if (depIndex.length - this.depsFrom > 1) {
      const unique = [...new Set(depIndex.slice(this.depsFrom))].sort((a, b) => a - b);
      depIndex.length = this.depsFrom;
      depIndex.push(...unique);
    }
    this.depStart[this.job + 1] = depIndex.length;
    this.depsFrom = depIndex.length;
    this.job++;
  }
}

/** Paths sorted, and the inputs' file numbers moved to their sorted positions. */
function sortFiles(paths: string[], fileOf: Map<string, number>, inputFile: Int32Array) {
  // The default sort compares UTF-16 code units, as `<` does, at half the cost of a comparator.
  const sorted = [...paths].sort();
  const rank = new Int32Array(paths.length); // first-seen file index → sorted position
  for (let i = 0; i < sorted.length; i++) rank[fileOf.get(sorted[i]!)!] = i;
  for (let k = 0; k < inputFile.length; k++) inputFile[k] = rank[inputFile[k]!]!;
  return { sorted, rank };
}

/** The jobs' half of a model of the current runs. */
function stepsOf(jobs: JobColumns, links: InputLinks) {
  return {
    current: jobs.jobId.length,
    jobId: jobs.jobId,
    step: jobs.step,
    consumed: jobs.consumed,
    produced: jobs.produced,
    startedAt: jobs.startedAt,
    endedAt: jobs.endedAt,
    uid: jobs.uids.join("\0"),
    command: jobs.commands.join("\0"),
    cwd: jobs.cwds.join("\0"),
    depStart: links.depStart,
    depIndex: Int32Array.from(links.depIndex),
    order: pipelineOrder(jobs.jobId, jobs.step, links.depStart, links.depIndex),
    inputStart: links.inputStart,
    inputPath: links.inputFile,
    inputProducer: links.inputProducer,
    inputFlags: links.inputFlags,
  };
}

/**
 * The current runs' outputs in job id order. Rows are read in table order and filtered here: a job's
 * outputs are inserted in the transaction that inserts the job, so table order is job order, and
 * the scan skips a join and a sort over 100,000 rows. Should the order ever differ, sort.
 */
function currentOutputs(db: Database.Database, current: Map<number, number>): FileRow[] {
  const rows: FileRow[] = [];
  let ordered = true;
  let last = -Infinity;
  for (const row of db
    .prepare("SELECT job_id, path, artifact_hash FROM job_outputs")
    .raw(true)
    .iterate() as IterableIterator<FileRow>) {
    if (!current.has(row[0])) continue;
    if (row[0] < last) ordered = false;
    last = row[0];
    rows.push(row);
  }
  // Within a job any order will do: each job writes a path once.
  if (!ordered) rows.sort((a, b) => a[0] - b[0]);
  return rows;
}
