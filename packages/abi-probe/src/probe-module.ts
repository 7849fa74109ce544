import fs from "node:fs";
import path from "node:path";
import { nameHash } from "./name-hash.js";
import { PROBE_SCRIPT, PROBE_SCRIPT_VERSION } from "./probe-script.js";

const MODULE = "_roar_abi_probe";
// Named by content: a .pyc is validated by the source's whole-second mtime and size only, so a
// changed script must never reuse the directory of an older one.
let scriptDirName: string | undefined;

/**
 * Arguments that run the probe script as a module from `<cacheDir>/probe-script/v<N>-<hash>/`, or `null`
 * when that directory cannot be written (then the caller passes the script with `-c`).
 *
 * Why a module: compiling the script is most of its cost (≈1.5 ms of ≈2 ms over a bare start). As
 * an imported module, each interpreter version compiles it once and writes `__pycache__/*.pyc`
 * next to it; every later cold probe (a new venv, an upgraded interpreter) loads the bytecode.
 */
export function probeModuleArgs(cacheDir: string): string[] | null {
  scriptDirName ??= `v${PROBE_SCRIPT_VERSION}-${nameHash(PROBE_SCRIPT).slice(0, 12)}`;
  const dir = path.join(cacheDir, "probe-script", scriptDirName);
  const file = path.join(dir, `${MODULE}.py`);
  try {
    let current: string | null = null;
    try {
      current = fs.readFileSync(file, "utf8");
    } catch {
      // first use of this cache dir
    }
    if (current !== PROBE_SCRIPT) {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      fs.writeFileSync(tmp, PROBE_SCRIPT);
      fs.renameSync(tmp, file);
    }
  } catch {
    return null;
  }
  // Same isolation as the -c form: '' and '.' leave sys.path before the import; only our dir leads.
  const bootstrap = `import sys;sys.path[:]=[${JSON.stringify(dir)}]+[p for p in sys.path if p not in('','.')];import ${MODULE}`;
  return ["-E", "-s", "-S", "-c", bootstrap];
}

export const PROBE_SCRIPT_ARGS = ["-E", "-s", "-S", "-c", PROBE_SCRIPT] as const;
