import type Database from "better-sqlite3";
import { type PipelineGraph, topoOrder } from "./graph.js";
import { ALSO_WRITTEN, type LineageModel, MATCHES } from "./lineage-model.js";
import type { JobNode } from "./snapshot.js";

type JobRow = [number, string, number, string, string, number, number];
type FileRow = [number, string, string];

/**
 * buildLineageModel(loadSnapshot(db, { withOutputs, withHashes })) straight from three queries into
 * typed arrays, without a snapshot, a graph or an artifact object per file in between: the model is
 * rebuilt by the first `roar dag` / `roar status` after every recorded job, and on 100,000 files
 * those objects cost more than the queries. A test holds the two side by side.
 */
export function buildModelFromDb(db: Database.Database): LineageModel {
  const jobRows = db
    .prepare(
      `SELECT id, uid, step, command, cwd, started_at, duration_ms FROM jobs
       WHERE superseded_by IS NULL ORDER BY id`,
    )
    .raw(true)
    .all() as JobRow[];
  const n = jobRows.length;
  const jobId = new Int32Array(n);
  const step = new Int32Array(n);
  const consumed = new Int32Array(n);
  const produced = new Int32Array(n);
  const startedAt = new Float64Array(n);
  const endedAt = new Float64Array(n);
  const uids: string[] = new Array(n);
  const commands: string[] = new Array(n);
  const cwds: string[] = new Array(n);
  const indexOfJob = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const [id, uid, s, command, cwd, started, duration] = jobRows[i]!;
    jobId[i] = id;
    step[i] = s;
    startedAt[i] = started;
    endedAt[i] = started + duration;
    uids[i] = uid;
    commands[i] = command;
    cwds[i] = cwd;
    indexOfJob.set(id, i);
  }

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
  for (const [id, path, hash] of currentOutputs(db, indexOfJob)) {
    const job = indexOfJob.get(id)!;
    produced[job]!++;
    let file = fileOf.get(path);
    if (file === undefined) {
      file = paths.length;
      fileOf.set(path, file);
      paths.push(path);
      hashes.push(hash);
      lastWriter.push(job);
      prevWriter.push(-1);
      prevHash.push("");
      recordedAt.push(endedAt[job]!);
      writerCount.push(1);
    } else {
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
  const m = inputRows.length;
  const inputStart = new Int32Array(n + 1);
  const inputFile = new Int32Array(m);
  const inputProducer = new Int32Array(m);
  const inputFlags = new Uint8Array(m);
  const consumerFile: number[] = [];
  const consumerStep: number[] = [];
  const depStart = new Int32Array(n + 1);
  const depIndex: number[] = [];
  let job = 0;
  let depsFrom = 0;
  const closeJob = () => {
    // Dependencies unique and ascending, as buildGraph keeps them.
    if (depIndex.length - depsFrom > 1) {
      const unique = [...new Set(depIndex.slice(depsFrom))].sort((a, b) => a - b);
      depIndex.length = depsFrom;
      depIndex.push(...unique);
    }
    depStart[job + 1] = depIndex.length;
    depsFrom = depIndex.length;
  };
  for (let k = 0; k < m; k++) {
    const [id, path, hash] = inputRows[k]!;
    const reader = indexOfJob.get(id)!;
    consumed[reader]!++;
    while (job < reader) {
      inputStart[job + 1] = k;
      closeJob();
      job++;
    }
    let file = fileOf.get(path);
    if (file === undefined) {
      // A source file: read, never written by a current run.
      file = paths.length;
      fileOf.set(path, file);
      paths.push(path);
      hashes.push(hash);
      lastWriter.push(-1);
      prevWriter.push(-1);
      prevHash.push("");
      recordedAt.push(endedAt[reader]!);
      writerCount.push(0);
    }
    const last = lastWriter[file]!;
    const producer = last === reader ? prevWriter[file]! : last;
    const producerHash = last === reader ? prevHash[file]! : hashes[file]!;
    inputFile[k] = file;
    inputProducer[k] = producer;
    inputFlags[k] =
      (producer !== -1 && producerHash === hash ? MATCHES : 0) | (wrote(reader, file) ? ALSO_WRITTEN : 0);
    if (producer !== -1 && step[producer] !== step[reader]) depIndex.push(producer);
    // The artifact list: a step's reading of its own output is not a consumer.
    if (last !== -1 && step[last] === step[reader]) continue;
    if (last === -1) {
      hashes[file] = hash; // a source file: the latest read wins (inputs are in job id order)
      recordedAt[file] = endedAt[reader]!;
    }
    consumerFile.push(file);
    consumerStep.push(step[reader]!);
  }
  for (; job < n; job++) {
    inputStart[job + 1] = m;
    closeJob();
  }

  // Files in path order. The default sort compares UTF-16 code units, as `<` does.
  const sorted = [...paths].sort();
  const rank = new Int32Array(paths.length); // old file index → sorted position
  for (let i = 0; i < sorted.length; i++) rank[fileOf.get(sorted[i]!)!] = i;
  for (let k = 0; k < m; k++) inputFile[k] = rank[inputFile[k]!]!;
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
    jobId,
    step,
    consumed,
    produced,
    startedAt,
    endedAt,
    uid: uids.join("\0"),
    command: commands.join("\0"),
    cwd: cwds.join("\0"),
    depStart,
    depIndex: Int32Array.from(depIndex),
    order: pipelineOrder(jobId, step, depStart, depIndex, uids),
    inputStart,
    inputPath: inputFile,
    inputProducer,
    inputFlags,
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

function concat(items: readonly string[]): [string, Int32Array] {
  const ends = new Int32Array(items.length);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    at += items[i]!.length;
    ends[i] = at;
  }
  return [items.join(""), ends];
}

/** topoOrder over the model's jobs (the same function, so the same order, cycles included). */
function pipelineOrder(
  jobId: Int32Array,
  step: Int32Array,
  depStart: Int32Array,
  depIndex: number[],
  uids: string[],
): Int32Array {
  const n = jobId.length;
  const nodes: JobNode[] = new Array(n);
  const byId = new Map<number, JobNode>();
  const deps = new Map<number, number[]>();
  const dependents = new Map<number, number[]>();
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const id = jobId[i]!;
    const node: JobNode = {
      id,
      uid: uids[i]!,
      step: step[i]!,
      command: "",
      status: "",
      exitCode: null,
      supersededBy: null,
      startedAt: 0,
      endedAt: 0,
      cwd: "",
      consumed: 0,
      produced: 0,
    };
    nodes[i] = node;
    byId.set(id, node);
    dependents.set(id, []);
    index.set(id, i);
  }
  for (let i = 0; i < n; i++) {
    const list: number[] = [];
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) {
      const dep = jobId[depIndex[k]!]!;
      list.push(dep);
      dependents.get(dep)!.push(jobId[i]!);
    }
    deps.set(jobId[i]!, list);
  }
  const graph: PipelineGraph = { nodes, byId, deps, dependents, inputsOf: new Map() };
  return Int32Array.from(topoOrder(graph), (job) => index.get(job.id)!);
}

/**
 * The model of the steps only, for `roar dag` without artifacts: jobs, dependencies, order and what
 * each step read. "Which current run writes the path this job read" is answered inside SQLite for
 * the input rows alone (an index-only subquery each), so the 100,000 output rows are never read.
 */
export function buildPipelineModel(db: Database.Database): LineageModel {
  const jobRows = db
    .prepare(
      `SELECT j.id, j.uid, j.step, j.command, j.cwd, j.started_at, j.duration_ms,
         (SELECT COUNT(*) FROM job_inputs i WHERE i.job_id = j.id),
         (SELECT COUNT(*) FROM job_outputs o WHERE o.job_id = j.id)
       FROM jobs j WHERE j.superseded_by IS NULL ORDER BY j.id`,
    )
    .raw(true)
    .all() as [...JobRow, number, number][];
  const n = jobRows.length;
  const jobId = new Int32Array(n);
  const step = new Int32Array(n);
  const consumed = new Int32Array(n);
  const produced = new Int32Array(n);
  const startedAt = new Float64Array(n);
  const endedAt = new Float64Array(n);
  const uids: string[] = new Array(n);
  const commands: string[] = new Array(n);
  const cwds: string[] = new Array(n);
  const indexOfJob = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const [id, uid, s, command, cwd, started, duration, inputs, outputs] = jobRows[i]!;
    jobId[i] = id;
    step[i] = s;
    consumed[i] = inputs;
    produced[i] = outputs;
    startedAt[i] = started;
    endedAt[i] = started + duration;
    uids[i] = uid;
    commands[i] = command;
    cwds[i] = cwd;
    indexOfJob.set(id, i);
  }
  // As loadSnapshot: the current writer and whether it wrote what was read, packed in one integer.
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
  const m = inputRows.length;
  const fileOf = new Map<string, number>();
  const paths: string[] = [];
  const inputStart = new Int32Array(n + 1);
  const inputFile = new Int32Array(m);
  const inputProducer = new Int32Array(m);
  const inputFlags = new Uint8Array(m);
  const depStart = new Int32Array(n + 1);
  const depIndex: number[] = [];
  let job = 0;
  let depsFrom = 0;
  const closeJob = () => {
    if (depIndex.length - depsFrom > 1) {
      const unique = [...new Set(depIndex.slice(depsFrom))].sort((a, b) => a - b);
      depIndex.length = depsFrom;
      depIndex.push(...unique);
    }
    depStart[job + 1] = depIndex.length;
    depsFrom = depIndex.length;
  };
  for (let k = 0; k < m; k++) {
    const [id, path, packed, alsoWritten] = inputRows[k]!;
    const reader = indexOfJob.get(id)!;
    while (job < reader) {
      inputStart[job + 1] = k;
      closeJob();
      job++;
    }
    let file = fileOf.get(path);
    if (file === undefined) {
      file = paths.length;
      fileOf.set(path, file);
      paths.push(path);
    }
    const producer = packed === null ? -1 : indexOfJob.get(Math.floor(packed / 2))!;
    inputFile[k] = file;
    inputProducer[k] = producer;
    inputFlags[k] =
      (packed !== null && packed % 2 === 1 ? MATCHES : 0) | (alsoWritten === 1 ? ALSO_WRITTEN : 0);
    if (producer !== -1 && step[producer] !== step[reader]) depIndex.push(producer);
  }
  for (; job < n; job++) {
    inputStart[job + 1] = m;
    closeJob();
  }
  const sorted = [...paths].sort();
  const rank = new Int32Array(paths.length);
  for (let i = 0; i < sorted.length; i++) rank[fileOf.get(sorted[i]!)!] = i;
  for (let k = 0; k < m; k++) inputFile[k] = rank[inputFile[k]!]!;
  const [joinedPaths, pathEnd] = concat(sorted);
  return {
    jobId,
    step,
    consumed,
    produced,
    startedAt,
    endedAt,
    uid: uids.join("\0"),
    command: commands.join("\0"),
    cwd: cwds.join("\0"),
    depStart,
    depIndex: Int32Array.from(depIndex),
    order: pipelineOrder(jobId, step, depStart, depIndex, uids),
    inputStart,
    inputPath: inputFile,
    inputProducer,
    inputFlags,
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
