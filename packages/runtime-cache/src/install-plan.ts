import fs from "node:fs";
import path from "node:path";
import type { PythonIdentity } from "@roar/abi-probe";
import { findOnPath, type InstallSource } from "./installer-command.js";
import type { EnsureRuntimeOptions } from "./types.js";

/** One step of an install: an installer run, or building wheels from source first. */
export type InstallStep =
  | { kind: "install"; source: InstallSource }
  | { kind: "build-script"; script: string };

export interface InstallPlan {
  steps: InstallStep[];
  /** Sources looked at and not used, with why (shown in failures and by `roar runtime doctor`). */
  skipped: string[];
}

/** Names of the wheel builder a `roar-runtime` source tree ships: run it with the target interpreter. */
const BUILDERS = [
  "build_wheel.py",
  path.join("tools", "build_wheel.py"),
  path.join("..", "tools", "build_wheel.py"),
];

/**
 * Decide, without running anything, which sources an install tries and in what order.
 *
 * The default index (pip's/uv's own configuration, else PyPI) is used only when the user configured
 * neither an index nor find-links, and then with a short network timeout and binary wheels only:
 * an offline machine loses about a second, not the ~27 s of pip's default retries.
 */
export function planInstall(identity: PythonIdentity, options: EnsureRuntimeOptions): InstallPlan {
  const env = options.env ?? process.env;
  const steps: InstallStep[] = [];
  const skipped: string[] = [];

  const wheelDirs = options.wheelhouse.filter((dir) => hasWheelFor(dir, identity));
  for (const dir of options.wheelhouse) {
    if (!wheelDirs.includes(dir))
      skipped.push(`wheelhouse ${dir}: no roar-runtime wheel for ${identity.abiTag}`);
  }
  if (wheelDirs.length > 0) steps.push({ kind: "install", source: { kind: "wheelhouse", dirs: wheelDirs } });

  const configured = options.findLinks.length > 0 || options.indexUrl !== null;
  if (configured) {
    steps.push({
      kind: "install",
      source: { kind: "configured", findLinks: options.findLinks, indexUrl: options.indexUrl },
    });
  } else if (options.useDefaultIndex ?? true) {
    steps.push({ kind: "install", source: { kind: "default-index" } });
  } else {
    skipped.push("default index: disabled");
  }

  const compiler = findCompiler(env);
  for (const dir of options.sourceDirs ?? []) {
    if (!fs.existsSync(dir)) {
      skipped.push(`source ${dir}: not found`);
      continue;
    }
    if (!compiler) {
      skipped.push(`source ${dir}: no C compiler (cc, gcc, clang or $CC) on PATH`);
      continue;
    }
    const builder = BUILDERS.map((b) => path.join(dir, b)).find((b) => fs.existsSync(b));
    steps.push(
      builder
        ? { kind: "build-script", script: builder }
        : { kind: "install", source: { kind: "source", path: dir } },
    );
  }
  return { steps, skipped };
}

function hasWheelFor(dir: string, identity: PythonIdentity): boolean {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return false;
  }
  // Filename tags: name-version(-build)?-python-abi-platform.whl. A quick look saves a pip start
  // (~0.7 s) when the wheelhouse plainly has nothing for this ABI; pip still makes the real choice.
  // Only the exact ABI counts: the tree must hold `_roar_runtime<EXT_SUFFIX>`, which abi3 wheels do not.
  return names.some((name) => {
    if (!/^roar_runtime-.*\.whl$/i.test(name)) return false;
    const abi = name.slice(0, -4).split("-").at(-2);
    return abi === identity.abiTag;
  });
}

function findCompiler(env: NodeJS.ProcessEnv): string | null {
  const fromEnv = env.CC?.trim().split(/\s+/)[0];
  if (fromEnv) return path.isAbsolute(fromEnv) ? fromEnv : findOnPath(fromEnv, env);
  for (const name of ["cc", "gcc", "clang"]) {
    const found = findOnPath(name, env);
    if (found) return found;
  }
  return null;
}
