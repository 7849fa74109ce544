// Pipeline shapes through the real CLI and a real Python: fan-in, fan-out, a 12-step chain, and the
// DOT output rendered by Graphviz itself.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type DagJson, depsByStep, type LineageProject, lineageProject, python } from "./lineage-project.js";

if (!python) console.log("lineage-shapes: skipped, no local CPython 3.8+ found");
const hasDot = spawnSync("dot", ["-V"]).status === 0;
if (!hasDot)
  console.log(
    "lineage-shapes: Graphviz 'dot' not found (apt-get install graphviz); DOT render check skipped",
  );

const projects: LineageProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
});
const project = (name: string) => {
  const p = lineageProject(name);
  projects.push(p);
  return p;
};

describe.skipIf(!python)("lineage: pipeline shapes", () => {
  it("fan-in: three feature extractors feed one combine step", () => {
    const p = project("lineage-fan-in");
    p.write("data/raw.csv", "a,b,c\n");
    p.step(["data/feat_colour.npy"], ["data/raw.csv"]);
    p.step(["data/feat_shape.npy"], ["data/raw.csv"]);
    p.step(["data/feat_size.npy"], ["data/raw.csv"]);
    p.step(["data/features.npy"], ["data/feat_colour.npy", "data/feat_shape.npy", "data/feat_size.npy"]);
    const dag = p.json<DagJson>(["dag", "--json"]);
    expect(depsByStep(dag)).toEqual({ 1: [], 2: [], 3: [], 4: [1, 2, 3] });
    const combine = dag.steps.find((s) => s.step === 4)!;
    expect(combine.produced).toBe(1);
    expect(combine.consumed).toBeGreaterThanOrEqual(3); // + the tool script itself
    expect(dag.artifacts.find((a) => a.path === "data/features.npy")).toMatchObject({
      producer: 4,
      terminal: true,
    });
    expect(p.roar(["dag"]).stdout).toMatch(/@4 {2}.*← @1 @2 @3$/m);
    const lineage = p.json<{ jobs: { step: number }[] }>(["lineage", "data/features.npy", "--json"]);
    expect(lineage.jobs.map((j) => j.step)).toEqual([1, 2, 3, 4]);
  });

  it("fan-out: one split feeds two trainers, merged again; the DOT renders in Graphviz", () => {
    const p = project("lineage-fan-out");
    p.write("data/raw.csv", "1\n2\n3\n4\n");
    p.step(["data/train_a.csv", "data/train_b.csv"], ["data/raw.csv"]);
    p.step(["data/model_a.bin"], ["data/train_a.csv"]);
    p.step(["data/model_b.bin"], ["data/train_b.csv"]);
    p.step(["data/ensemble.bin"], ["data/model_a.bin", "data/model_b.bin"]);
    const dag = p.json<DagJson>(["dag", "--format", "json"]);
    expect(depsByStep(dag)).toEqual({ 1: [], 2: [1], 3: [1], 4: [2, 3] });
    expect(dag.steps.find((s) => s.step === 1)!.produced).toBe(2);
    expect(dag.artifacts.find((a) => a.path === "data/train_a.csv")).toMatchObject({
      producer: 1,
      consumers: [2],
    });

    // A change to one branch makes only that branch and the merge stale.
    p.write("data/train_b.csv", "edited\n");
    const after = p.json<DagJson>(["dag", "--json"]);
    expect(after.steps.filter((s) => s.state === "stale").map((s) => s.step)).toEqual([3, 4]);

    const mermaid = p.roar(["dag", "--format", "mermaid", "--artifacts"]);
    expect(mermaid.status).toBe(0);
    expect(mermaid.stdout.split("\n")[0]).toBe("flowchart LR");
    if (!hasDot) return;
    for (const extra of [[], ["--artifacts"], ["--expanded"]]) {
      const dot = p.roar(["dag", "--format", "dot", ...extra]);
      expect(dot.status).toBe(0);
      const svg = spawnSync("dot", ["-Tsvg"], { input: dot.stdout, encoding: "utf8" });
      expect(svg.stderr).toBe("");
      expect(svg.status).toBe(0);
      expect(svg.stdout).toContain("<svg");
    }
  });

  it("a 12-step chain: every step depends exactly on the one before", () => {
    const p = project("lineage-chain");
    // Letters, not digits: numbered file names are one step's pattern (see step-key.ts).
    const file = (i: number) => `data/stage_${String.fromCharCode(97 + i)}.txt`;
    p.write(file(0), "seed\n");
    for (let i = 1; i <= 12; i++) p.step([file(i)], [file(i - 1)]);
    const dag = p.json<DagJson>(["dag", "--json"]);
    const expected: Record<number, number[]> = {};
    for (let i = 1; i <= 12; i++) expected[i] = i === 1 ? [] : [i - 1];
    expect(depsByStep(dag)).toEqual(expected);
    expect(dag.steps.map((s) => s.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const text = p.roar(["dag"]).stdout;
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    const lineage = p.json<{ jobs: { step: number }[] }>(["lineage", file(12), "--json"]);
    expect(lineage.jobs).toHaveLength(12);
  });

  it("a project with no job yet: dag in every format and status answer, exit 0", () => {
    const p = project("lineage-empty");
    const json = p.roar(["dag", "--format", "json"]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ summary: { steps: 0, stale: 0 }, steps: [], artifacts: [] });
    expect(p.roar(["dag", "--json"], { ROAR_DEBUG: "1" }).stdout).toBe(json.stdout);
    for (const args of [["dag"], ["dag", "--format", "dot"], ["dag", "--format", "mermaid"], ["status"]])
      expect(p.roar(args).status).toBe(0);
  });

  it("dag --format json over 9,000 files streams exactly what the oclif command prints", () => {
    const p = project("lineage-wide");
    p.write("data/raw.csv", "x\n");
    fs.mkdirSync(path.join(p.dir, "o"));
    // Enough files for the streamed document to be written in many chunks.
    const outs = Array.from({ length: 9000 }, (_, i) => `o/${i}`);
    p.step(outs, ["data/raw.csv"]);
    p.step(["data/sum.txt"], ["o/5000", "o/8999"]);
    // Hand edits and a removal far apart in the list (paths sort as text: o/0, o/1, o/10, ...).
    p.write("o/17", "edited\n");
    fs.rmSync(path.join(p.dir, "o/5000"));
    p.write("o/8999", "edited\n");

    const streamed = p.roar(["dag", "--format", "json"]);
    expect(streamed.status).toBe(0);
    // ROAR_DEBUG=1 takes the oclif command, which builds the whole document and prints it.
    const whole = p.roar(["dag", "--json"], { ROAR_DEBUG: "1" });
    expect(whole.status).toBe(0);
    expect(streamed.stdout).toBe(whole.stdout);

    const dag = JSON.parse(streamed.stdout) as DagJson;
    expect(dag.artifacts).toHaveLength(9003); // with data/raw.csv, data/sum.txt and tool.py
    const notCurrent = dag.artifacts.filter((a) => a.state !== "current").map((a) => [a.path, a.state]);
    expect(notCurrent).toEqual([
      ["o/17", "modified"],
      ["o/5000", "missing"],
      ["o/8999", "modified"],
    ]);
    expect(dag.steps.map((s) => [s.step, s.state])).toEqual([
      [1, "active"],
      [2, "stale"],
    ]);
  });
});
