import { describe, expect, it } from "vitest";
import { compileNoise, globToRegExp } from "./noise.js";

describe("compileNoise", () => {
  const isNoise = compileNoise({
    projectRoot: "/proj",
    dirs: ["/opt/py/lib/python3.12", "/shim"],
    ignoreGlobs: ["*.log", "data/cache", "/scratch/**/*.tmp"],
  });
  it("drops the system, interpreter, roar's own files and byte code", () => {
    for (const p of [
      "/proc/self/status",
      "/dev/null",
      "/etc/ld.so.cache",
      "/usr/lib/x86_64-linux-gnu/libc.so.6",
      "/opt/py/lib/python3.12/os.py",
      "/shim/sitecustomize.py",
      "/proj/.roar/roar.db",
      "/proj/.git/HEAD",
      "/proj/pkg/__pycache__/m.cpython-312.pyc",
    ]) {
      expect(isNoise(p), p).toBe(true);
    }
  });
  it("applies filters.ignore_paths, relative to the root or absolute", () => {
    expect(isNoise("/proj/sub/run.log")).toBe(true);
    expect(isNoise("/proj/data/cache/x.bin")).toBe(true);
    expect(isNoise("/scratch/a/b/c.tmp")).toBe(true);
    expect(isNoise("/proj/data/train.csv")).toBe(false);
    expect(isNoise("/etc/hosts")).toBe(false);
  });
  it("turns globs into anchored expressions", () => {
    expect(globToRegExp("data/**/*.csv").re.test("data/a/b/x.csv")).toBe(true);
    expect(globToRegExp("data/**/*.csv").re.test("data/x.csv")).toBe(true);
    expect(globToRegExp("data/*.csv").re.test("data/a/x.csv")).toBe(false);
  });
});
