import { describe, expect, it } from "vitest";
import type { DagArtifact, DagArtifactRows, DagData } from "../lineage/dag-data.js";
import { ARTIFACT_STATES } from "../lineage/dag-data.js";
import { concat, isPlainAscii } from "../lineage/lineage-model.js";
import { dagJsonChunks } from "./dag-json.js";

/** The columns a model would hold for these artifacts (job i writes artifact i when it has a producer). */
function rowsOf(artifacts: DagArtifact[]): DagArtifactRows {
  const [paths, pathEnd] = concat(artifacts.map((a) => a.path));
  const [hashes, hashEnd] = concat(artifacts.map((a) => a.hash));
  const consumerStart = new Int32Array(artifacts.length + 1);
  artifacts.forEach((a, i) => {
    consumerStart[i + 1] = consumerStart[i]! + a.consumers.length;
  });
  return {
    model: {
      paths,
      pathEnd,
      hashes,
      hashEnd,
      plainText: isPlainAscii(paths) && isPlainAscii(hashes),
      step: Int32Array.from(artifacts, (a) => a.producer ?? 0),
      producer: Int32Array.from(artifacts, (a, i) => (a.producer === null ? -1 : i)),
      terminal: Uint8Array.from(artifacts, (a) => (a.terminal ? 1 : 0)),
      consumerStart,
      consumerStep: Int32Array.from(artifacts.flatMap((a) => a.consumers)),
    },
    files: Int32Array.from(artifacts, (_, i) => i),
    states: Uint8Array.from(artifacts, (a) => ARTIFACT_STATES.indexOf(a.state)),
  };
}

/** The document, with the artifact list given in parts of `part` rows (all in one by default). */
const written = async (data: DagData, part = data.artifacts.length) => {
  const rows = rowsOf(data.artifacts);
  const parts: DagArtifactRows[] = [];
  for (let from = 0; from < rows.files.length || from === 0; from += Math.max(part, 1))
    parts.push({
      ...rows,
      files: rows.files.subarray(from, from + part),
      states: rows.states.subarray(from, from + part),
    });
  const chunks: (string | Uint8Array)[] = [];
  for await (const chunk of dagJsonChunks(data, parts)) chunks.push(chunk);
  const bytes = Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
  return { text: bytes.toString("utf8"), chunks: chunks.length };
};
const stringified = (data: DagData) => `${JSON.stringify(data, null, 2)}\n`;

const step = {
  step: 1,
  uid: "u",
  command: "c",
  state: "active" as const,
  dependencies: [],
  consumed: 1,
  produced: 1,
  reasons: [],
};

describe("dagJsonChunks", () => {
  it("writes exactly what JSON.stringify(data, null, 2) does, escapes included", async () => {
    const data: DagData = {
      summary: { steps: 2, stale: 1 },
      steps: [
        {
          step: 1,
          uid: "a1",
          command: `python -c "print('a\\\\b')"\n\tnext \u2028 ünï 🦖 \ud800`,
          state: "active",
          dependencies: [],
          consumed: 0,
          produced: 2,
          reasons: [],
        },
        {
          step: 2,
          uid: "b2",
          command: "python train.py",
          state: "stale",
          dependencies: [1, 7],
          consumed: 3,
          produced: 1,
          reasons: ['data/"quoted".csv was modified since it was read', "depends on stale @1"],
        },
      ],
      artifacts: [
        {
          path: "a b\\c.csv",
          hash: "ab".repeat(32),
          state: "modified",
          producer: null,
          consumers: [2],
          terminal: false,
        },
        {
          path: "data/ünï 🦖\t\ud800.csv",
          hash: "",
          state: "current",
          producer: 1,
          consumers: [],
          terminal: false,
        },
        { path: "out/model.pt", hash: "", state: "missing", producer: 2, consumers: [], terminal: true },
      ],
    };
    expect((await written(data)).text).toBe(stringified(data));
    expect((await written(data, 1)).text).toBe(stringified(data));
  });

  it("copies plain ASCII paths and hashes as they are, numbers of any size included", async () => {
    const data: DagData = {
      summary: { steps: 1, stale: 0 },
      steps: [step],
      artifacts: [
        {
          path: "raw.csv",
          hash: "0".repeat(64),
          state: "current",
          producer: null,
          consumers: [],
          terminal: false,
        },
        {
          path: "data/part 1.bin",
          hash: "f".repeat(64),
          state: "modified",
          producer: 2_147_483_647,
          consumers: [0, 9, 10, 1_234_567_890],
          terminal: false,
        },
        { path: "m.pt", hash: "1".repeat(64), state: "missing", producer: 10, consumers: [], terminal: true },
      ],
    };
    expect((await written(data)).text).toBe(stringified(data));
    expect((await written(data, 2)).text).toBe(stringified(data));
  });

  it("writes empty lists as [] and a large pipeline in several chunks, in parts or not", async () => {
    const empty: DagData = { summary: { steps: 0, stale: 0 }, steps: [], artifacts: [] };
    expect((await written(empty)).text).toBe(stringified(empty));
    const big: DagData = {
      summary: { steps: 1, stale: 0 },
      steps: Array.from({ length: 2000 }, (_, i) => ({ ...step, step: i + 1, dependencies: i ? [i] : [] })),
      artifacts: Array.from({ length: 20000 }, (_, i) => ({
        path: `data/part-${i}.bin`,
        hash: "0".repeat(64),
        state: "current" as const,
        producer: 1,
        consumers: i % 2 ? [2, 3] : [],
        terminal: i % 2 === 0,
      })),
    };
    const out = await written(big);
    expect(out.chunks).toBeGreaterThan(4);
    expect(out.text).toBe(stringified(big));
    expect((await written(big, 4096)).text).toBe(stringified(big));
  });
});
