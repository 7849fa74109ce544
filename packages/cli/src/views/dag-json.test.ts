import { describe, expect, it } from "vitest";
import type { DagData } from "../lineage/dag-data.js";
import { writeDagJson } from "./dag-json.js";

const written = (data: DagData) => {
  const chunks: string[] = [];
  writeDagJson(data, (chunk) => chunks.push(chunk));
  return { text: chunks.join(""), chunks: chunks.length };
};

describe("writeDagJson", () => {
  it("writes exactly what JSON.stringify(data, null, 2) does, escapes included", () => {
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
        { path: "out/model.pt", hash: "", state: "missing", producer: 2, consumers: [], terminal: true },
      ],
    };
    expect(written(data).text).toBe(`${JSON.stringify(data, null, 2)}\n`);
  });

  it("writes empty lists as [] and a large pipeline in several chunks", () => {
    const empty: DagData = { summary: { steps: 0, stale: 0 }, steps: [], artifacts: [] };
    expect(written(empty).text).toBe(`${JSON.stringify(empty, null, 2)}\n`);
    const big: DagData = {
      summary: { steps: 1, stale: 0 },
      steps: [
        empty.steps[0] ?? {
          step: 1,
          uid: "u",
          command: "c",
          state: "active",
          dependencies: [],
          consumed: 1,
          produced: 20000,
          reasons: [],
        },
      ],
      artifacts: Array.from({ length: 20000 }, (_, i) => ({
        path: `data/part-${i}.bin`,
        hash: "0".repeat(64),
        state: "current" as const,
        producer: 1,
        consumers: i % 2 ? [2, 3] : [],
        terminal: i % 2 === 0,
      })),
    };
    const out = written(big);
    expect(out.chunks).toBeGreaterThan(1);
    expect(out.text).toBe(`${JSON.stringify(big, null, 2)}\n`);
  });
});
