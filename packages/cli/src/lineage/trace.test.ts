import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { blake3File } from "./disk-check.js";
import { sqliteLineageSource } from "./lineage-source.js";
import { traceLineage, UnknownPathError } from "./trace.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

const trace = (rel: string) => {
  let disk: string | null = null;
  try {
    disk = blake3File(path.join(fx.root, rel));
  } catch {}
  return traceLineage(sqliteLineageSource(fx.db), rel, disk);
};

describe("traceLineage", () => {
  it("returns the upstream closure oldest first, leaving out unrelated steps", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "raw");
    fx.write("clean.csv", "clean");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("other.txt", "o");
    fx.run("unrelated", { inputs: ["raw.csv"], outputs: ["other.txt"] });
    fx.write("model.pt", "model");
    fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    fx.write("metrics.json", "m");
    fx.run("eval", { inputs: ["model.pt", "clean.csv"], outputs: ["metrics.json"] });
    const data = trace("metrics.json");
    expect(data.onDisk).toBe("same");
    expect(data.jobs.map((j) => j.command)).toEqual(["prep", "train", "eval"]);
    expect(data.jobs[2]!.inputs).toEqual([
      expect.objectContaining({ path: "clean.csv", producer: 1 }),
      expect.objectContaining({ path: "model.pt", producer: 3 }),
    ]);
    expect(data.jobs[0]!.inputs[0]!.producer).toBeNull();
    expect(data.jobs[0]!.pythons).toEqual([expect.objectContaining({ version: "3.12.1", abiTag: "cp312" })]);
  });

  it("follows the runs that wrote the content consumed, even when they are superseded", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "raw");
    fx.write("clean.csv", "v1");
    const old = fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("model.pt", "model");
    fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    fx.write("clean.csv", "v2");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    const data = trace("model.pt");
    expect(data.jobs).toHaveLength(2);
    expect(data.jobs[0]).toMatchObject({ step: old.step, superseded: true });
  });

  it("says when the file on disk is not the recorded version", () => {
    fx = fixtureProject();
    fx.write("out.txt", "recorded");
    fx.run("make", { outputs: ["out.txt"] });
    fx.write("out.txt", "edited");
    const data = trace("out.txt");
    expect(data.onDisk).toBe("modified");
    expect(data.jobs).toHaveLength(1);
  });

  it("knows source files and rejects files it never saw", () => {
    fx = fixtureProject();
    fx.write("raw.csv", "raw");
    fx.run("read", { inputs: ["raw.csv"] });
    expect(trace("raw.csv")).toMatchObject({ source: true, jobs: [] });
    expect(() => trace("data/x.csv")).toThrow(UnknownPathError);
  });
});
