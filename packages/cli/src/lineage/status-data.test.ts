import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { buildDagData } from "./dag-data.js";
import { createDiskCheck, recordedHashFromDb } from "./disk-check.js";
import { loadSnapshot } from "./load-snapshot.js";
import { buildStatusData } from "./status-data.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

function fanOut() {
  fx = fixtureProject();
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
}

const status = () =>
  buildStatusData(
    loadSnapshot(fx.db, { withOutputs: true }),
    createDiskCheck(fx.root, fx.db),
    recordedHashFromDb(fx.db),
  );
const dag = (options: { expanded?: boolean; staleOnly?: boolean } = { expanded: true }) =>
  buildDagData(
    loadSnapshot(fx.db, { includeSuperseded: options.expanded, withOutputs: true, withHashes: true }),
    createDiskCheck(fx.root, fx.db),
    recordedHashFromDb(fx.db),
    { ...options, artifacts: true },
  );

describe("buildDagData", () => {
  it("gives exact dependencies, counts and artifact roles for a fan-out / fan-in", () => {
    fanOut();
    const data = dag();
    expect(data.steps.map((s) => [s.step, s.dependencies, s.consumed, s.produced, s.state])).toEqual([
      [1, [], 1, 2, "active"],
      [2, [1], 1, 1, "active"],
      [3, [1], 1, 1, "active"],
      [4, [2, 3], 2, 1, "active"],
    ]);
    const merged = data.artifacts.find((a) => a.path === "merged.pt")!;
    expect(merged).toMatchObject({ producer: 4, consumers: [], terminal: true, state: "current" });
    expect(data.artifacts.find((a) => a.path === "raw.csv")).toMatchObject({
      producer: null,
      consumers: [1],
      terminal: false,
    });
  });

  it("shows superseded runs only when expanded", () => {
    fanOut();
    fx.write("a.csv", "a2");
    fx.run("split", { inputs: ["raw.csv"], outputs: ["a.csv", "b.csv"] });
    const data = dag();
    expect(data.steps.filter((s) => s.state === "superseded").map((s) => s.step)).toEqual([1]);
    expect(data.steps.filter((s) => s.state === "stale").map((s) => s.step)).toEqual([2, 4]);
    const current = dag({ staleOnly: true });
    expect(current.steps.map((s) => s.step)).toEqual([2, 4]);
  });
});

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
    expect(data.staleSteps.map((s) => s.step)).toEqual([3, 4]);
    expect(data.rerun.map((r) => r.command)).toEqual(["train-b", "merge"]);
  });

  it("re-runs the producer of a missing output before its consumers", () => {
    fanOut();
    fs.rmSync(path.join(fx.root, "ma.pt"));
    const data = status();
    expect(data.changedOutputs).toEqual([{ path: "ma.pt", state: "missing", step: 2 }]);
    expect(data.rerun.map((r) => r.step)).toEqual([2, 4]);
  });
});
