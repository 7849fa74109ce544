import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cachedRuntimePaths, runtimeCacheRoot } from "./cache-root.js";

describe("runtimeCacheRoot", () => {
  it("follows XDG_CACHE_HOME and ignores a relative one", () => {
    expect(runtimeCacheRoot({ XDG_CACHE_HOME: "/x/cache", HOME: "/h" })).toBe("/x/cache/roar/runtime");
    expect(runtimeCacheRoot({ XDG_CACHE_HOME: "rel", HOME: "/h" })).toBe("/h/.cache/roar/runtime");
  });
});

describe("cachedRuntimePaths", () => {
  it("lists every tree's site-packages, leaving out locks and leftovers of installs", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "roar-rt-root-"));
    for (const d of [
      "cp312-cp312-linux_x86_64-glibc",
      "cp39-cp39-linux_x86_64-glibc",
      ".tmp-cp38-1-x",
      ".old-cp311-2",
    ]) {
      fs.mkdirSync(path.join(root, d, "site-packages"), { recursive: true });
    }
    fs.writeFileSync(path.join(root, "cp38-cp38-linux_x86_64-glibc.lock"), "");
    expect(cachedRuntimePaths(root)).toEqual([
      path.join(root, "cp312-cp312-linux_x86_64-glibc", "site-packages"),
      path.join(root, "cp39-cp39-linux_x86_64-glibc", "site-packages"),
    ]);
    expect(cachedRuntimePaths(path.join(root, "missing"))).toEqual([]);
  });
});
