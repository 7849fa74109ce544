import { ARTIFACT_STATES, type DagArtifactRows, type DagData, type DagStep } from "../lineage/dag-data.js";

/** The document is written in buffers of about this size: few writes, each a plain copy of bytes. */
const CHUNK_BYTES = 1 << 20;

/**
 * `JSON.stringify({ ...data, artifacts }, null, 2)` plus a newline, byte for byte, in ≈1 MB
 * chunks: a pipeline of 100,000 files is a 26 MB document, cheaper to write as it is produced than
 * to build as one string. The artifact list (`data.artifacts` is not read) comes in parts, each a
 * range of rows in order (awaited: they may still be checked on disk), written from their columns:
 * an object per file for 100,000 files costs more than the text itself.
 */
export async function* dagJsonChunks(
  data: DagData,
  artifacts: Iterable<DagArtifactRows> | AsyncIterable<DagArtifactRows>,
): AsyncGenerator<Uint8Array> {
  const out = new ChunkBuffer();
  out.add(
    `{\n  "summary": {\n    "steps": ${num(data.summary.steps)},\n    "stale": ${num(data.summary.stale)}\n  },\n  "steps": `,
  );
  const { steps } = data;
  yield* stepsJson(steps, out);
  const afterSteps = `${steps.length === 0 ? "[]" : "\n  ]"},\n  "artifacts": `;
  let full = out.add(afterSteps);
  if (full) yield full;
  let listed = 0;
  for await (const rows of artifacts) {
    yield* artifactRowsJson(rows, listed === 0, out);
    listed += rows.files.length;
  }
  full = out.add(listed === 0 ? "[]\n}\n" : "\n  ]\n}\n");
  if (full) yield full;
  yield out.take();
}

/**
 * The steps list's rows (after `"steps": `) into `out`, each concatenated in one expression (no call
 * per value); returns the buffers it filled.
 */
function stepsJson(steps: DagStep[], out: ChunkBuffer): Uint8Array[] {
  const filled: Uint8Array[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    let dependencies = "[]";
    if (s.dependencies.length > 0) {
      dependencies = `[\n        ${num(s.dependencies[0]!)}`;
      for (let d = 1; d < s.dependencies.length; d++) dependencies += `,\n        ${num(s.dependencies[d]!)}`;
      dependencies += "\n      ]";
    }
    let reasons = "[]";
    if (s.reasons.length > 0) {
      reasons = `[\n        ${str(s.reasons[0]!)}`;
      for (let r = 1; r < s.reasons.length; r++) reasons += `,\n        ${str(s.reasons[r]!)}`;
      reasons += "\n      ]";
    }
    const full = out.add(
      (i === 0 ? '[\n    {\n      "step": ' : ',\n    {\n      "step": ') +
        num(s.step) +
        ',\n      "uid": ' +
        str(s.uid) +
        ',\n      "command": ' +
        str(s.command) +
        ',\n      "state": "' +
        s.state +
        '",\n      "dependencies": ' +
        dependencies +
        ',\n      "consumed": ' +
        num(s.consumed) +
        ',\n      "produced": ' +
        num(s.produced) +
        ',\n      "reasons": ' +
        reasons +
        "\n    }",
    );
    if (full) filled.push(full);
  }
  return filled;
}

/**
 * Text gathered into ≈1 MB buffers: copying each short string into a buffer costs less than joining
 * thousands of them into one string and encoding that when it is written.
 */
class ChunkBuffer {
  private out = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;

  /**
   * Adds `text` (`latin1`: the caller knows it is all ASCII, copied byte for byte); returns the
   * buffer so far when it had no room left, to be written before anything else.
   */
  add(text: string, latin1 = false): Uint8Array | null {
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4).
    const room = latin1 ? text.length : text.length * 3;
    const full = this.at + room > this.out.length ? this.take(room) : null;
    this.at += this.out.write(text, this.at, latin1 ? "latin1" : "utf8");
    return full;
  }

  /** The buffer so far; a fresh one (of at least `room` bytes) takes its place, as the stream may still hold it. */
  take(room = 0): Uint8Array {
    const full = this.out.subarray(0, this.at);
    this.out = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
    this.at = 0;
    return full;
  }
}

/**
 * Write chunks to a stream as fast as it takes them: waiting for "drain" keeps memory flat and lets
 * the reader of a pipe work while the rest is produced. Stops quietly when the reader has gone
 * (`roar dag --format json | head`).
 */
export async function writeChunks(
  chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  stream: NodeJS.WritableStream,
): Promise<void> {
  const writable = stream as NodeJS.WritableStream & { destroyed?: boolean };
  for await (const chunk of chunks) {
    if (writable.destroyed) return;
    if (!stream.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off("drain", done);
          stream.off("error", done);
          stream.off("close", done);
          resolve();
        };
        stream.on("drain", done);
        stream.on("error", done);
        stream.on("close", done);
      });
  }
}

/** A number as JSON.stringify writes it (integers, here: their decimal form), without its call. */
const num = (n: number) => (Number.isFinite(n) ? String(n) : "null");
/** Only characters JSON.stringify keeps as they are (no quote, backslash, control character or surrogate). */
const PLAIN = /^[ !#-[\]-~\u00a0-\ud7ff\ue000-\uffff]*$/;
// A plain string quoted as it is: three times faster than JSON.stringify for 100,000 paths.
const str = (s: string) => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/*
 * The artifact list: rows written from the model's columns, in ≈1 MB chunks. Paths and hashes come
 * as slices of the model's joined strings, quoted as they are when the model says they are all
 * plain ASCII (`plainText`, the usual case: each row is then copied as latin1, byte for byte);
 * otherwise each one goes through `str`, and the row is encoded as UTF-8.
 */
const STATES = ARTIFACT_STATES.map((s) => `"${s}"`);

/**
 * Rows of the artifact list, each after `,\n` (or, for the list's first row, `[\n`), into `out`;
 * returns the buffers it filled.
 */
function artifactRowsJson(rows: DagArtifactRows, listStart: boolean, out: ChunkBuffer): Uint8Array[] {
  const filled: Uint8Array[] = [];
  const { files, states, model: m } = rows;
  const { paths, pathEnd, hashes, hashEnd, consumerStart, consumerStep, producer, step, terminal } = m;
  if (hashes === null || hashEnd === null) throw new Error("lineage model loaded without hashes");
  const ascii = m.plainText;
  for (let k = 0; k < files.length; k++) {
    const file = files[k]!;
    const path = paths.slice(file === 0 ? 0 : pathEnd[file - 1]!, pathEnd[file]!);
    const hash = hashes.slice(file === 0 ? 0 : hashEnd[file - 1]!, hashEnd[file]!);
    const writer = producer[file]!;
    const cFrom = consumerStart[file]!;
    const cTo = consumerStart[file + 1]!;
    let consumers = "[]";
    if (cFrom < cTo) {
      consumers = `[\n        ${consumerStep[cFrom]!}`;
      for (let c = cFrom + 1; c < cTo; c++) consumers += `,\n        ${consumerStep[c]!}`;
      consumers += "\n      ]";
    }
    // Plain concatenation of constant pieces: measurably cheaper here than a template of the row.
    const full = out.add(
      (k === 0 && listStart ? '[\n    {\n      "path": ' : ',\n    {\n      "path": ') +
        (ascii ? `"${path}"` : str(path)) +
        ',\n      "hash": ' +
        (ascii ? `"${hash}"` : str(hash)) +
        ',\n      "state": ' +
        STATES[states[k]!]! +
        ',\n      "producer": ' +
        (writer === -1 ? "null" : step[writer]!) +
        ',\n      "consumers": ' +
        consumers +
        (terminal[file] === 1 ? ',\n      "terminal": true\n    }' : ',\n      "terminal": false\n    }'),
      ascii,
    );
    if (full) filled.push(full);
  }
  return filled;
}
