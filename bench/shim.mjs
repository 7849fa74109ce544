#!/usr/bin/env zx
// Overhead of roar's Python shim, measured side by side in one run (not a test: prints ratios).
//
//   zx bench/shim.mjs [--python <exe>]... [--reps N] [--shim <python-shim dir>] [--stat median|min] [--clock wall|cpu|instructions]
//
// For one or two local interpreters (default: the oldest and the newest found):
//   startup   `python -c pass`, whole process, bare vs shim (pure hook) vs shim (native hook)
//   getframe  1,000,000 sys._getframe() calls, timed inside the process:
//             bare vs pure hook vs native hook alone (ROAR_AUDIT_GETFRAME=1) vs native (default:
//             the runtime also swaps in an un-audited sys._getframe)
//   files     open/read/close of 20,000 small files, timed inside the process: bare vs pure vs native
//   files, whole process  the same loop once, the whole process (start to exit): what the user waits
//             for, including the shim's exit work (draining, normalising and writing a 20,000-entry shard);
//             once with absolute paths and once with paths relative to the cwd (joined to it by the shim)
//   imports, whole process  140 stdlib modules imported for the first time: the start of every
//             numpy/pandas/torch script is thousands of imports, each an audit event or four and a
//             search of sys.path
// Beside bare, the floors: "any C hook", a sitecustomize on PYTHONPATH installing a C audit hook
// that returns at once (CPython builds each event's arguments all the same), the least any audit-hook
// recorder costs; "any Py hook", the same with a Python function (a call per event), the least a
// recorder without a compiled hook (the pure backend) costs.
// Variants run interleaved (bare, pure, native, bare, ...) so machine load hits them alike; the
// table shows medians (or, with --stat min, the best run: steadier on a loaded machine) and ratios to bare. Goals: startup <= 1.3x, getframe native <= 1.3x,
// files native <= 1.05x, files whole process native <= 1.05x and pure <= 1.1x, imports native <= 1.05x.
// On a machine shared with other work, --clock instructions counts the user-space instructions of
// the whole-process rows under valgrind instead (deterministic; system calls not included).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.flatMap((a, i) => (a === name && argv[i + 1] ? [argv[i + 1]] : []));
// --shim <dir>: measure another copy of python-shim/ (e.g. `git archive` of an older commit)
const SHIM = path.resolve(flag("--shim")[0] ?? path.join(ROOT, "python-shim"));
const BUILD_WHEEL = path.join(SHIM, "tools", "build_wheel.py");

const reps = Number(flag("--reps")[0] ?? 7);

async function loadDiscoverPythons() {
  try {
    return (await import("@roar/abi-probe")).discoverPythons;
  } catch {
    const entry = path.join(ROOT, "packages", "abi-probe", "dist", "index.js");
    return (await import(pathToFileURL(entry).href)).discoverPythons;
  }
}

let pythons = flag("--python");
if (pythons.length === 0) {
  // the oldest and the newest version found (discovery order is not version order)
  const found = (await loadDiscoverPythons())();
  const versions = found.map((exe) => {
    const r = spawnSync(exe, ["-c", "import sys; print(sys.version_info[0] * 100 + sys.version_info[1])"], {
      encoding: "utf8",
    });
    return { exe, v: Number(r.stdout.trim()) || 0 };
  });
  versions.sort((a, b) => a.v - b.v);
  pythons =
    versions.length > 1 ? [versions[0].exe, versions[versions.length - 1].exe] : versions.map((x) => x.exe);
}
if (pythons.length === 0) {
  console.log("bench/shim: no local CPython 3.8+ found; nothing to measure");
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "roar-bench-shim-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
// --clock cpu: CPU time (user + system) instead of wall time, inside the process and for whole
// processes (rusage from wait4): on a machine shared with other work, waiting for a core is not
// overhead of the shim, and wall-time ratios there swing by tens of percent between runs.
// --clock instructions: user-space instructions of whole processes, counted by valgrind's callgrind
// (about 50x slower, so one run each; the in-process rows are left out). The same count every run
// whatever else the machine does; system calls and the kernel's side of I/O are not in it. The hash
// seed is fixed there (PYTHONHASHSEED=0 unless set): on 3.8-3.11 it decides which method-cache
// entries collide, which moves a 700M-instruction count by +-3M from run to run.
const clock = ["cpu", "instructions"].includes(flag("--clock")[0]) ? flag("--clock")[0] : "wall";
if (clock === "instructions" && spawnSync("valgrind", ["--version"]).status !== 0) {
  console.log("bench/shim: --clock instructions needs valgrind on PATH");
  process.exit(1);
}
const cleanEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("ROAR_") && k !== "PYTHONPATH"),
  ),
  BENCH_CLOCK: clock,
  ...(clock === "instructions" && process.env.PYTHONHASHSEED === undefined ? { PYTHONHASHSEED: "0" } : {}),
};
// Runs argv[1:] and prints the child's user + system CPU seconds on stderr (-I: the launcher itself
// ignores PYTHONPATH, so the shim never loads in it; the child gets the environment unchanged).
const RUSAGE = `
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
sys.stderr.write("%r\\n" % (ru.ru_utime + ru.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
`;

const GETFRAME = `
import os, sys, time
clock = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter
g = sys._getframe
best = float("inf")
for _ in range(3):
    t = clock()
    for _ in range(1000000):
        g()
    best = min(best, clock() - t)
print(best)
`;
const FILES = `
import os, sys, time
clock = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter
d = sys.argv[1]
names = [os.path.join(d, n) for n in sorted(os.listdir(d))]
best = float("inf")
for _ in range(2):
    t = clock()
    for n in names:
        with open(n, "rb") as f:
            f.read()
    best = min(best, clock() - t)
print(best)
`;

const stat = flag("--stat")[0] === "min" ? "min" : "median";
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function sh(cmd, args, env = cleanEnv) {
  const r = spawnSync(cmd, args, { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}\n${r.stderr}`);
  return r.stdout;
}

function runtimeTree(python, slug) {
  const wheels = path.join(tmp, `${slug}-wheels`);
  const built = spawnSync(python, [BUILD_WHEEL, "--out", wheels], { env: cleanEnv, encoding: "utf8" });
  if (built.status !== 0) return { tree: null, why: built.stderr.trim().split("\n").pop() };
  const tree = path.join(tmp, `${slug}-tree`);
  sh(
    python,
    ["-m", "pip", "install", "-q", "--no-index", "--find-links", wheels, "--target", tree, "roar-runtime"],
    {
      ...cleanEnv,
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
    },
  );
  return { tree, why: null };
}

// The shim as the CLI ships it: sources plus unchecked-hash bytecode (see build-wheelhouse.mjs).
function shippedShim(python, slug) {
  const dest = path.join(tmp, `${slug}-shim`);
  fs.mkdirSync(dest, { recursive: true });
  fs.cpSync(path.join(SHIM, "sitecustomize.py"), path.join(dest, "sitecustomize.py"));
  fs.cpSync(path.join(SHIM, "_roar_shim"), path.join(dest, "_roar_shim"), {
    recursive: true,
    filter: (src) => !src.includes("__pycache__"),
  });
  sh(python, ["-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", dest]);
  return dest;
}

// The floors (see the top): a sitecustomize, on PYTHONPATH as roar's is, adds a hook that returns at once
const NOOP_HOOK = `#include <Python.h>
static int hook(const char *event, PyObject *args, void *data) { return 0; }
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "_bench_noop_hook", NULL, -1, NULL};
PyMODINIT_FUNC PyInit__bench_noop_hook(void) { return PySys_AddAuditHook(hook, NULL) < 0 ? NULL : PyModule_Create(&def); }
`;
const BUILD_NOOP_HOOK = `
import os, shlex, subprocess, sys, sysconfig
out = sys.argv[1]
cc = shlex.split(sysconfig.get_config_var("CC") or "cc")
so = os.path.join(out, "_bench_noop_hook" + sysconfig.get_config_var("EXT_SUFFIX"))
subprocess.run(cc + ["-O2", "-shared", "-fPIC", "-I" + sysconfig.get_paths()["include"], os.path.join(out, "noop.c"), "-o", so], check=True)
`;

function pythonHookDir(python, slug) {
  const dir = path.join(tmp, `${slug}-python-hook`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "sitecustomize.py"),
    "import sys\nsys.addaudithook(lambda event, args: None)\n",
  );
  sh(python, ["-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", dir]);
  return dir;
}

function noopHookDir(python, slug) {
  const dir = path.join(tmp, `${slug}-noop-hook`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "noop.c"), NOOP_HOOK);
  fs.writeFileSync(path.join(dir, "sitecustomize.py"), "import _bench_noop_hook\n");
  const built = spawnSync(python, ["-c", BUILD_NOOP_HOOK, dir], { env: cleanEnv, encoding: "utf8" });
  if (built.status !== 0) return null;
  sh(python, ["-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", dir]);
  return dir;
}

const fileDir = path.join(tmp, "files");
fs.mkdirSync(fileDir);
for (let i = 0; i < 20000; i++)
  fs.writeFileSync(path.join(fileDir, `f${String(i).padStart(5, "0")}.txt`), `file ${i}\n`);
const FILES_ONCE = `
import os, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    with open(os.path.join(d, n), "rb") as f:
        f.read()
`;
// the same with paths relative to the cwd, as scripts mostly name their data ("data/x.csv")
const FILES_ONCE_RELATIVE = `
import os, sys
os.chdir(sys.argv[1])
for n in sorted(os.listdir(".")):
    with open(n, "rb") as f:
        f.read()
`;
// a module missing from a build (lzma, readline) or not in an older version (graphlib) is skipped
const STDLIB_MODULES =
  `asyncio email.mime.multipart http.client json xml.dom.minidom logging.handlers unittest
  argparse decimal fractions statistics csv sqlite3 zipfile tarfile shutil tempfile urllib.request
  concurrent.futures dataclasses typing pydoc difflib pickle gzip bz2 lzma hashlib hmac secrets uuid
  ipaddress textwrap string pprint inspect ast dis tokenize trace timeit cProfile pstats calendar
  mailbox smtplib imaplib ftplib socketserver xmlrpc.client html.parser configparser getopt optparse
  shelve dbm glob fnmatch filecmp fileinput locale gettext codecs unicodedata stringprep readline
  rlcompleter struct array weakref copy enum graphlib heapq bisect queue sched contextvars
  multiprocessing.pool subprocess selectors signal mmap ctypes platform sysconfig`.split(/\s+/);
const IMPORTS = `
import importlib
for name in ${JSON.stringify(STDLIB_MODULES)}:
    try:
        importlib.import_module(name)
    except ImportError:
        pass
`;
const scripts = {};
for (const [name, code] of Object.entries({
  getframe: GETFRAME,
  files: FILES,
  filesOnce: FILES_ONCE,
  filesOnceRelative: FILES_ONCE_RELATIVE,
  imports: IMPORTS,
  rusage: RUSAGE,
})) {
  scripts[name] = path.join(tmp, `${name}.py`);
  fs.writeFileSync(scripts[name], code);
}

const rows = [];
for (const python of pythons) {
  const version = sh(python, ["-c", "import platform; print(platform.python_version())"]).trim();
  const slug = `py${version}`;
  const { tree, why } = runtimeTree(python, slug);
  if (!tree) console.log(`bench/shim: ${python}: no native runtime (${why}); native columns empty`);
  const shards = path.join(tmp, `${slug}-shards`);
  fs.mkdirSync(shards, { recursive: true });
  const shimEnv = {
    ...cleanEnv,
    PYTHONPATH: shippedShim(python, slug),
    ROAR_WRAP: "1",
    ROAR_SHARD_DIR: shards,
  };
  const noop = noopHookDir(python, slug);
  if (!noop) console.log(`bench/shim: ${python}: could not build the no-op hook; "any C hook" column empty`);
  const variants = {
    bare: cleanEnv,
    ...(noop ? { "any C hook": { ...cleanEnv, PYTHONPATH: noop } } : {}),
    "any Py hook": { ...cleanEnv, PYTHONPATH: pythonHookDir(python, slug) },
    pure: shimEnv,
    ...(tree ? { native: { ...shimEnv, ROAR_RUNTIME_PYTHONPATH: tree } } : {}),
  };
  const measure = (label, args, variantEnvs, timer) => {
    if (clock === "instructions" && timer !== "whole") return;
    const samples = Object.fromEntries(Object.keys(variantEnvs).map((k) => [k, []]));
    for (let r = 0; r < (clock === "instructions" ? 1 : reps); r++) {
      for (const [name, env] of Object.entries(variantEnvs)) {
        if (clock === "instructions") {
          const r = spawnSync(
            "valgrind",
            ["--tool=callgrind", "--callgrind-out-file=/dev/null", python, ...args],
            { env, encoding: "utf8" },
          );
          const m = /Collected : (\d+)/.exec(r.stderr);
          if (r.status !== 0 || !m)
            throw new Error(`valgrind ${python} ${args.join(" ")} exited ${r.status}\n${r.stderr}`);
          samples[name].push(Number(m[1]) / 1e6);
        } else if (timer === "whole" && clock === "cpu") {
          const r = spawnSync(python, ["-I", scripts.rusage, python, ...args], { env, encoding: "utf8" });
          if (r.status !== 0) throw new Error(`${python} ${args.join(" ")} exited ${r.status}\n${r.stderr}`);
          samples[name].push(Number(r.stderr.trim().split("\n").pop()) * 1000);
        } else {
          const start = process.hrtime.bigint();
          const out = sh(python, args, env);
          const wall = Number(process.hrtime.bigint() - start) / 1e6;
          samples[name].push(timer === "whole" ? wall : Number(out.trim()) * 1000);
        }
        fs.rmSync(shards, { recursive: true, force: true });
        fs.mkdirSync(shards);
      }
    }
    const med = Object.fromEntries(
      Object.entries(samples).map(([k, v]) => [k, stat === "min" ? Math.min(...v) : median(v)]),
    );
    rows.push({ python: version, label, med });
  };
  // warm the page cache and .pyc files once
  for (const env of Object.values(variants)) {
    sh(python, [scripts.files, fileDir], env);
    sh(python, [scripts.imports], env);
  }
  measure("startup: python -c pass", ["-c", "pass"], variants, "whole");
  measure("getframe: 1e6 sys._getframe()", [scripts.getframe], {
    ...variants,
    ...(tree ? { "native hook only": { ...variants.native, ROAR_AUDIT_GETFRAME: "1" } } : {}),
  });
  measure("files: open/read/close 20,000", [scripts.files, fileDir], variants);
  measure("files, whole process", [scripts.filesOnce, fileDir], variants, "whole");
  measure("files, whole process, relative paths", [scripts.filesOnceRelative, fileDir], variants, "whole");
  measure("imports, whole process: 140 stdlib modules", [scripts.imports], variants, "whole");
}

const columns = ["bare", "any C hook", "any Py hook", "pure", "native hook only", "native"];
const unit = clock === "instructions" ? "M instr" : "ms";
const cell = (med, col) => {
  if (med[col] === undefined) return "-";
  const ratio = col === "bare" ? "" : ` (${(med[col] / med.bare).toFixed(2)}x)`;
  return `${med[col].toFixed(1)} ${unit}${ratio}`;
};
const table = [
  [
    "python",
    clock === "instructions" ? "benchmark (user-space instructions)" : `benchmark (${stat}, ${clock} time)`,
    ...columns,
  ],
];
for (const r of rows) table.push([r.python, r.label, ...columns.map((c) => cell(r.med, c))]);
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const row of table) console.log(row.map((v, i) => v.padEnd(widths[i])).join("  "));
console.log(
  `\n${clock === "instructions" ? "one run per variant under callgrind" : `${reps} interleaved runs per variant`}; goals: startup <= 1.3x, getframe native <= 1.3x, files native <= 1.05x, files whole process native <= 1.05x and pure <= 1.1x, imports native <= 1.05x`,
);
