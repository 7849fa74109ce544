#!/usr/bin/env zx
// Build one roar-runtime wheel per local interpreter into packages/cli/wheelhouse/ and copy the
// Python shim into packages/cli/python-shim/, so the published CLI carries both (runs at the end
// of the CLI's build). Each wheel is built BY its own interpreter (python-shim/tools/build_wheel.py)
// so it matches that interpreter's ABI exactly; an interpreter whose wheel is already there and
// newer than the sources is skipped. One line per interpreter on stdout.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { $ } from "zx";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHIM = path.join(ROOT, "python-shim");
const CLI = path.join(ROOT, "packages", "cli");
const WHEELHOUSE = path.join(CLI, "wheelhouse");
const BUILD_WHEEL = path.join(SHIM, "tools", "build_wheel.py");
// exit code build_wheel.py uses for "no compiler or no Python headers": skip, don't fail the build
const NO_TOOLCHAIN = 2;

async function loadDiscoverPythons() {
  try {
    return (await import("@roar/abi-probe")).discoverPythons;
  } catch {
    // run from the repo root, where @roar/abi-probe is not a dependency: use the CLI's link
    const entry = path.join(CLI, "node_modules", "@roar", "abi-probe", "dist", "index.js");
    return (await import(pathToFileURL(entry).href)).discoverPythons;
  }
}

function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p))
        if (name !== "__pycache__" && name !== "build") visit(path.join(p, name));
    } else {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const p of paths) visit(p);
  return newest;
}

const copyFilter = (src) =>
  !/(^|\/)(__pycache__|build|[^/]*\.egg-info|tests)(\/|$)/.test(path.relative(SHIM, src));

function copyShim() {
  const dest = path.join(CLI, "python-shim");
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  for (const name of ["sitecustomize.py", "_roar_shim", "roar-runtime", "tools", "README.md"]) {
    const src = path.join(SHIM, name);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(dest, name), { recursive: true, filter: copyFilter });
  }
  return dest;
}

$.verbose = false;
$.quiet = true;

const discoverPythons = await loadDiscoverPythons();
const pythons = discoverPythons();
fs.mkdirSync(WHEELHOUSE, { recursive: true });
const sourcesMtime = newestMtime([
  path.join(SHIM, "roar-runtime"),
  path.join(SHIM, "_roar_shim", "__init__.py"),
  BUILD_WHEEL,
]);

let failed = 0;
if (pythons.length === 0) console.log("wheelhouse: no local CPython 3.8+ found; no wheels built");
for (const python of pythons) {
  const named = await $({ nothrow: true })`${python} ${BUILD_WHEEL} --out ${WHEELHOUSE} --print-name`;
  if (named.exitCode !== 0) {
    console.log(`wheelhouse: ${python}: skipped (${named.stderr.trim().split("\n").pop()})`);
    continue;
  }
  const wheel = path.join(WHEELHOUSE, named.stdout.trim());
  if (fs.existsSync(wheel) && fs.statSync(wheel).mtimeMs > sourcesMtime) {
    console.log(`wheelhouse: ${python}: up to date (${path.basename(wheel)})`);
    continue;
  }
  const started = Date.now();
  const built = await $({ nothrow: true })`${python} ${BUILD_WHEEL} --out ${WHEELHOUSE}`;
  if (built.exitCode === 0) {
    console.log(`wheelhouse: ${python}: built ${path.basename(wheel)} in ${Date.now() - started} ms`);
  } else if (built.exitCode === NO_TOOLCHAIN) {
    console.log(`wheelhouse: ${python}: skipped, ${built.stderr.trim().split("\n").pop()}`);
  } else {
    failed++;
    console.log(`wheelhouse: ${python}: FAILED\n${built.stderr.trim()}`);
  }
}
const shimDest = copyShim();
// Every Python process of a job imports the shim, and an installed CLI's directory is usually not
// writable (and PYTHONDONTWRITEBYTECODE is common): without shipped bytecode each process would
// compile the shim from source, several milliseconds each. unchecked-hash .pyc files stay valid
// whatever mtimes npm's tarball gives the sources.
const compiled = [];
for (const python of pythons) {
  const r = await $({
    nothrow: true,
  })`${python} -m compileall -q --invalidation-mode unchecked-hash ${path.join(shimDest, "sitecustomize.py")} ${path.join(shimDest, "_roar_shim")}`;
  if (r.exitCode === 0) compiled.push(path.basename(python));
  else
    console.log(
      `wheelhouse: ${python}: could not precompile the shim (${r.stderr.trim().split("\n").pop()})`,
    );
}
console.log(
  `wheelhouse: shim copied to ${path.relative(ROOT, shimDest)} (bytecode for ${compiled.join(", ") || "none"})`,
);
if (failed > 0) process.exit(1);
