import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { buildDagData } from "./dag-data.js";
import { createDiskCheck, createIndexedDiskCheck, recordedHashFromDb } from "./disk-check.js";
import { buildLineageModel, type LineageModel, pathAt } from "./lineage-model.js";
import { loadSnapshot } from "./load-snapshot.js";
import { loadLineageModel } from "./model-cache.js";
import { buildModelFromDb, buildPipelineModel } from "./model-from-db.js";
import { modelDagData, modelStatusData } from "./model-queries.js";
import { buildStatusData } from "./status-data.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

/** A fan-out / fan-in with a shared source, a read-then-rewritten file and a path two steps write. */
function pipeline() {
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
  fx.write("merged.pt", "m");
  fx.write("counter.txt", "2");
  fx.run("merge", { inputs: ["ma.pt", "mb.pt", "counter.txt"], outputs: ["merged.pt", "counter.txt"] });
  fx.write("report.md", "r");
  fx.run("report", { inputs: ["merged.pt", "log.txt"], outputs: ["report.md"] });
}

const EDITS: Record<string, () => void> = {
  nothing: () => {},
  "an intermediate edited by hand": () => fx.write("b.csv", "edited"),
  "a missing output": () => fs.rmSync(path.join(fx.root, "ma.pt")),
  "a missing source": () => fs.rmSync(path.join(fx.root, "raw.csv")),
  "a final output edited": () => fx.write("report.md", "by hand"),
  "an upstream re-run with other output": () => {
    fx.write("a.csv", "a2");
    fx.run("split", { inputs: ["raw.csv"], outputs: ["a.csv", "b.csv"] });
  },
  "a directory where a file was": () => {
    fs.rmSync(path.join(fx.root, "mb.pt"));
    fs.mkdirSync(path.join(fx.root, "mb.pt"));
  },
};

function bothWays() {
  const model = loadLineageModel(fx.db);
  const indexed = () => createIndexedDiskCheck(fx.root, fx.db, (i) => pathAt(model, i), model.pathEnd.length);
  const snapshot = loadSnapshot(fx.db, { withOutputs: true, withHashes: true });
  const hash = recordedHashFromDb(fx.db);
  return {
    dag: (staleOnly: boolean) => ({
      model: modelDagData(model, indexed(), hash, { artifacts: true, staleOnly }),
      snapshot: buildDagData(snapshot, createDiskCheck(fx.root, fx.db), hash, { artifacts: true, staleOnly }),
    }),
    status: () => ({
      model: modelStatusData(model, indexed(), hash),
      snapshot: buildStatusData(
        loadSnapshot(fx.db, { withOutputs: true }),
        createDiskCheck(fx.root, fx.db),
        hash,
      ),
    }),
  };
}

describe("dag and status over the lineage model", () => {
  for (const [name, edit] of Object.entries(EDITS)) {
    it(`answer exactly as over a snapshot after ${name}`, () => {
      pipeline();
      edit();
      const both = bothWays();
      for (const staleOnly of [false, true]) {
        const dag = both.dag(staleOnly);
        expect(dag.model).toEqual(dag.snapshot);
      }
      const status = both.status();
      expect(status.model).toEqual(status.snapshot);
      const full = buildModelFromDb(fx.db);
      expect(full).toEqual(buildLineageModel(loadSnapshot(fx.db, { withOutputs: true, withHashes: true })));
      // The steps-only model answers `roar dag` (no artifacts) exactly as the whole one.
      const steps = buildPipelineModel(fx.db);
      const dagOf = (model: LineageModel, staleOnly: boolean) =>
        modelDagData(
          model,
          createIndexedDiskCheck(fx.root, fx.db, (i) => pathAt(model, i), model.pathEnd.length),
          recordedHashFromDb(fx.db),
          { staleOnly },
        );
      for (const staleOnly of [false, true]) expect(dagOf(steps, staleOnly)).toEqual(dagOf(full, staleOnly));
      expect(steps.order).toEqual(full.order);
      expect(steps.depIndex).toEqual(full.depIndex);
      if (name !== "nothing") expect(status.model.upToDate).toBe(false);
    });
  }

  it("sees a hand-edited intermediate through a cached model", () => {
    pipeline();
    const cacheFile = path.join(fx.root, ".roar", "cache", "model.v8");
    const first = loadLineageModel(fx.db, { cacheFile });
    expect(fs.existsSync(cacheFile)).toBe(true);
    fx.write("mb.pt", "edited by hand");
    const model = loadLineageModel(fx.db, { cacheFile });
    expect(model).toEqual(first);
    // A steps-only model in the cache does not do for the artifact list, and is replaced.
    fs.rmSync(cacheFile);
    expect(loadLineageModel(fx.db, { cacheFile, artifacts: false }).hasArtifacts).toBe(false);
    expect(loadLineageModel(fx.db, { cacheFile }).hasArtifacts).toBe(true);
    expect(loadLineageModel(fx.db, { cacheFile, artifacts: false }).hasArtifacts).toBe(true);
    const disk = createIndexedDiskCheck(fx.root, fx.db, (i) => pathAt(model, i), model.pathEnd.length);
    const dag = modelDagData(model, disk, recordedHashFromDb(fx.db));
    expect(dag.steps.filter((s) => s.state === "stale").map((s) => s.step)).toEqual([4, 5]);
  });
});

describe("loadLineageModel", () => {
  it("rebuilds when a job is recorded, and ignores a cache file it cannot read", () => {
    pipeline();
    const cacheFile = path.join(fx.root, ".roar", "cache", "model.v8");
    expect(loadLineageModel(fx.db, { cacheFile }).jobId.length).toBe(5);
    fx.write("extra.txt", "x");
    fx.run("extra", { inputs: ["report.md"], outputs: ["extra.txt"] });
    expect(loadLineageModel(fx.db, { cacheFile }).jobId.length).toBe(6);
    fs.writeFileSync(cacheFile, "not a cache");
    expect(loadLineageModel(fx.db, { cacheFile }).jobId.length).toBe(6);
    // A re-run supersedes in the same transaction as it records: the step count stays.
    fx.run("extra", { inputs: ["report.md"], outputs: ["extra.txt"] });
    const model = loadLineageModel(fx.db, { cacheFile });
    expect(model.jobId.length).toBe(6);
    expect(loadLineageModel(fx.db, { cacheFile })).toEqual(model);
  });

  it("does not take another database's cache for its own, however alike", () => {
    pipeline();
    const cacheFile = path.join(fx.root, ".roar", "cache", "model.v8");
    const first = loadLineageModel(fx.db, { cacheFile });
    const firstProject = fx;
    pipeline(); // the same jobs again, in a new store
    try {
      const model = loadLineageModel(fx.db, { cacheFile });
      expect(model.jobId).toEqual(first.jobId);
      expect(model.uid).not.toBe(first.uid);
      expect(model.uid).toBe(loadLineageModel(fx.db).uid);
    } finally {
      firstProject.close();
    }
  });
});
