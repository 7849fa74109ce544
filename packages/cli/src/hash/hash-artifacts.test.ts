import fs from "node:fs";
import path from "node:path";
import { blake3 } from "@napi-rs/blake-hash";
import { describe, expect, it } from "vitest";
import { openStore } from "../store/store.js";
import { tmpProject } from "../test-utils/job-input.js";
import { hashArtifacts } from "./hash-artifacts.js";

const hex = (s: string) => blake3(s).toString("hex");

describe("hashArtifacts", () => {
  it("hashes files and reports vanished or unreadable ones as errors, not crashes", async () => {
    const project = tmpProject();
    const a = path.join(project.root, "a.txt");
    const sub = path.join(project.root, "sub");
    fs.writeFileSync(a, "alpha");
    fs.mkdirSync(sub);
    const gone = path.join(project.root, "gone.txt");
    const result = await hashArtifacts([a, gone, sub], null);
    expect([...result.keys()]).toEqual([a, gone, sub]);
    expect(result.get(a)).toEqual({ hash: hex("alpha"), size: 5 });
    expect(result.get(gone)).toEqual({ error: "file vanished before it could be hashed" });
    expect(result.get(sub)).toEqual({ error: "not a regular file" });
  });

  it("never re-hashes an unchanged file: the cache answers while size and mtime match", async () => {
    const project = tmpProject();
    const store = openStore(project);
    const p = path.join(project.root, "model.pt");
    fs.writeFileSync(p, "version-1");
    const when = new Date("2025-01-01T00:00:00Z");
    fs.utimesSync(p, when, when);
    expect((await hashArtifacts([p], store)).get(p)).toEqual({ hash: hex("version-1"), size: 9 });

    // Same size, same mtime, other bytes: only a cache hit can still answer version-1's hash.
    fs.writeFileSync(p, "version-2");
    fs.utimesSync(p, when, when);
    const events: boolean[] = [];
    const again = await hashArtifacts([p], store, (e) => events.push(e.cached));
    expect(again.get(p)).toEqual({ hash: hex("version-1"), size: 9 });
    expect(events).toEqual([true]);

    // A new mtime invalidates the entry.
    fs.utimesSync(p, new Date(), new Date());
    expect((await hashArtifacts([p], store)).get(p)).toEqual({ hash: hex("version-2"), size: 9 });
    store.close();
  });

  it("reports progress in bytes across files", async () => {
    const project = tmpProject();
    const files = ["x", "y"].map((n) => {
      const p = path.join(project.root, n);
      fs.writeFileSync(p, n.repeat(1000));
      return p;
    });
    const seen: { filesDone: number; bytesDone: number; bytesTotal: number }[] = [];
    await hashArtifacts(files, null, (e) => seen.push(e));
    expect(seen.at(-1)).toMatchObject({ filesDone: 2, bytesDone: 2000, bytesTotal: 2000 });
  });
});
