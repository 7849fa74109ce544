import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { chainPipeline, diskCheckFor, fanOutPipeline } from "../test-utils/lineage-pipelines.js";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { recordedHashFromDb } from "./disk-check.js";
import type { LineageModel } from "./lineage-model.js";
import { addHistory, buildModelFromDb } from "./model-from-db.js";
import { computeStaleness, describeReason } from "./staleness.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

const pipeline = () => {
  fx = chainPipeline();
};

/** Stale steps and why, by step number, in the order computeStaleness found them. */
function staleSteps(model: LineageModel = buildModelFromDb(fx.db)) {
  const stale = computeStaleness(model, diskCheckFor(fx, model), recordedHashFromDb(fx.db));
  return new Map([...stale].map(([i, reasons]) => [model.step[i]!, reasons]));
}

describe("computeStaleness", () => {
  it("is empty for a pipeline whose files are as recorded", () => {
    pipeline();
    expect(staleSteps().size).toBe(0);
  });

  it("marks the consumers of a re-run step with other output, and everything downstream", () => {
    pipeline();
    fx.write("raw.csv", "raw v2");
    fx.write("clean.csv", "clean v2");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    const stale = staleSteps();
    expect([...stale.keys()].sort()).toEqual([2, 3, 4]);
    expect(stale.get(2)).toEqual([{ kind: "upstream-changed", path: "clean.csv", step: 1 }]);
    expect(stale.get(3)).toEqual([{ kind: "upstream-stale", step: 2 }]);
    expect(stale.get(4)).toEqual([{ kind: "input-modified", path: "raw.csv" }]);
  });

  it("clears once the downstream steps re-ran", () => {
    pipeline();
    fx.write("clean.csv", "clean v2");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("model.pt", "model v2");
    fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    expect([...staleSteps().keys()]).toEqual([3]);
    fx.run("eval", { inputs: ["model.pt"], outputs: ["metrics.json"] });
    expect(staleSteps().size).toBe(0);
  });

  it("marks only the consumers of a hand-edited intermediate file", () => {
    pipeline();
    fx.write("model.pt", "edited by hand");
    const stale = staleSteps();
    expect([...stale.keys()]).toEqual([3]);
    expect(stale.get(3)).toEqual([{ kind: "input-modified", path: "model.pt" }]);
  });

  it("notices an edit that keeps the size (hash, not only size) and a missing input", () => {
    pipeline();
    fx.write("clean.csv", "CLEAN");
    fs.rmSync(path.join(fx.root, "raw.csv"));
    const stale = staleSteps();
    expect(stale.get(1)).toEqual([{ kind: "input-missing", path: "raw.csv" }]);
    expect(stale.get(2)).toContainEqual({ kind: "input-modified", path: "clean.csv" });
    expect([...stale.keys()].sort()).toEqual([1, 2, 3, 4]);
  });

  it("reaches a fixpoint: reasons in the order found, each stale upstream step named once", () => {
    fx = fanOutPipeline();
    fx.write("report.md", "r");
    fx.run("report", { inputs: ["merged.pt", "ma.pt", "raw.csv"], outputs: ["report.md"] });
    fx.write("raw.csv", "raw v2");
    const stale = staleSteps();
    // The steps that read raw.csv first, then breadth first from them.
    expect([...stale.keys()]).toEqual([1, 5, 2, 3, 4]);
    expect(stale.get(1)).toEqual([{ kind: "input-modified", path: "raw.csv" }]);
    expect(stale.get(4)).toEqual([
      { kind: "upstream-stale", step: 2 },
      { kind: "upstream-stale", step: 3 },
    ]);
    expect(stale.get(5)).toEqual([
      { kind: "input-modified", path: "raw.csv" },
      { kind: "upstream-stale", step: 2 },
      { kind: "upstream-stale", step: 4 },
    ]);
  });

  it("trusts the hash cache when the file's identity is unchanged", () => {
    pipeline();
    const abs = path.join(fx.root, "model.pt");
    const st = fs.statSync(abs, { bigint: true });
    // A cache row claiming other content proves the file was not re-hashed.
    fx.db
      .prepare("INSERT INTO hash_cache (dev, ino, size, mtime_ns, hash) VALUES (?, ?, ?, ?, ?)")
      .run(BigInt.asIntN(64, st.dev), BigInt.asIntN(64, st.ino), st.size, String(st.mtimeNs), "f".repeat(64));
    expect([...staleSteps().keys()]).toEqual([3]);
  });

  it("does not treat a file a step read and rewrote as changed under it", () => {
    fx = fixtureProject();
    fx.write("counter.txt", "1");
    fx.write("counter.txt", "2");
    fx.run("bump", { inputs: ["counter.txt"], outputs: ["counter.txt"] });
    expect(staleSteps().size).toBe(0);
  });

  it("never marks a superseded run stale, even downstream of a stale step", () => {
    pipeline();
    fx.write("metrics.json", "m2");
    fx.run("eval", { inputs: ["model.pt"], outputs: ["metrics.json"] }); // the first eval is history now
    fx.write("raw.csv", "edited by hand"); // prep is stale, and everything after it
    const model = addHistory(fx.db, buildModelFromDb(fx.db));
    expect(model.jobId.length).toBe(5);
    expect(model.current).toBe(4);
    // The old eval depends on train (which wrote exactly what it read), and train is stale.
    const oldEval = 4;
    expect(
      Array.from(model.depIndex.subarray(model.depStart[oldEval]!, model.depStart[oldEval + 1]!)),
    ).toEqual([1]);
    const stale = staleSteps(model);
    expect([...stale.keys()]).toEqual([1, 4, 2, 3]);
    expect(computeStaleness(model, diskCheckFor(fx, model), recordedHashFromDb(fx.db)).has(oldEval)).toBe(
      false,
    );
    expect(stale).toEqual(staleSteps());
  });
});

describe("describeReason", () => {
  it("says each reason in one plain sentence", () => {
    expect(describeReason({ kind: "upstream-changed", path: "a.csv", step: 1 })).toBe(
      "a.csv changed: @1 re-ran with other output",
    );
    expect(describeReason({ kind: "input-modified", path: "a.csv" })).toBe(
      "a.csv was modified since it was read",
    );
    expect(describeReason({ kind: "input-missing", path: "a.csv" })).toBe("a.csv is missing");
    expect(describeReason({ kind: "upstream-stale", step: 7 })).toBe("depends on stale @7");
  });
});
