import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jobInput, tmpProject } from "../test-utils/job-input.js";
import { resolveRef } from "./resolve-ref.js";
import { AmbiguousRefError, openStore } from "./store.js";

function filled() {
  const project = tmpProject();
  const store = openStore(project);
  store.recordJob(
    jobInput({ uid: "aaaa11111111", outputs: [{ path: "data/clean.csv", hash: "ab".repeat(32), size: 1 }] }),
  );
  store.recordJob(
    jobInput({ uid: "aaaa22222222", outputs: [{ path: "model.pt", hash: "cd".repeat(32), size: 2 }] }),
  );
  return { project, store };
}

describe("resolveRef", () => {
  it("resolves @N, bare N, uid prefixes, hash prefixes and paths (relative to the cwd)", () => {
    const { project, store } = filled();
    const root = project.root;
    expect(resolveRef(store, project, undefined, root)).toMatchObject({ kind: "job", job: { step: 2 } });
    expect(resolveRef(store, project, "@1", root)).toMatchObject({
      kind: "job",
      job: { uid: "aaaa11111111" },
    });
    expect(resolveRef(store, project, "2", root)).toMatchObject({
      kind: "job",
      job: { uid: "aaaa22222222" },
    });
    expect(resolveRef(store, project, "aaaa2", root)).toMatchObject({ kind: "job", job: { step: 2 } });
    expect(resolveRef(store, project, "cdcd", root)).toMatchObject({
      kind: "hash",
      artifacts: [{ size: 2 }],
    });
    expect(resolveRef(store, project, "model.pt", root)).toEqual({ kind: "path", path: "model.pt" });
    fs.mkdirSync(path.join(root, "data"));
    expect(resolveRef(store, project, "clean.csv", path.join(root, "data"))).toEqual({
      kind: "path",
      path: "data/clean.csv",
    });
    store.close();
  });

  it("says what is missing, and lists candidates for an ambiguous prefix", () => {
    const { project, store } = filled();
    expect(() => resolveRef(store, project, "@99", project.root)).toThrow(/^No job @99 \(latest is @2\)$/);
    expect(() => resolveRef(store, project, "99", project.root)).toThrow(/^No job @99 \(latest is @2\)$/);
    expect(() => resolveRef(store, project, "nope.txt", project.root)).toThrow(
      /^No job, file or hash matches 'nope.txt'$/,
    );
    expect(() => resolveRef(store, project, "aaaa", project.root)).toThrow(AmbiguousRefError);
    fs.writeFileSync(path.join(project.root, "notes.txt"), "x");
    expect(() => resolveRef(store, project, "notes.txt", project.root)).toThrow(
      /notes.txt was never read or written/,
    );
    store.close();
    const empty = tmpProject();
    const none = openStore(empty, { readonly: true });
    expect(() => resolveRef(none, empty, undefined, empty.root)).toThrow(/^No jobs recorded yet$/);
  });
});
