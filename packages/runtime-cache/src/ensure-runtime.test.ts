import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { PythonIdentity } from "@roar/abi-probe";
import { beforeAll, describe, expect, it } from "vitest";
import { runtimeDir } from "./cache-root.js";
import { ensureRuntime } from "./ensure-runtime.js";
import { isRuntimeCached } from "./inspect-runtime.js";
import { installRuntime } from "./install-runtime.js";
import { readStamp } from "./stamp.js";
import { countingRunner } from "./test-utils/counting-runner.js";
import { fakePython } from "./test-utils/fake-python.js";
import { buildWheelhouse, localIdentities, shimSource, tmpDir, whyNoWheels } from "./test-utils/pythons.js";
import type { EnsureRuntimeOptions, RuntimeEvent } from "./types.js";

let identities: PythonIdentity[] = [];
let wheelhouse = "";
let skipReason: string | null = null;

beforeAll(async () => {
  const local = await localIdentities();
  skipReason = whyNoWheels(local);
  if (skipReason) return;
  wheelhouse = tmpDir("wheelhouse");
  identities = buildWheelhouse(local, wheelhouse);
  if (identities.length === 0) skipReason = "build_wheel.py built no wheel";
});

/** Prefer 3.12 then 3.13 (the pair the ABI trap is about), else whatever is here. */
function pick(n: 0 | 1): PythonIdentity {
  const order = ["3.12", "3.13"];
  const sorted = [...identities].sort((x, y) => {
    const rank = (i: PythonIdentity) => {
      const r = order.indexOf(i.versionInfo.slice(0, 2).join("."));
      return r === -1 ? 99 : r;
    };
    return rank(x) - rank(y);
  });
  return sorted[n]!;
}

function options(over: Partial<EnsureRuntimeOptions> = {}): EnsureRuntimeOptions {
  return {
    mode: "auto",
    roarVersion: "0.1.0",
    wheelhouse: [wheelhouse],
    findLinks: [],
    indexUrl: null,
    useDefaultIndex: false,
    installer: "pip",
    timeoutMs: 120_000,
    cacheRoot: tmpDir("cache"),
    ...over,
  };
}

function importedFrom(identity: PythonIdentity, sitePackages: string): string {
  return execFileSync(
    identity.executable,
    [
      "-I",
      "-c",
      "import sys; sys.path.insert(0, sys.argv[1]); import _roar_runtime; print(_roar_runtime.__file__)",
      sitePackages,
    ],
    { encoding: "utf8" },
  ).trim();
}

describe("ensureRuntime with real interpreters and real pip", () => {
  it("installs on a cold cache with one install-start, then hits silently without spawning", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const events: RuntimeEvent[] = [];
    const { runner, calls } = countingRunner();
    const opts = options({ onEvent: (e) => events.push(e), runner });

    const cold = await ensureRuntime(a, opts);
    expect(cold).toEqual({
      status: "installed",
      key: a.runtimeKey,
      path: path.join(opts.cacheRoot!, a.runtimeKey, "site-packages"),
    });
    expect(events.filter((e) => e.type === "install-start")).toEqual([
      { type: "install-start", abiTag: a.abiTag, key: a.runtimeKey },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "install-done", key: a.runtimeKey });
    expect(calls[0]!.file).toBe(a.executable);
    expect(calls[0]!.args.slice(0, 3)).toEqual(["-m", "pip", "install"]);
    expect(importedFrom(a, cold.path!)).toBe(path.join(cold.path!, `_roar_runtime${a.extSuffix}`));
    expect(readStamp(runtimeDir(a, opts.cacheRoot))).toMatchObject({
      roarVersion: "0.1.0",
      key: a.runtimeKey,
      wheels: { "roar-runtime": expect.any(String) },
      python: { executable: a.executable, version: a.version },
      installer: { name: "pip" },
    });
    // Nothing but the finished tree is left: no temp dir, no lock.
    expect(fs.readdirSync(opts.cacheRoot!)).toEqual([a.runtimeKey]);

    calls.length = 0;
    events.length = 0;
    // A warm hit must not even need the interpreter: point it somewhere that cannot run.
    const warm = await ensureRuntime({ ...a, executable: "/nonexistent/python3" }, opts);
    expect(warm).toEqual({ status: "hit", key: a.runtimeKey, path: cold.path });
    expect(calls).toEqual([]);
    expect(events).toEqual([]);
  });

  it("never serves a tree built for one Python to another", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    if (identities.length < 2) return ctx.skip("needs two interpreters with different ABIs");
    const [a, b] = [pick(0), pick(1)];
    const opts = options();
    expect((await ensureRuntime(a, opts)).status).toBe("installed");
    expect(isRuntimeCached(b, { roarVersion: "0.1.0", cacheRoot: opts.cacheRoot })).toBe(false);

    // Even a tree of `a` copied under `b`'s key with a forged stamp is refused: the module for b's suffix is absent.
    const forged = runtimeDir(b, opts.cacheRoot);
    fs.cpSync(runtimeDir(a, opts.cacheRoot), forged, { recursive: true });
    const stamp = readStamp(forged)!;
    fs.writeFileSync(path.join(forged, "roar-runtime.json"), JSON.stringify({ ...stamp, key: b.runtimeKey }));
    expect(isRuntimeCached(b, { roarVersion: "0.1.0", cacheRoot: opts.cacheRoot })).toBe(false);

    const result = await ensureRuntime(b, opts);
    expect(result.status).toBe("installed");
    expect(importedFrom(b, result.path!)).toMatch(new RegExp(`${b.extSuffix.replaceAll(".", "\\.")}$`));
    expect(fs.readdirSync(result.path!).filter((f) => f.startsWith("_roar_runtime"))).toEqual([
      `_roar_runtime${b.extSuffix}`,
    ]);
  });

  it("reinstalls when the stamp is from another roar version, keeping the old tree aside", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const opts = options();
    await ensureRuntime(a, { ...opts, roarVersion: "0.0.9" });
    const events: RuntimeEvent[] = [];
    const result = await ensureRuntime(a, { ...opts, onEvent: (e) => events.push(e) });
    expect(result.status).toBe("installed");
    expect(events.filter((e) => e.type === "install-start")).toHaveLength(1);
    expect(readStamp(runtimeDir(a, opts.cacheRoot))!.roarVersion).toBe("0.1.0");
    expect(fs.readdirSync(opts.cacheRoot!).filter((n) => n.startsWith(`.old-${a.runtimeKey}-`))).toHaveLength(
      1,
    );
  });

  it("reinstalls when the stamp is there but the compiled module is gone", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const opts = options();
    const first = await ensureRuntime(a, opts);
    fs.rmSync(path.join(first.path!, `_roar_runtime${a.extSuffix}`));
    expect(isRuntimeCached(a, { roarVersion: "0.1.0", cacheRoot: opts.cacheRoot })).toBe(false);
    const again = await ensureRuntime(a, opts);
    expect(again.status).toBe("installed");
    expect(fs.existsSync(path.join(again.path!, `_roar_runtime${a.extSuffix}`))).toBe(true);
  });

  it("fails clearly with no partial tree when no source has a wheel for this Python", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const events: RuntimeEvent[] = [];
    const empty = tmpDir("empty-wheelhouse");
    const opts = options({ wheelhouse: [empty], onEvent: (e) => events.push(e) });
    const result = await ensureRuntime(a, opts);
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(/no source for roar-runtime/);
    expect(result.reason).toContain(`no roar-runtime wheel for ${a.abiTag}`);
    expect(result.hint).toMatch(/find_links/);
    expect(events).toEqual([
      { type: "install-failed", key: a.runtimeKey, reason: result.reason, hint: result.hint },
    ]);
    expect(fs.readdirSync(opts.cacheRoot!)).toEqual([]);
  });

  it("fails with the installer's own words when the install breaks, leaving nothing behind", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const dir = tmpDir("broken-pip");
    const broken = fakePython(dir, a.executable, {
      pipLog: path.join(dir, "pip.log"),
      pipFail: "ERROR: simulated index outage",
    });
    const opts = options();
    const result = await ensureRuntime({ ...a, executable: broken, realpath: broken }, opts);
    expect(result.status).toBe("failed");
    expect(result.reason).toContain("ERROR: simulated index outage");
    expect(fs.readdirSync(opts.cacheRoot!)).toEqual([]);
  });

  it("says why a source build cannot run when there is no compiler", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const opts = options({
      wheelhouse: [tmpDir("empty")],
      sourceDirs: [path.join(shimSource, "roar-runtime")],
      env: { ...process.env, PATH: tmpDir("no-tools"), CC: "" },
    });
    const result = await ensureRuntime(a, opts);
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(/no C compiler/);
    expect(fs.readdirSync(opts.cacheRoot!)).toEqual([]);
  });

  it("builds from the shipped source with the target interpreter when no wheel fits", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const opts = options({
      wheelhouse: [tmpDir("empty")],
      sourceDirs: [path.join(shimSource, "roar-runtime")],
    });
    const result = await ensureRuntime(a, opts);
    expect(result).toMatchObject({ status: "installed" });
    expect(readStamp(runtimeDir(a, opts.cacheRoot))!.installer.source).toMatch(/^source build/);
    expect(importedFrom(a, result.path!)).toContain(a.extSuffix);
  });

  it("kills an installer that runs past the timeout and leaves nothing behind", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const dir = tmpDir("slow-pip");
    const pipLog = path.join(dir, "pip.log");
    const slow = fakePython(dir, a.executable, { pipLog, pipSleepS: 60 });
    const opts = options({ timeoutMs: 2500 });
    const result = await ensureRuntime({ ...a, executable: slow, realpath: slow }, opts);
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(/timed out after 3 s|timed out after 2 s/);
    expect(fs.readdirSync(opts.cacheRoot!)).toEqual([]);
    const shellPid = Number(fs.readFileSync(pipLog, "utf8").trim());
    expect(() => process.kill(shellPid, 0)).toThrow(); // the installer's whole group was killed
  });

  it("installs nothing in mode skip, but still uses a tree that is already there", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const { runner, calls } = countingRunner();
    const opts = options({ mode: "skip", runner });
    const skipped = await ensureRuntime(a, opts);
    expect(skipped).toMatchObject({
      status: "skipped",
      key: a.runtimeKey,
      reason: expect.stringMatching(/skip/),
    });
    expect(calls).toEqual([]);
    expect(fs.readdirSync(opts.cacheRoot!)).toEqual([]);

    // The eager path (`roar runtime install`) installs regardless of the mode.
    expect((await installRuntime(a, opts)).status).toBe("installed");
    expect((await ensureRuntime(a, opts)).status).toBe("hit");
  });

  it("reinstalls on force even when the tree is current", async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const a = pick(0);
    const opts = options();
    await ensureRuntime(a, opts);
    const forced = await installRuntime(a, { ...opts, force: true });
    expect(forced.status).toBe("installed");
    expect(fs.readdirSync(opts.cacheRoot!).filter((n) => n.startsWith(".old-"))).toHaveLength(1);
  });
});
