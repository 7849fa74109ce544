import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cachedPreflight, preflightCacheFile, preflightKey } from "./preflight-cache.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "roar-preflight-cache-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const env = { XDG_CACHE_HOME: tmp };

describe("cachedPreflight", () => {
  it("runs the check once per key and again when a file it depends on changes", async () => {
    const tool = path.join(tmp, "tool");
    fs.writeFileSync(tool, "v1");
    let runs = 0;
    const check = async () => {
      runs++;
      return { ok: false as const, reason: `run ${runs}` };
    };
    expect(await cachedPreflight("t", preflightKey([tool]), check, env)).toEqual({
      ok: false,
      reason: "run 1",
    });
    expect(await cachedPreflight("t", preflightKey([tool]), check, env)).toEqual({
      ok: false,
      reason: "run 1",
    });
    expect(fs.existsSync(preflightCacheFile("t", env))).toBe(true);
    fs.writeFileSync(tool, "version 2, another size");
    expect(await cachedPreflight("t", preflightKey([tool]), check, env)).toEqual({
      ok: false,
      reason: "run 2",
    });
    expect(runs).toBe(2);
  });

  it("never caches when a file of the key is missing", async () => {
    expect(preflightKey([path.join(tmp, "missing")])).toBeNull();
    let runs = 0;
    const check = async () => ({ ok: true as const, n: ++runs });
    await cachedPreflight("m", null, check, env);
    await cachedPreflight("m", null, check, env);
    expect(runs).toBe(2);
  });
});
