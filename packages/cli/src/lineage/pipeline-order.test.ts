import { describe, expect, it } from "vitest";
import { pipelineOrder } from "./pipeline-order.js";

/** Jobs given as [id, step, dependency job indices]. */
function order(jobs: [number, number, number[]][]): number[] {
  const depStart = new Int32Array(jobs.length + 1);
  const depIndex: number[] = [];
  jobs.forEach(([, , deps], i) => {
    depIndex.push(...deps);
    depStart[i + 1] = depIndex.length;
  });
  return Array.from(
    pipelineOrder(
      Int32Array.from(jobs, ([id]) => id),
      Int32Array.from(jobs, ([, step]) => step),
      depStart,
      depIndex,
    ),
  );
}

describe("pipelineOrder", () => {
  it("puts every job after the jobs it depends on, even when step numbers say otherwise", () => {
    // Job 0 (step 1) read what job 1 (step 2) wrote.
    expect(
      order([
        [1, 1, [1]],
        [2, 2, []],
      ]),
    ).toEqual([1, 0]);
  });

  it("breaks ties by step, then id", () => {
    expect(
      order([
        [5, 3, []],
        [6, 1, []],
        [7, 1, []],
        [8, 2, [1]],
      ]),
    ).toEqual([1, 2, 3, 0]);
  });

  it("orders a 12-step chain and survives a cycle", () => {
    const jobs: [number, number, number[]][] = [];
    for (let i = 0; i < 12; i++) jobs.push([i + 1, i + 1, i === 0 ? [12] : [i - 1]]);
    jobs.push([13, 13, [11]]); // rewrites the chain's source: a cycle
    const result = order(jobs);
    expect(result).toHaveLength(13);
    expect(new Set(result).size).toBe(13);
    expect(result.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});
