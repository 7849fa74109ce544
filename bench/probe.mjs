#!/usr/bin/env node
// Probe cost, measured side by side per interpreter in one run (see bench/README.md):
//   bare   `python -I -S -c pass`, spawned from Node the way the probe spawns (pipes, wait for close)
//   cold   probePython on an identity-cache miss (a new venv, an upgraded interpreter): spawns the
//          interpreter, runs the probe script from its compiled .pyc, writes the cache entry
//   first  probePython with a brand-new cache dir: also writes the script and compiles it
//   warm   probePython answered from the cache, in-process (no spawn)
// Goals: cold <= 1.3x bare; warm < 2 ms. bare/cold/first runs alternate so load drift hits all alike.
//
//   node bench/probe.mjs [--runs 31] [--warm 2000] [--pythons 3]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { discoverPythons, probePython, probePythonDetailed } from "@roar/abi-probe";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("runs", 31);
const WARM = arg("warm", 2000);
const all = discoverPythons();
const limit = arg("pythons", all.length);
// Spread the chosen interpreters over the discovered range (oldest, newest, in between).
const pythons =
  limit >= all.length
    ? all
    : Array.from(
        { length: limit },
        (_, i) => all[Math.round((i * (all.length - 1)) / Math.max(1, limit - 1))],
      );
if (pythons.length === 0) {
  console.log("no Python 3.8+ found (pyenv or /usr/bin): nothing to measure");
  process.exit(0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const bare = (python) =>
  new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(python, ["-I", "-S", "-c", "pass"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", () => resolve(performance.now() - t));
  });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-probe-"));
const rows = [];
try {
  for (const python of pythons) {
    const check = await probePythonDetailed(python, { useCache: false });
    if (!check.identity) {
      console.log(`${python}: probe failed (${check.reason}); skipped`);
      continue;
    }
    await bare(python); // first run pays the page cache, for both
    const bareMs = [];
    const coldMs = [];
    const firstMs = [];
    const coldDir = path.join(tmp, `cold-${rows.length}`);
    await probePython(python, { cacheDir: coldDir });
    const timed = async (cacheDir) => {
      const t = performance.now();
      const r = await probePythonDetailed(python, { cacheDir });
      const ms = performance.now() - t;
      if (!r.identity || r.cached)
        throw new Error(`cold probe of ${python} was not cold: ${JSON.stringify(r)}`);
      return ms;
    };
    for (let i = 0; i < RUNS; i++) {
      bareMs.push(await bare(python));
      fs.rmSync(path.join(coldDir, "probe-cache"), { recursive: true, force: true }); // identity miss only
      coldMs.push(await timed(coldDir));
      firstMs.push(await timed(path.join(tmp, `first-${rows.length}-${i}`)));
    }
    const warmDir = path.join(tmp, "warm");
    await probePython(python, { cacheDir: warmDir });
    const warmMs = [];
    for (let i = 0; i < WARM; i++) {
      const t = performance.now();
      const r = await probePythonDetailed(python, { cacheDir: warmDir });
      warmMs.push(performance.now() - t);
      if (!r.cached) throw new Error(`warm probe of ${python} missed the cache`);
    }
    // Ratios are medians of per-pair ratios: each pair ran back to back, under the same load.
    const ratio = (xs) => median(xs.map((x, i) => x / bareMs[i]));
    rows.push({
      coldRatio: ratio(coldMs),
      firstRatio: ratio(firstMs),
      python,
      key: check.identity.runtimeKey,
      bare: median(bareMs),
      cold: median(coldMs),
      first: median(firstMs),
      warm: median(warmMs),
    });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const pad = (s, n) => String(s).padEnd(n);
const num = (x, d = 1) => x.toFixed(d).padStart(7);
console.log(
  `probe cost: median of ${RUNS} bare/cold runs (alternating) and ${WARM} warm calls, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`,
);
console.log(
  `${pad("interpreter", 46)} ${pad("runtimeKey", 32)} bare ms  cold ms  cold/bare  first ms  first/bare  warm ms`,
);
for (const r of rows) {
  console.log(
    `${pad(r.python, 46)} ${pad(r.key, 32)} ${num(r.bare)}  ${num(r.cold)}  ${num(r.coldRatio, 2)}x  ${num(r.first)}   ${num(r.firstRatio, 2)}x  ${num(r.warm, 3)}`,
  );
}
const worstRatio = Math.max(...rows.map((r) => r.coldRatio));
const worstWarm = Math.max(...rows.map((r) => r.warm));
const worstFirst = Math.max(...rows.map((r) => r.firstRatio));
console.log(
  `goal cold <= 1.30x bare: worst ${worstRatio.toFixed(2)}x  ${worstRatio <= 1.3 ? "met" : "MISSED"}`,
);
console.log(`first probe of a version (no goal; compiles the script once): worst ${worstFirst.toFixed(2)}x`);
console.log(`goal warm < 2 ms:        worst ${worstWarm.toFixed(3)} ms  ${worstWarm < 2 ? "met" : "MISSED"}`);
