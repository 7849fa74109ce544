import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskCheckFor, fanOutPipeline } from "../test-utils/lineage-pipelines.js";
import type { FixtureProject } from "../test-utils/lineage-store.js";
import { buildDagData } from "./dag-data.js";
import { recordedHashFromDb } from "./disk-check.js";
import { loadLineageModel } from "./model-cache.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

/** The fan-out / fan-in, and a report on the merged model. */
function pipeline() {
  fx = fanOutPipeline();
  fx.write("report.md", "r");
  fx.run("report", { inputs: ["merged.pt"], outputs: ["report.md"] });
}

describe("loadLineageModel", () => {
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
    const dag = buildDagData(model, diskCheckFor(fx, model), recordedHashFromDb(fx.db));
    expect(dag.steps.filter((s) => s.state === "stale").map((s) => s.step)).toEqual([4, 5]);
  });

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
    expect(model.current).toBe(6);
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
