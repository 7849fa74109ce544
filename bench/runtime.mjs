#!/usr/bin/env node
// Runtime-cache speed, measured side by side on this machine:
//  - cold: ensureRuntime installing from a wheelhouse vs a bare `python -m pip install --no-index
//    --find-links <wheelhouse> --target <dir> roar-runtime` of the same wheel (goal: ≤ 1.2×);
//  - warm: ensureRuntime on a hit (goal: < 2 ms; it is one stamp read and one stat).
// Usage: node bench/runtime.mjs [--rounds N]   (needs `pnpm --filter @roar/runtime-cache build`)
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPythons, probePython } from "@roar/abi-probe";
import { ensureRuntime } from "@roar/runtime-cache";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const roundsArg = process.argv.indexOf("--rounds");
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "roar-bench-runtime-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const exe = discoverPythons()[0];
if (!exe) {
  console.log("skipped: no local CPython 3.8+ found");
  process.exit(0);
}
const identity = await probePython(exe, { cacheDir: path.join(tmp, "probe") });
const wheelhouse = path.join(tmp, "wheelhouse");
execFileSync(exe, [path.join(repo, "python-shim", "tools", "build_wheel.py"), "--out", wheelhouse], {
  stdio: "ignore",
});

const options = (cacheRoot) => ({
  mode: "auto",
  roarVersion: "bench",
  wheelhouse: [wheelhouse],
  findLinks: [],
  indexUrl: null,
  useDefaultIndex: false,
  installer: "pip",
  timeoutMs: 180_000,
  cacheRoot,
});

const cold = [];
const bare = [];
for (let i = 0; i < rounds; i++) {
  // Alternate so machine load drifts hit both sides alike.
  let t = performance.now();
  const r = spawnSync(
    exe,
    [
      "-m",
      "pip",
      "install",
      "--no-index",
      "--find-links",
      wheelhouse,
      "--target",
      path.join(tmp, `bare-${i}`),
      "--no-deps",
      "--disable-pip-version-check",
      "-q",
      "roar-runtime",
    ],
    { stdio: "ignore" },
  );
  bare.push(performance.now() - t);
  if (r.status !== 0) throw new Error("bare pip install failed");
  t = performance.now();
  const result = await ensureRuntime(identity, options(path.join(tmp, `cache-${i}`)));
  cold.push(performance.now() - t);
  if (result.status !== "installed")
    throw new Error(`ensureRuntime: ${result.status} ${result.reason ?? ""}`);
}

const warmRoot = path.join(tmp, "cache-0");
const warm = [];
for (let i = 0; i < 2000; i++) {
  const t = performance.now();
  const result = await ensureRuntime(identity, options(warmRoot));
  warm.push(performance.now() - t);
  if (result.status !== "hit") throw new Error("expected a hit");
}

const row = (name, ms, base, goal) => [
  name,
  `${ms.toFixed(ms < 10 ? 3 : 0)} ms`,
  base ? `${(ms / base).toFixed(2)}×` : "",
  goal,
];
const rows = [
  ["case", "median", "ratio", "goal"],
  row(`bare pip install (${rounds} runs)`, median(bare), null, ""),
  row("ensureRuntime cold (lock, pip, verify import, stamp, rename)", median(cold), median(bare), "≤ 1.20×"),
  row("ensureRuntime warm hit (2000 calls)", median(warm), null, "< 2 ms"),
  row(
    "ensureRuntime warm hit, p99",
    [...warm].sort((a, b) => a - b)[Math.floor(warm.length * 0.99)],
    null,
    "",
  ),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log(
  `python ${identity.version} (${identity.runtimeKey}), ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
fs.rmSync(tmp, { recursive: true, force: true });
