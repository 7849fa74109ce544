#!/usr/bin/env node
// Tracer overhead, side by side in one run: bare vs the LD_PRELOAD tracer vs strace, on
//   files  a Python loop opening, reading and closing 20,000 small files   (goal preload ≤ 1.05×)
//   spawn  a bash loop starting 500 short processes                          (goal preload ≤ 1.15×)
//   make   make -j2 compiling a generated 30-file C project                  (goal preload ≤ 1.05×)
// Modes are interleaved round by round, in a rotating order, so load from other processes on a
// shared machine hits every mode alike. Reported per mode: median wall time, its ratio to bare, the best (minimum) wall
// ratio, and the ratio of CPU time used by the whole process tree summed over all rounds (from
// /proc/self/stat cutime+cstime), which moves least with other load on the machine.
// Needs `pnpm --filter @roar/tracer-preload build`.
//   node bench/tracers.mjs [--rounds N] [--only files,spawn,make] [--lib other/libroar_preload.so]
// --lib adds a mode running another build of the library (e.g. the last release's) side by side.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { preflightPreload, preloadEnv, readPreloadLogs } = await import(
  path.join(here, "../packages/tracer-preload/dist/index.js")
);
const { discoverPythons } = await import(path.join(here, "../packages/abi-probe/dist/index.js"));

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const rounds = Number(opt("rounds", "7"));
const only = opt("only", "files,spawn,make").split(",");

const preflight = await preflightPreload();
if (!preflight.ok) {
  console.log(`preload tracer unavailable: ${preflight.reason}`);
  process.exit(1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "roar-bench-tracers-"));
const python = discoverPythons().at(-1);

// --- workloads -----------------------------------------------------------------------------------

const workloads = [];

if (only.includes("files") && python) {
  const dir = path.join(work, "files");
  fs.mkdirSync(dir);
  for (let i = 0; i < 20_000; i++) fs.writeFileSync(path.join(dir, `f${i}.txt`), `payload ${i}\n`);
  const script = path.join(work, "files.py");
  fs.writeFileSync(
    script,
    [
      "import os, sys",
      "d = sys.argv[1]",
      "n = 0",
      "for i in range(20000):",
      "    with open(os.path.join(d, f'f{i}.txt'), 'rb') as f: n += len(f.read())",
      "print(n)",
    ].join("\n"),
  );
  workloads.push({
    name: "files",
    what: `${path.basename(python)}: 20,000 open/read/close`,
    goal: 1.05,
    cmd: [python, script, dir],
  });
} else if (only.includes("files")) {
  console.log("skipping files: no Python found by discoverPythons()");
}

if (only.includes("spawn")) {
  workloads.push({
    name: "spawn",
    what: "bash: 500 × /bin/true",
    goal: 1.15,
    cmd: ["bash", "-c", "for i in $(seq 500); do /bin/true; done"],
  });
}

if (only.includes("make")) {
  const dir = path.join(work, "proj");
  fs.mkdirSync(dir);
  const objs = [];
  for (let i = 0; i < 30; i++) {
    const body = Array.from(
      { length: 40 },
      (_, j) => `int f${i}_${j}(int x) { return x * ${j + 1} + ${i}; }`,
    ).join("\n");
    fs.writeFileSync(path.join(dir, `m${i}.c`), `#include <stdio.h>\n#include <string.h>\n${body}\n`);
    objs.push(`m${i}.o`);
  }
  fs.writeFileSync(path.join(dir, "main.c"), "int main(void) { return 0; }\n");
  fs.writeFileSync(
    path.join(dir, "Makefile"),
    `OBJS = main.o ${objs.join(" ")}\nprog: $(OBJS)\n\tcc -o $@ $(OBJS)\n%.o: %.c\n\tcc -O1 -c -o $@ $<\n`,
  );
  workloads.push({
    name: "make",
    what: "make -j2 -B: 31 C files + link",
    goal: 1.05,
    cmd: ["make", "-s", "-j2", "-B"],
    cwd: dir,
  });
}

// --- modes ---------------------------------------------------------------------------------------

const straceOk = spawnSync("strace", ["-V"], { stdio: "ignore" }).status === 0;
const seccomp =
  straceOk &&
  spawnSync("strace", ["--seccomp-bpf", "-f", "-qq", "-e", "trace=%file", "-o", "/dev/null", "/bin/true"], {
    stdio: "ignore",
  }).status === 0;
const straceArgs = [
  "-f",
  "-qq",
  ...(seccomp ? ["--seccomp-bpf"] : []),
  "-e",
  "trace=%file,execve",
  "-o",
  "/dev/null",
];

const modes = [
  { name: "bare", prepare: (w) => ({ cmd: w.cmd, env: process.env }) },
  {
    name: "preload",
    prepare: (w) => {
      const logDir = fs.mkdtempSync(path.join(work, "logs-"));
      return { cmd: w.cmd, env: preloadEnv(logDir, process.env), logDir };
    },
  },
];
// The floor any LD_PRELOAD tracer pays: ld.so loading one more (empty) library into every process.
const emptyLib = path.join(work, "libempty.so");
fs.writeFileSync(path.join(work, "empty.c"), "void roar_bench_empty(void) {}\n");
if (spawnSync("cc", ["-O2", "-fPIC", "-shared", "-o", emptyLib, path.join(work, "empty.c")]).status === 0) {
  modes.splice(1, 0, {
    name: "empty-lib",
    prepare: (w) => ({ cmd: w.cmd, env: { ...process.env, LD_PRELOAD: emptyLib } }),
  });
}
const otherLib = opt("lib", null);
if (otherLib) {
  modes.push({
    name: `preload:${path.basename(path.dirname(path.resolve(otherLib)))}`,
    prepare: (w) => {
      const logDir = fs.mkdtempSync(path.join(work, "logs-"));
      return { cmd: w.cmd, env: { ...preloadEnv(logDir, process.env), LD_PRELOAD: path.resolve(otherLib) } };
    },
  });
}
if (straceOk)
  modes.push({
    name: seccomp ? "strace+seccomp" : "strace",
    prepare: (w) => ({ cmd: ["strace", ...straceArgs, ...w.cmd], env: process.env }),
  });
else console.log("strace not found: comparing bare and preload only");

const TICK_MS = 10; // USER_HZ is 100 on Linux
function childCpuMs() {
  // after the ")" that ends comm, field 0 is the state; cutime and cstime are fields 13 and 14
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

function timeOnce(w, mode) {
  const { cmd, env, logDir } = mode.prepare(w);
  const cpu0 = childCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: w.cwd ?? work, env, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${w.name}/${mode.name} exited ${r.status}: ${r.stderr}`);
  return { ms, cpu: childCpuMs() - cpu0, logDir };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = [];
for (const w of workloads) {
  for (const mode of modes) timeOnce(w, mode); // warm caches (page cache, compiler, pyc) once per mode
  const times = Object.fromEntries(modes.map((m) => [m.name, []]));
  const cpu = Object.fromEntries(modes.map((m) => [m.name, 0]));
  let lastLog;
  for (let r = 0; r < rounds; r++) {
    // Each round starts with a different mode: none always runs right after the heavy strace one.
    const order = modes.map((_, i) => modes[(i + r) % modes.length]);
    for (const mode of order) {
      const { ms, cpu: used, logDir } = timeOnce(w, mode);
      times[mode.name].push(ms);
      cpu[mode.name] += used;
      if (logDir) {
        if (lastLog) fs.rmSync(lastLog, { recursive: true, force: true });
        lastLog = logDir;
      }
    }
  }
  const logs = lastLog ? await readPreloadLogs(lastLog) : null;
  rows.push({
    w,
    med: Object.fromEntries(modes.map((m) => [m.name, median(times[m.name])])),
    min: Object.fromEntries(modes.map((m) => [m.name, Math.min(...times[m.name])])),
    cpu,
    logs,
  });
}

// --- report --------------------------------------------------------------------------------------

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(
  `\ntracer overhead, ${rounds} interleaved rounds (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}); ` +
    "per mode: median wall, then ratio to bare as median / best / CPU",
);
console.log(`${pad("workload", 42)}${modes.map((m) => lpad(m.name, 30)).join("")}${lpad("goal", 9)}  events`);
let missed = 0;
for (const { w, med, min, cpu, logs } of rows) {
  const r = (x) => `${x.toFixed(2)}×`;
  const cells = modes.map((m) => {
    if (m.name === "bare") return lpad(`${med.bare.toFixed(0)} ms`, 30);
    const cpuRatio = cpu.bare > 0 ? r(cpu[m.name] / cpu.bare) : "n/a";
    return lpad(
      `${med[m.name].toFixed(0)} ms ${r(med[m.name] / med.bare)}/${r(min[m.name] / min.bare)}/${cpuRatio}`,
      30,
    );
  });
  // The goal is judged on the median wall ratio, the number a user would notice.
  const ok = med.preload / med.bare <= w.goal;
  if (!ok) missed++;
  const events = logs ? `${logs.events.length} ev, ${logs.processes.length} proc` : "";
  console.log(
    `${pad(`${w.name}: ${w.what}`, 42)}${cells.join("")}${lpad(`≤${w.goal}×`, 7)} ${ok ? "ok" : "MISSED"}  ${events}`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
process.exit(missed ? 1 : 0);
