import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { createDiskCheck, recordedHashFromDb } from "./disk-check.js";
import { buildGraph } from "./graph.js";
import { loadSnapshot } from "./load-snapshot.js";
import { computeStaleness } from "./staleness.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

function pipeline() {
  fx = fixtureProject();
  fx.write("raw.csv", "raw");
  fx.write("clean.csv", "clean");
  fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
  fx.write("model.pt", "model");
  fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
  fx.write("metrics.json", "m");
  fx.run("eval", { inputs: ["model.pt"], outputs: ["metrics.json"] });
  fx.write("report.md", "r");
  fx.run("report", { inputs: ["raw.csv"], outputs: ["report.md"] });
}

function staleSteps() {
  const graph = buildGraph(loadSnapshot(fx.db));
  const stale = computeStaleness(graph, createDiskCheck(fx.root, fx.db), recordedHashFromDb(fx.db));
  return new Map([...stale].map(([id, reasons]) => [graph.byId.get(id)!.step, reasons]));
}

describe("computeStaleness", () => {
  it("is empty for a pipeline whose files are as recorded", () => {
    pipeline();
    expect(staleSteps().size).toBe(0);
  });

  it("marks the consumers of a re-run step with other output, and everything downstream", () => {
    pipeline();
    fx.write("raw.csv", "raw v2");
    fx.write("clean.csv", "clean v2");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    const stale = staleSteps();
    expect([...stale.keys()].sort()).toEqual([2, 3, 4]);
    expect(stale.get(2)).toEqual([{ kind: "upstream-changed", path: "clean.csv", step: 1 }]);
    expect(stale.get(3)).toEqual([{ kind: "upstream-stale", step: 2 }]);
    expect(stale.get(4)).toEqual([{ kind: "input-modified", path: "raw.csv" }]);
  });

  it("clears once the downstream steps re-ran", () => {
    pipeline();
    fx.write("clean.csv", "clean v2");
    fx.run("prep", { inputs: ["raw.csv"], outputs: ["clean.csv"] });
    fx.write("model.pt", "model v2");
    fx.run("train", { inputs: ["clean.csv"], outputs: ["model.pt"] });
    expect([...staleSteps().keys()]).toEqual([3]);
    fx.run("eval", { inputs: ["model.pt"], outputs: ["metrics.json"] });
    expect(staleSteps().size).toBe(0);
  });

  it("marks only the consumers of a hand-edited intermediate file", () => {
    pipeline();
    fx.write("model.pt", "edited by hand");
    const stale = staleSteps();
    expect([...stale.keys()]).toEqual([3]);
    expect(stale.get(3)).toEqual([{ kind: "input-modified", path: "model.pt" }]);
  });

  it("notices an edit that keeps the size (hash, not only size) and a missing input", () => {
    pipeline();
    fx.write("clean.csv", "CLEAN");
    fs.rmSync(path.join(fx.root, "raw.csv"));
    const stale = staleSteps();
    expect(stale.get(1)).toEqual([{ kind: "input-missing", path: "raw.csv" }]);
    expect(stale.get(2)).toContainEqual({ kind: "input-modified", path: "clean.csv" });
    expect([...stale.keys()].sort()).toEqual([1, 2, 3, 4]);
  });

  it("trusts the hash cache when the file's identity is unchanged", () => {
    pipeline();
    const abs = path.join(fx.root, "model.pt");
    const st = fs.statSync(abs, { bigint: true });
    // A cache row claiming other content proves the file was not re-hashed.
    fx.db
      .prepare("INSERT INTO hash_cache (dev, ino, size, mtime_ns, hash) VALUES (?, ?, ?, ?, ?)")
      .run(BigInt.asIntN(64, st.dev), BigInt.asIntN(64, st.ino), st.size, String(st.mtimeNs), "f".repeat(64));
    expect([...staleSteps().keys()]).toEqual([3]);
  });

  it("does not treat a file a step read and rewrote as changed under it", () => {
    fx = fixtureProject();
    fx.write("counter.txt", "1");
    fx.write("counter.txt", "2");
    fx.run("bump", { inputs: ["counter.txt"], outputs: ["counter.txt"] });
    expect(staleSteps().size).toBe(0);
  });
});

describe("createDiskCheck", () => {
  it("takes a file untouched since well before the job ended as recorded, without hashing it", () => {
    fx = fixtureProject();
    fx.write("old.txt", "old");
    const hashFile = () => {
      throw new Error("hashed");
    };
    const check = createDiskCheck(fx.root, fx.db, { hashFile });
    expect(check("old.txt", Date.now() + 60_000, () => "whatever")).toBe("same");
    expect(check("gone.txt", Date.now(), () => "whatever")).toBe("missing");
  });

  it("hashes a file changed after the job and compares content, not only size", () => {
    fx = fixtureProject();
    fx.write("new.txt", "abc");
    let hashed = 0;
    const check = createDiskCheck(fx.root, fx.db, {
      hashFile: () => {
        hashed++;
        return "h-now";
      },
    });
    expect(check("new.txt", Date.now() - 60_000, () => "h-then")).toBe("modified");
    expect(check("new.txt", Date.now() - 60_000, () => "h-now")).toBe("same");
    expect(hashed).toBe(1);
  });
});
