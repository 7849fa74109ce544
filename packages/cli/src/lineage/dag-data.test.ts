import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskCheckFor, fanOutPipeline } from "../test-utils/lineage-pipelines.js";
import type { FixtureProject } from "../test-utils/lineage-store.js";
import { buildDag, buildDagData, type DagOptions } from "./dag-data.js";
import { recordedHashFromDb } from "./disk-check.js";
import { addHistory, buildModelFromDb } from "./model-from-db.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

const fanOut = () => {
  fx = fanOutPipeline();
};

function dag(options: DagOptions & { expanded?: boolean } = { expanded: true }) {
  const current = buildModelFromDb(fx.db);
  const model = options.expanded ? addHistory(fx.db, current) : current;
  return buildDagData(model, diskCheckFor(fx, model), recordedHashFromDb(fx.db), {
    artifacts: true,
    ...options,
  });
}

describe("buildDagData", () => {
  it("gives exact dependencies, counts and artifact roles for a fan-out / fan-in", () => {
    fanOut();
    const data = dag();
    expect(data.summary).toEqual({ steps: 4, stale: 0 });
    expect(data.steps.map((s) => [s.step, s.dependencies, s.consumed, s.produced, s.state])).toEqual([
      [1, [], 1, 2, "active"],
      [2, [1], 1, 1, "active"],
      [3, [1], 1, 1, "active"],
      [4, [2, 3], 2, 1, "active"],
    ]);
    expect(data.artifacts.map((a) => a.path)).toEqual([
      "a.csv",
      "b.csv",
      "ma.pt",
      "mb.pt",
      "merged.pt",
      "raw.csv",
    ]);
    const merged = data.artifacts.find((a) => a.path === "merged.pt")!;
    expect(merged).toMatchObject({ producer: 4, consumers: [], terminal: true, state: "current" });
    expect(data.artifacts.find((a) => a.path === "raw.csv")).toMatchObject({
      producer: null,
      consumers: [1],
      terminal: false,
    });
    expect(data.artifacts.find((a) => a.path === "a.csv")).toMatchObject({
      producer: 1,
      consumers: [2],
      terminal: false,
    });
  });

  it("shows superseded runs only when expanded, never stale, and not in the summary", () => {
    fanOut();
    fx.write("a.csv", "a2");
    fx.run("split", { inputs: ["raw.csv"], outputs: ["a.csv", "b.csv"] });
    const data = dag();
    expect(data.summary).toEqual({ steps: 4, stale: 2 });
    expect(data.steps.filter((s) => s.state === "superseded").map((s) => s.step)).toEqual([1]);
    expect(data.steps.filter((s) => s.state === "superseded")[0]!.reasons).toEqual([]);
    expect(data.steps.filter((s) => s.state === "stale").map((s) => s.step)).toEqual([2, 4]);
    expect(data.steps.find((s) => s.step === 2)!.reasons).toEqual([
      "a.csv changed: @1 re-ran with other output",
    ]);
    expect(data.steps.find((s) => s.step === 4)!.reasons).toEqual(["depends on stale @2"]);
    const current = dag({ staleOnly: true });
    expect(current.steps.map((s) => s.step)).toEqual([2, 4]);
    expect(dag({ expanded: true, staleOnly: true })).toEqual(current);
    expect(dag({}).steps.map((s) => s.state)).not.toContain("superseded");
  });

  it("lists with --stale-only only the files a stale step reads or writes, each as on disk now", () => {
    fanOut();
    fx.write("mb.pt", "edited by hand");
    const data = dag({ staleOnly: true });
    expect(data.summary).toEqual({ steps: 4, stale: 1 });
    expect(data.artifacts.map((a) => [a.path, a.state])).toEqual([
      ["ma.pt", "current"],
      ["mb.pt", "modified"],
      ["merged.pt", "current"],
    ]);
  });

  it("streams the same artifacts buildDagData lists", () => {
    fanOut();
    fs.rmSync(path.join(fx.root, "ma.pt"));
    const model = buildModelFromDb(fx.db);
    const disk = () => diskCheckFor(fx, model);
    const streamed = buildDag(model, disk(), recordedHashFromDb(fx.db), { artifacts: true });
    expect(streamed.data.artifacts).toEqual([]);
    const listed = buildDagData(model, disk(), recordedHashFromDb(fx.db), { artifacts: true });
    expect([...streamed.artifacts()]).toEqual(listed.artifacts);
    expect(listed.artifacts.find((a) => a.path === "ma.pt")!.state).toBe("missing");
  });
});
