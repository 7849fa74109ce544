import fs from "node:fs";
import path from "node:path";
import type { PythonIdentity } from "@roar/abi-probe";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureRuntime } from "./ensure-runtime.js";
import { listRuntimes, removeRuntime } from "./list-runtimes.js";
import { buildWheelhouse, localIdentities, tmpDir, whyNoWheels } from "./test-utils/pythons.js";

let identities: PythonIdentity[] = [];
let wheelhouse = "";
let skipReason: string | null = null;

beforeAll(async () => {
  const local = await localIdentities();
  skipReason = whyNoWheels(local);
  if (skipReason) return;
  wheelhouse = tmpDir("wheelhouse");
  identities = buildWheelhouse(local.slice(0, 2), wheelhouse);
  if (identities.length === 0) skipReason = "build_wheel.py built no wheel";
});

describe("listRuntimes / removeRuntime", () => {
  it("lists installed trees, sweeps leftovers of killed installs, and clears", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const root = tmpDir("cache");
    for (const identity of identities) {
      const result = await ensureRuntime(identity, {
        mode: "auto",
        roarVersion: "0.1.0",
        wheelhouse: [wheelhouse],
        findLinks: [],
        indexUrl: null,
        useDefaultIndex: false,
        installer: "pip",
        timeoutMs: 120_000,
        cacheRoot: root,
      });
      expect(result.status).toBe("installed");
    }
    // Leftovers: a temp dir whose owner (this host, a pid that cannot exist) is dead, and an old tree.
    const deadTmp = path.join(root, ".tmp-cp399-cp399-linux_x86_64-glibc-4194999-abc");
    fs.mkdirSync(deadTmp);
    fs.writeFileSync(
      path.join(deadTmp, "owner.json"),
      JSON.stringify({ host: (await import("node:os")).hostname(), pid: 4194999 }),
    );
    const liveTmp = path.join(root, `.tmp-cp399-cp399-linux_x86_64-glibc-${process.pid}-def`);
    fs.mkdirSync(liveTmp);
    fs.writeFileSync(
      path.join(liveTmp, "owner.json"),
      JSON.stringify({ host: (await import("node:os")).hostname(), pid: process.pid }),
    );
    fs.mkdirSync(path.join(root, ".old-cp399-cp399-linux_x86_64-glibc-1000"));

    const listed = listRuntimes(root);
    expect(listed.map((e) => e.key)).toEqual(identities.map((i) => i.runtimeKey).sort());
    for (const entry of listed) {
      expect(entry.stamp?.roarVersion).toBe("0.1.0");
      expect(entry.sizeBytes).toBeGreaterThan(1000);
    }
    expect(fs.existsSync(deadTmp)).toBe(false);
    expect(fs.existsSync(liveTmp)).toBe(true); // an install in progress is never swept
    expect(fs.existsSync(path.join(root, ".old-cp399-cp399-linux_x86_64-glibc-1000"))).toBe(false);

    const first = identities[0]!.runtimeKey;
    expect(await removeRuntime(first, root)).toEqual({ removed: [first], skipped: [] });
    expect(await removeRuntime("cp000-nope", root)).toEqual({
      removed: [],
      skipped: [{ key: "cp000-nope", reason: "no such runtime" }],
    });
    await removeRuntime("all", root);
    expect(listRuntimes(root)).toEqual([]);
    expect(fs.readdirSync(root).filter((n) => !n.startsWith(".tmp-"))).toEqual([]);
  });
});
