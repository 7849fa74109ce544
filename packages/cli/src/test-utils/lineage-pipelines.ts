// Small recorded pipelines the lineage tests share, and the disk check they query them with.
import { createIndexedDiskCheck, type IndexedDiskCheck } from "../lineage/disk-check.js";
import type { LineageModel } from "../lineage/lineage-model.js";
import { type FixtureProject, fixtureProject } from "./lineage-store.js";

/** @1 prep (raw.csv → clean.csv), @2 train (→ model.pt), @3 eval (→ metrics.json), @4 report (raw.csv → report.md). */
export function chainPipeline(): FixtureProject {
  const fx = fixtureProject();
  fx.write("raw.csv", "raw");
  fx.write("clean.csv", "clean");
  fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
  fx.write("model.pt", "model");
  fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
  fx.write("metrics.json", "m");
  fx.run("eval", { inputs: ["model.pt"], outputs: ["metrics.json"] });
  fx.write("report.md", "r");
  fx.run("report", { inputs: ["raw.csv"], outputs: ["report.md"] });
  return fx;
}

/** @1 split (raw.csv → a.csv, b.csv), @2 train-a (→ ma.pt), @3 train-b (→ mb.pt), @4 merge (both → merged.pt). */
export function fanOutPipeline(): FixtureProject {
  const fx = fixtureProject();
  fx.write("raw.csv", "raw");
  fx.write("a.csv", "a");
  fx.write("b.csv", "b");
  fx.run("split", { inputs: ["raw.csv"], outputs: ["a.csv", "b.csv"] });
  fx.write("ma.pt", "ma");
  fx.run("train-a", { inputs: ["a.csv"], outputs: ["ma.pt"] });
  fx.write("mb.pt", "mb");
  fx.run("train-b", { inputs: ["b.csv"], outputs: ["mb.pt"] });
  fx.write("merged.pt", "m");
  fx.run("merge", { inputs: ["ma.pt", "mb.pt"], outputs: ["merged.pt"] });
  return fx;
}

/** The real disk check over the model's files, as `roar dag` and `roar status` use it. */
export function diskCheckFor(fx: FixtureProject, model: LineageModel): IndexedDiskCheck {
  return createIndexedDiskCheck(fx.root, fx.db, model);
}
