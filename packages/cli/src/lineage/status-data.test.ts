import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskCheckFor, fanOutPipeline } from "../test-utils/lineage-pipelines.js";
import type { FixtureProject } from "../test-utils/lineage-store.js";
import { recordedHashFromDb } from "./disk-check.js";
import { buildModelFromDb } from "./model-from-db.js";
import { buildStatusData } from "./status-data.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

const fanOut = () => {
  fx = fanOutPipeline();
};

function status() {
  const model = buildModelFromDb(fx.db);
  return buildStatusData(model, diskCheckFor(fx, model), recordedHashFromDb(fx.db));
}

describe("buildStatusData", () => {
  it("is up to date when nothing changed", () => {
    fanOut();
    expect(status()).toEqual({ upToDate: true, changedOutputs: [], staleSteps: [], rerun: [] });
  });

  it("lists a hand-edited output, its stale consumers and the re-runs in pipeline order", () => {
    fanOut();
    fx.write("b.csv", "edited");
    const data = status();
    expect(data.changedOutputs).toEqual([{ path: "b.csv", state: "modified", step: 1 }]);
    expect(data.staleSteps.map((s) => [s.step, s.command, s.reasons])).toEqual([
      [3, "train-b", ["b.csv was modified since it was read"]],
      [4, "merge", ["depends on stale @3"]],
    ]);
    expect(data.rerun).toEqual([
      { step: 3, command: "train-b", cwd: fx.root },
      { step: 4, command: "merge", cwd: fx.root },
    ]);
  });

  it("re-runs the producer of a missing output before its consumers", () => {
    fanOut();
    fs.rmSync(path.join(fx.root, "ma.pt"));
    const data = status();
    expect(data.changedOutputs).toEqual([{ path: "ma.pt", state: "missing", step: 2 }]);
    expect(data.rerun.map((r) => r.step)).toEqual([2, 4]);
  });

  it("needs no re-run for an edited final output, but is not up to date", () => {
    fanOut();
    fx.write("merged.pt", "by hand");
    const data = status();
    expect(data.upToDate).toBe(false);
    expect(data.changedOutputs).toEqual([{ path: "merged.pt", state: "modified", step: 4 }]);
    expect(data.staleSteps).toEqual([]);
    expect(data.rerun).toEqual([]);
  });

  it("takes a directory where a file was as modified", () => {
    fanOut();
    fs.rmSync(path.join(fx.root, "mb.pt"));
    fs.mkdirSync(path.join(fx.root, "mb.pt"));
    const data = status();
    expect(data.changedOutputs).toEqual([{ path: "mb.pt", state: "modified", step: 3 }]);
    expect(data.staleSteps.map((s) => s.step)).toEqual([4]);
  });
});
