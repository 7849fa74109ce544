import { describe, expect, it } from "vitest";
import type { LineageData } from "../lineage/trace.js";
import { renderLineage } from "./lineage.js";

const job = (step: number, producer: number | null): LineageData["jobs"][number] => ({
  uid: `uid${step}`,
  step,
  command: `python step${step}.py`,
  exitCode: 0,
  status: "success",
  superseded: false,
  startedAt: 0,
  inputs: [{ path: `in${step}`, hash: "a".repeat(64), producer }],
  outputs: [{ path: `out${step}`, hash: "b".repeat(64) }],
  pythons: [
    { version: "3.12.1", implementation: "CPython", abiTag: "cp312", executable: "/usr/bin/python3" },
  ],
});

describe("renderLineage", () => {
  it("shows every job with its Python, inputs (with producers) and outputs", () => {
    const text = renderLineage({
      path: "out2",
      hash: "b".repeat(64),
      onDisk: "same",
      source: false,
      jobs: [job(1, null), job(2, 1)],
    });
    expect(text.split("\n")[0]).toBe("Lineage of out2 (bbbbbbbbbbbb): 2 jobs, oldest first");
    expect(text).toContain("python  CPython 3.12.1 (cp312)");
    expect(text).toMatch(/in {3}aaaaaaaaaaaa {2}in2 {2}← @1/);
    expect(text).not.toContain("differs");
  });

  it("says when the file on disk is not the recorded version", () => {
    const text = renderLineage({
      path: "out1",
      hash: "b".repeat(64),
      onDisk: "modified",
      source: false,
      jobs: [job(1, null)],
    });
    expect(text).toContain("out1 on disk differs from the last recorded version");
  });
});
