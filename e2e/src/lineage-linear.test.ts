// preprocess → train → evaluate through the real CLI and a real Python: lineage, re-runs that
// supersede, staleness downstream of a change, and a hand-edited intermediate file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DagJson, type LineageProject, lineageProject, python } from "./lineage-project.js";

if (!python) console.log("lineage-linear: skipped, no local CPython 3.8+ found");

interface LineageJson {
  path: string;
  onDisk: string;
  jobs: {
    step: number;
    command: string;
    exitCode: number;
    pythons: { version: string }[];
    inputs: { path: string }[];
  }[];
}
interface StatusJson {
  upToDate: boolean;
  changedOutputs: { path: string; state: string; step: number }[];
  staleSteps: { step: number }[];
  rerun: { step: number; command: string }[];
}

describe.skipIf(!python)("lineage: a linear pipeline", () => {
  let p: LineageProject;
  beforeAll(() => {
    p = lineageProject("lineage-linear");
    p.write("data/raw.csv", "x,y\n1,2\n");
    p.step(["data/clean.csv"], ["data/raw.csv"]); // @1 preprocess
    p.step(["data/model.bin"], ["data/clean.csv"]); // @2 train
    p.step(["data/metrics.json"], ["data/model.bin", "data/clean.csv"]); // @3 evaluate
  });
  afterAll(() => p?.cleanup());

  const stale = () =>
    p
      .json<DagJson>(["dag", "--format", "json"])
      .steps.filter((s) => s.state === "stale")
      .map((s) => s.step);

  it("traces the final file through exactly the three jobs, oldest first", () => {
    const data = p.json<LineageJson>(["lineage", "data/metrics.json", "--json"]);
    expect(data.onDisk).toBe("same");
    expect(data.jobs.map((j) => j.step)).toEqual([1, 2, 3]);
    expect(data.jobs.every((j) => j.exitCode === 0 && j.pythons.length > 0)).toBe(true);
    const text = p.roar(["lineage", "data/metrics.json"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Lineage of data\/metrics\.json \(\w+\): 3 jobs, oldest first/);
  });

  it("draws the chain and reports a clean state", () => {
    const dag = p.json<DagJson>(["dag", "--json"]);
    expect(dag.steps.map((s) => [s.step, s.dependencies, s.state])).toEqual([
      [1, [], "active"],
      [2, [1], "active"],
      [3, [1, 2], "active"],
    ]);
    const text = p.roar(["dag"]).stdout;
    expect(text.split("\n")[0]).toBe("Pipeline: 3 steps");
    expect(text).toContain("← @1 @2");
    expect(text).not.toContain("[stale]");
    expect(p.roar(["status"]).stdout.trim()).toBe("Everything is up to date.");
  });

  it("refuses a file it never saw, in one line with a hint", () => {
    const r = p.roar(["lineage", "data/x.csv"]);
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe("roar: no record of data/x.csv");
    expect(r.stderr).toMatch(/hint: .*roar run.*roar log/);
  });

  it("keeps @1 on a re-run with a new input, supersedes the old run, and marks everything downstream stale", () => {
    p.write("data/raw.csv", "x,y\n1,2\n3,4\n");
    const rerun = p.step(["data/clean.csv"], ["data/raw.csv"]);
    expect(rerun.stderr).toMatch(/@1 recorded/);
    const expanded = p.json<DagJson>(["dag", "--format", "json", "--expanded"]);
    expect(
      expanded.steps
        .filter((s) => s.step === 1)
        .map((s) => s.state)
        .sort(),
    ).toEqual(["active", "superseded"]);
    expect(stale()).toEqual([2, 3]);
    const status = p.json<StatusJson>(["status", "--json"]);
    expect(status.upToDate).toBe(false);
    expect(status.rerun.map((r) => r.step)).toEqual([2, 3]);
    const text = p.roar(["status"]).stdout;
    expect(text).toMatch(
      /roar run .*tool\.py data\/model\.bin data\/clean\.csv\n.*roar run .*tool\.py data\/metrics\.json/,
    );
    expect(p.roar(["dag", "--stale-only"]).stdout).toMatch(/Pipeline: 3 steps, 2 stale/);
  });

  it("clears once the downstream steps re-ran", () => {
    p.step(["data/model.bin"], ["data/clean.csv"]);
    expect(stale()).toEqual([3]);
    p.step(["data/metrics.json"], ["data/model.bin", "data/clean.csv"]);
    expect(stale()).toEqual([]);
    expect(p.roar(["status"]).stdout.trim()).toBe("Everything is up to date.");
    expect(p.json<LineageJson>(["lineage", "data/metrics.json", "--json"]).jobs.map((j) => j.step)).toEqual([
      1, 2, 3,
    ]);
  });

  it("marks only the consumers of a hand-edited intermediate file stale", () => {
    p.write("data/model.bin", "edited by hand\n");
    expect(stale()).toEqual([3]);
    const status = p.json<StatusJson>(["status", "--json"]);
    expect(status.changedOutputs).toEqual([{ path: "data/model.bin", state: "modified", step: 2 }]);
    expect(status.rerun.map((r) => r.step)).toEqual([3]);
    const lineage = p.roar(["lineage", "data/model.bin"]);
    expect(lineage.status).toBe(0);
    expect(lineage.stdout).toContain("on disk differs from the last recorded version");
  });
});
