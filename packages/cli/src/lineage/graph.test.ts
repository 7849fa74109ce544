import { afterEach, describe, expect, it } from "vitest";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { buildGraph, topoOrder } from "./graph.js";
import { loadSnapshot } from "./load-snapshot.js";
import type { JobNode } from "./snapshot.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

const steps = (jobs: JobNode[]) => jobs.map((j) => j.step);

describe("buildGraph", () => {
  it("links a consumer to the producer of the path it read", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "a");
    fx.write("clean.csv", "b");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("model.pt", "m");
    fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    fx.write("metrics.json", "{}");
    fx.run("eval", { inputs: ["model.pt", "clean.csv"], outputs: ["metrics.json"] });
    const graph = buildGraph(loadSnapshot(fx.db));
    const dep = (step: number) => steps((graph.deps.get(step) ?? []).map((id) => graph.byId.get(id)!));
    expect(dep(1)).toEqual([]);
    expect(dep(2)).toEqual([1]);
    expect(dep(3)).toEqual([1, 2]);
    expect(steps((graph.dependents.get(1) ?? []).map((id) => graph.byId.get(id)!))).toEqual([2, 3]);
  });

  it("uses only the current run of a step unless history is asked for", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "a");
    fx.write("clean.csv", "b1");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("model.pt", "m");
    fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    fx.write("clean.csv", "b2");
    const rerun = fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    expect(rerun.step).toBe(1);
    const current = buildGraph(loadSnapshot(fx.db));
    expect(current.nodes.map((j) => j.step)).toEqual([2, 1]);
    const history = buildGraph(loadSnapshot(fx.db, { includeSuperseded: true }), { includeSuperseded: true });
    expect(history.nodes).toHaveLength(3);
    // train still depends on step 1 (its current run); the old run keeps its own record.
    const train = history.nodes.find((j) => j.step === 2)!;
    expect(history.deps.get(train.id)).toEqual([rerun.id]);
  });
});

describe("topoOrder", () => {
  it("puts every step after the steps it depends on, even when step numbers say otherwise", () => {
    fx = fixtureProject();
    fx.write("b.txt", "b");
    fx.run("consumer-first", { inputs: ["b.txt"], outputs: [] });
    fx.write("a.txt", "a");
    fx.run("makes-b", { inputs: ["a.txt"], outputs: ["b.txt"] });
    const graph = buildGraph(loadSnapshot(fx.db));
    expect(topoOrder(graph).map((j) => j.command)).toEqual(["makes-b", "consumer-first"]);
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
    const order = topoOrder(buildGraph(loadSnapshot(fx.db)));
    expect(order).toHaveLength(13);
    expect(new Set(order.map((j) => j.id)).size).toBe(13);
    expect(order.map((j) => j.command).slice(0, 12)).toEqual(
      Array.from({ length: 12 }, (_, i) => `s${i + 1}`),
    );
  });
});
