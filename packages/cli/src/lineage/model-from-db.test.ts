import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskCheckFor } from "../test-utils/lineage-pipelines.js";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { buildDagData } from "./dag-data.js";
import { recordedHashFromDb } from "./disk-check.js";
import { type LineageModel, splitJoined } from "./lineage-model.js";
import { addHistory, buildModelFromDb, buildPipelineModel } from "./model-from-db.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

/** Steps job i depends on, by step, for each job in pipeline order: [command, dependency steps]. */
function deps(model: LineageModel): [string, number[]][] {
  const commands = splitJoined(model.command, model.jobId.length);
  return Array.from(model.order, (i) => [
    commands[i]!,
    Array.from(model.depIndex.subarray(model.depStart[i]!, model.depStart[i + 1]!), (d) => model.step[d]!),
  ]);
}

describe("buildModelFromDb", () => {
  it("links a consumer to the producer of the path it read", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "a");
    fx.write("clean.csv", "b");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("model.pt", "m");
    fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    fx.write("metrics.json", "{}");
    fx.run("eval", { inputs: ["model.pt", "clean.csv"], outputs: ["metrics.json"] });
    expect(deps(buildModelFromDb(fx.db))).toEqual([
      ["prep", []],
      ["train", [1]],
      ["eval", [1, 2]],
    ]);
  });

  it("orders steps after what they read, even when step numbers say otherwise", () => {
    fx = fixtureProject();
    fx.write("b.txt", "b");
    fx.run("consumer-first", { inputs: ["b.txt"], outputs: [] });
    fx.write("a.txt", "a");
    fx.run("makes-b", { inputs: ["a.txt"], outputs: ["b.txt"] });
    expect(deps(buildModelFromDb(fx.db)).map(([command]) => command)).toEqual(["makes-b", "consumer-first"]);
  });

  it("orders a 12-step chain and survives a cycle", () => {
    fx = fixtureProject();
    // Letters, not digits: numbered file names are one step's pattern (see step-key.ts).
    const file = (i: number) => `f${String.fromCharCode(97 + i)}`;
    fx.write(file(0), "0");
    for (let i = 1; i <= 12; i++) {
      fx.write(file(i), String(i));
      fx.run(`s${i}`, { inputs: [file(i - 1)], outputs: [file(i)] });
    }
    fx.run("loop", { inputs: [file(12)], outputs: [file(0)] }); // rewrites the chain's source: a cycle
    const order = deps(buildModelFromDb(fx.db)).map(([command]) => command);
    expect(order).toHaveLength(13);
    expect(new Set(order).size).toBe(13);
    expect(order.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => `s${i + 1}`));
  });
});

describe("addHistory", () => {
  it("adds superseded runs, linked to the run that wrote exactly what they read", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "a");
    fx.write("clean.csv", "b1");
    const prep1 = fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("model.pt", "m");
    fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    fx.write("clean.csv", "b2");
    const prep2 = fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("model.pt", "m2");
    const train2 = fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    expect(prep2.step).toBe(1);
    const current = buildModelFromDb(fx.db);
    expect(Array.from(current.jobId)).toEqual([prep2.id, train2.id]);
    const history = addHistory(fx.db, current);
    expect(history.current).toBe(2);
    expect(Array.from(history.jobId)).toEqual([prep2.id, train2.id, prep1.id, prep1.id + 1]);
    const at = (id: number) => history.jobId.indexOf(id);
    const depsOf = (id: number) =>
      Array.from(
        history.depIndex.subarray(history.depStart[at(id)]!, history.depStart[at(id) + 1]!),
        (d) => history.jobId[d]!,
      );
    // The current train depends on the current prep; the old train on the old prep, whose output it read.
    expect(depsOf(train2.id)).toEqual([prep2.id]);
    expect(depsOf(prep1.id + 1)).toEqual([prep1.id]);
    // Superseded runs read nothing that could make them stale; files and current runs are unchanged.
    expect(history.inputStart[4]).toBe(history.inputStart[2]);
    expect(history.paths).toBe(current.paths);
    expect(Array.from(history.order, (i) => history.jobId[i])).toEqual([
      prep1.id,
      prep2.id,
      prep1.id + 1,
      train2.id,
    ]);
    expect(addHistory(fx.db, buildModelFromDb(fx.db))).toEqual(history);
  });

  it("leaves a model with no superseded runs as it is", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "a");
    fx.run("prep", { inputs: ["raw.csv"], outputs: [] });
    const model = buildModelFromDb(fx.db);
    expect(addHistory(fx.db, model)).toBe(model);
  });
});

describe("buildPipelineModel", () => {
  it("answers `roar dag` without artifacts exactly as the whole model", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "raw");
    fx.write("a.csv", "a");
    fx.write("b.csv", "b");
    fx.run("split", { inputs: ["raw.csv"], outputs: ["a.csv", "b.csv"] });
    fx.write("ma.pt", "ma");
    fx.write("log.txt", "ma");
    fx.run("train-a", { inputs: ["a.csv", "raw.csv"], outputs: ["ma.pt", "log.txt"] });
    fx.write("mb.pt", "mb");
    fx.write("log.txt", "mb");
    fx.run("train-b", { inputs: ["b.csv"], outputs: ["mb.pt", "log.txt"] });
    fx.write("counter.txt", "2");
    fx.run("merge", { inputs: ["ma.pt", "mb.pt", "counter.txt"], outputs: ["counter.txt"] });
    fx.write("report.md", "r");
    fx.run("report", { inputs: ["counter.txt", "log.txt"], outputs: ["report.md"] });
    fx.write("a.csv", "a2");
    fx.run("split", { inputs: ["raw.csv"], outputs: ["a.csv", "b.csv"] });
    fs.rmSync(path.join(fx.root, "mb.pt"));
    const full = buildModelFromDb(fx.db);
    const steps = buildPipelineModel(fx.db);
    const dagOf = (model: LineageModel, staleOnly: boolean) =>
      buildDagData(model, diskCheckFor(fx, model), recordedHashFromDb(fx.db), { staleOnly });
    for (const staleOnly of [false, true]) expect(dagOf(steps, staleOnly)).toEqual(dagOf(full, staleOnly));
    // b.csv came out the same: train-b is not stale, merge is (mb.pt is gone, train-a is stale).
    expect(dagOf(full, true).steps.map((s) => s.step)).toEqual([2, 4, 5]);
    expect(steps.order).toEqual(full.order);
    expect(steps.depIndex).toEqual(full.depIndex);
    expect(steps.inputFlags).toEqual(full.inputFlags);
    expect(steps.hasArtifacts).toBe(false);
  });
});
