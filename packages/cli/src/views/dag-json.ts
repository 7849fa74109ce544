import type { DagArtifact, DagData, DagStep } from "../lineage/dag-data.js";

/** Small enough that a reader on the other end of a pipe gets to work while the rest is made. */
const CHUNK = 1 << 16;

/**
 * `JSON.stringify(data, null, 2)` plus a newline, byte for byte, in ~64 KB chunks: a pipeline of
 * 100,000 files is a 26 MB document, cheaper to write as it is produced than to build as one string.
 * `artifacts` (default `data.artifacts`) may be a generator that checks each file as it is reached.
 */
export function* dagJsonChunks(
  data: DagData,
  artifacts: Iterable<DagArtifact> = data.artifacts,
): Generator<string> {
  let buf = `{\n  "summary": {\n    "steps": ${num(data.summary.steps)},\n    "stale": ${num(data.summary.stale)}\n  },\n  "steps": `;
  if (data.steps.length === 0) buf += "[]";
  else {
    buf += "[\n";
    for (let i = 0; i < data.steps.length; i++) {
      buf += stepJson(data.steps[i]!) + (i + 1 < data.steps.length ? ",\n" : "\n");
      if (buf.length >= CHUNK) {
        yield buf;
        buf = "";
      }
    }
    buf += "  ]";
  }
  buf += ',\n  "artifacts": ';
  let first = true;
  for (const artifact of artifacts) {
    buf += `${first ? "[\n" : ",\n"}${artifactJson(artifact)}`;
    first = false;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = "";
    }
  }
  yield `${buf}${first ? "[]" : "\n  ]"}\n}\n`;
}

/** dagJsonChunks, each chunk given to `write`. */
export function writeDagJson(data: DagData, write: (chunk: string) => void): void {
  for (const chunk of dagJsonChunks(data)) write(chunk);
}

/**
 * Write chunks to a stream as fast as it takes them: waiting for "drain" keeps memory flat and lets
 * the reader of a pipe work while the rest is produced. Stops quietly when the reader has gone
 * (`roar dag --format json | head`).
 */
export async function writeChunks(chunks: Iterable<string>, stream: NodeJS.WritableStream): Promise<void> {
  const writable = stream as NodeJS.WritableStream & { destroyed?: boolean };
  for (const chunk of chunks) {
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

/** A pretty array whose items sit at `indent` + 2 spaces; empty ones stay `[]` as in JSON.stringify. */
function list(items: readonly (string | number)[], indent: string): string {
  if (items.length === 0) return "[]";
  const inner = `${indent}  `;
  let out = "[\n";
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    out += `${inner}${typeof item === "number" ? num(item) : str(item)}${i + 1 < items.length ? ",\n" : "\n"}`;
  }
  return `${out}${indent}]`;
}

function stepJson(s: DagStep): string {
  return `    {
      "step": ${num(s.step)},
      "uid": ${str(s.uid)},
      "command": ${str(s.command)},
      "state": "${s.state}",
      "dependencies": ${list(s.dependencies, "      ")},
      "consumed": ${num(s.consumed)},
      "produced": ${num(s.produced)},
      "reasons": ${list(s.reasons, "      ")}
    }`;
}

function artifactJson(a: DagArtifact): string {
  return `    {
      "path": ${str(a.path)},
      "hash": ${str(a.hash)},
      "state": "${a.state}",
      "producer": ${a.producer === null ? "null" : num(a.producer)},
      "consumers": ${list(a.consumers, "      ")},
      "terminal": ${a.terminal ? "true" : "false"}
    }`;
}
