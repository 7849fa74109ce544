import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { PythonIdentity } from "@roar/abi-probe";
import lockfile from "proper-lockfile";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { lockPathFor, runtimeDir } from "./cache-root.js";
import { ensureRuntime } from "./ensure-runtime.js";
import { builtDist } from "./test-utils/built-dist.js";
import { fakePython } from "./test-utils/fake-python.js";
import { buildWheelhouse, localIdentities, packageRoot, tmpDir, whyNoWheels } from "./test-utils/pythons.js";
import type { EnsureRuntimeOptions, EnsureRuntimeResult } from "./types.js";

let identity: PythonIdentity | undefined;
let wheelhouse = "";
let skipReason: string | null = null;
let dist = "";
const childScript = path.join(packageRoot, "src", "test-utils", "ensure-child.mjs");
const children: ChildProcess[] = [];

beforeAll(async () => {
  const local = await localIdentities();
  skipReason = whyNoWheels(local);
  if (skipReason) return;
  wheelhouse = tmpDir("wheelhouse");
  identity = buildWheelhouse(local.slice(0, 1), wheelhouse)[0];
  if (!identity) skipReason = "build_wheel.py built no wheel";
  dist = builtDist();
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

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

/** Start a separate node process running ensureRuntime from the built package. */
function startChild(dir: string, who: PythonIdentity, opts: EnsureRuntimeOptions, goFile = "") {
  const identityFile = path.join(dir, `identity-${children.length}.json`);
  const optionsFile = path.join(dir, `options-${children.length}.json`);
  fs.writeFileSync(identityFile, JSON.stringify(who));
  fs.writeFileSync(optionsFile, JSON.stringify(opts));
  const child = spawn(
    process.execPath,
    [childScript, dist, identityFile, optionsFile, path.join(dir, "events.log"), goFile],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const done = new Promise<EnsureRuntimeResult>((resolve, reject) =>
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out) as EnsureRuntimeResult) : reject(new Error(`child exit ${code}`)),
    ),
  );
  return { child, done };
}

function events(dir: string): { pid: number; type: string }[] {
  const file = path.join(dir, "events.log");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { pid: number; type: string });
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("one install per key across processes", () => {
  it("six processes racing on one cold key install once and all get the tree", async (ctx) => {
    if (skipReason || !identity) return ctx.skip(skipReason ?? "no interpreter");
    const dir = tmpDir("race");
    const pipLog = path.join(dir, "pip.log");
    const wrapper = fakePython(dir, identity.executable, { pipLog });
    const counted = { ...identity, executable: wrapper, realpath: wrapper };
    const opts = options();
    const goFile = path.join(dir, "go");
    const runs = Array.from({ length: 6 }, () => startChild(dir, counted, opts, goFile));
    await new Promise((r) => setTimeout(r, 1500)); // let all six load node and the package
    fs.writeFileSync(goFile, "");
    const results = await Promise.all(runs.map((r) => r.done));

    const expected = path.join(runtimeDir(identity, opts.cacheRoot), "site-packages");
    expect(results.map((r) => r.path)).toEqual(Array(6).fill(expected));
    expect(results.filter((r) => r.status === "installed")).toHaveLength(1);
    expect(results.filter((r) => r.status === "hit")).toHaveLength(5);
    expect(events(dir).filter((e) => e.type === "install-start")).toHaveLength(1);
    expect(fs.readFileSync(pipLog, "utf8").trim().split("\n")).toHaveLength(1); // one real pip run
    expect(fs.readdirSync(opts.cacheRoot!)).toEqual([identity.runtimeKey]);
  });

  it("recovers after the installing process and its installer are killed with SIGKILL", async (ctx) => {
    if (skipReason || !identity) return ctx.skip(skipReason ?? "no interpreter");
    const dir = tmpDir("killed");
    const pipLog = path.join(dir, "pip.log");
    const wrapper = fakePython(dir, identity.executable, { pipLog, pipSleepS: 120 });
    const stalled = { ...identity, executable: wrapper, realpath: wrapper };
    const opts = options({ lockStaleMs: 2000 });
    const { child, done } = startChild(dir, stalled, opts);
    done.catch(() => undefined);
    await until(() => fs.existsSync(pipLog) && fs.readFileSync(pipLog, "utf8").trim() !== "");
    const installerPid = Number(fs.readFileSync(pipLog, "utf8").trim());
    child.kill("SIGKILL");
    process.kill(-installerPid, "SIGKILL"); // the installer runs in its own process group
    await until(() => child.exitCode !== null || child.signalCode !== null);

    const root = opts.cacheRoot!;
    expect(fs.existsSync(lockPathFor(root, identity.runtimeKey))).toBe(true);
    expect(fs.readdirSync(root).filter((n) => n.startsWith(`.tmp-${identity!.runtimeKey}-`))).toHaveLength(1);

    const result = await ensureRuntime(identity, opts);
    expect(result.status).toBe("installed");
    expect(fs.readdirSync(root)).toEqual([identity.runtimeKey]); // stale lock broken and released, temp dir swept
  });

  it("gives up with a clear reason when another process holds the lock for too long", async (ctx) => {
    if (skipReason || !identity) return ctx.skip(skipReason ?? "no interpreter");
    const opts = options({ lockWaitMs: 1500 });
    fs.mkdirSync(opts.cacheRoot!, { recursive: true });
    const release = await lockfile.lock(path.join(opts.cacheRoot!, identity.runtimeKey), {
      realpath: false,
      lockfilePath: lockPathFor(opts.cacheRoot!, identity.runtimeKey),
    });
    try {
      const seen: string[] = [];
      const result = await ensureRuntime(identity, { ...opts, onEvent: (e) => seen.push(e.type) });
      expect(result.status).toBe("failed");
      expect(result.reason).toMatch(/another roar process is installing the runtime for/);
      expect(seen).toEqual(["lock-wait", "install-failed"]);
      expect(fs.readdirSync(opts.cacheRoot!)).toEqual([`${identity.runtimeKey}.lock`]);
    } finally {
      await release();
    }
  });
});
