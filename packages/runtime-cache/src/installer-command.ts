import fs from "node:fs";
import path from "node:path";
import type { InstallerChoice, ProcessCommand } from "./types.js";

/**
 * Where one install attempt looks. Attempts run in this order; the first that installs wins:
 * the shipped wheelhouse (offline), the configured find-links/index, the installer's default index
 * (only when nothing is configured), a source build with the target interpreter.
 */
export type InstallSource =
  | { kind: "wheelhouse"; dirs: string[] }
  | { kind: "configured"; findLinks: string[]; indexUrl: string | null }
  | { kind: "default-index" }
  /** Wheels just built from source by `build-script` into a private directory. */
  | { kind: "built"; dir: string }
  /** A `roar-runtime` source tree or sdist built by the installer itself (`--no-build-isolation`). */
  | { kind: "source"; path: string };

export type Installer = { name: "pip" } | { name: "uv"; path: string };

export interface InstallerCommandInput {
  installer: Installer;
  /** The target interpreter (never a `pip` found on PATH: it may belong to another Python). */
  python: string;
  target: string;
  source: InstallSource;
  requirement: string;
  env: NodeJS.ProcessEnv;
  /** Shim directories to drop from PYTHONPATH (the installer must not trace itself). */
  shimDirs: string[];
}

/** Seconds a default-index attempt waits on the network: an unreachable index must not stall a run. */
export const DEFAULT_INDEX_TIMEOUT_S = 10;

export function describeSource(source: InstallSource): string {
  switch (source.kind) {
    case "wheelhouse":
      return `wheelhouse ${source.dirs.join(", ")}`;
    case "configured":
      return [
        ...source.findLinks.map((l) => `find-links ${l}`),
        source.indexUrl ? `index ${source.indexUrl}` : "",
      ]
        .filter(Boolean)
        .join(", ");
    case "default-index":
      return "the installer's default index";
    case "built":
      return `source build (${source.dir})`;
    case "source":
      return `source build of ${source.path}`;
  }
}

/** The exact argv and environment one install attempt runs with. Pure: no spawning, no file access. */
export function installerCommand(input: InstallerCommandInput): ProcessCommand {
  const { installer, python, target, source } = input;
  const env = installerEnv(input.env, input.shimDirs);
  const args: string[] = [];
  if (installer.name === "uv") {
    // --python pins the interpreter; --link-mode copy keeps the tree independent of uv's cache.
    args.push(
      "pip",
      "install",
      "--target",
      target,
      "--python",
      python,
      "--no-deps",
      "--link-mode",
      "copy",
      "--quiet",
    );
  } else {
    args.push(
      "-m",
      "pip",
      "install",
      "--target",
      target,
      "--no-deps",
      "--disable-pip-version-check",
      "--no-warn-script-location",
      "--no-input",
      "--progress-bar",
      "off",
      "--quiet",
    );
    env.PIP_ROOT_USER_ACTION ??= "ignore";
  }
  // Only our own sources are named; the user's pip/uv config (certificates, mirrors, proxies) stays.
  switch (source.kind) {
    case "wheelhouse":
    case "built": {
      const dirs = source.kind === "wheelhouse" ? source.dirs : [source.dir];
      args.push("--no-index", "--only-binary", ":all:");
      for (const dir of dirs) args.push("--find-links", dir);
      args.push(input.requirement);
      break;
    }
    case "configured":
      for (const link of source.findLinks) args.push("--find-links", link);
      if (source.indexUrl) args.push("--index-url", source.indexUrl);
      else args.push("--no-index");
      if (installer.name === "pip") args.push("--prefer-binary");
      args.push(input.requirement);
      break;
    case "default-index":
      args.push("--only-binary", ":all:");
      if (installer.name === "pip") args.push("--retries", "1", "--timeout", String(DEFAULT_INDEX_TIMEOUT_S));
      else env.UV_HTTP_TIMEOUT ??= String(DEFAULT_INDEX_TIMEOUT_S);
      args.push(input.requirement);
      break;
    case "source":
      // The build uses the interpreter's own setuptools: nothing is fetched.
      args.push("--no-index", "--no-build-isolation", source.path);
      break;
  }
  return installer.name === "uv" ? { file: installer.path, args, env } : { file: python, args, env };
}

/** The caller's environment minus roar's own variables and the shim directory on PYTHONPATH. */
export function installerEnv(env: NodeJS.ProcessEnv, shimDirs: string[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.startsWith("ROAR_")) continue;
    out[name] = value;
  }
  const drop = new Set(
    [...shimDirs, env.ROAR_SHIM_DIR ?? ""].filter((d) => d !== "").map((d) => path.resolve(d)),
  );
  if (out.PYTHONPATH !== undefined) {
    const kept = out.PYTHONPATH.split(path.delimiter).filter(
      (entry) => entry !== "" && !drop.has(path.resolve(entry)),
    );
    if (kept.length > 0) out.PYTHONPATH = kept.join(path.delimiter);
    else delete out.PYTHONPATH;
  }
  return out;
}

/** PYTHONPATH entries that hold a roar shim (`_roar_shim/`), e.g. inherited from an outer `roar run`. */
export function shimDirsOnPythonPath(env: NodeJS.ProcessEnv): string[] {
  return (env.PYTHONPATH ?? "")
    .split(path.delimiter)
    .filter((entry) => entry !== "" && fs.existsSync(path.join(entry, "_roar_shim")));
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export type InstallerSelection = { installer: Installer } | { error: string; hint: string };

/** `auto`: uv when it is on PATH, else the target interpreter's own pip. */
export function chooseInstaller(choice: InstallerChoice, env: NodeJS.ProcessEnv): InstallerSelection {
  if (choice === "pip") return { installer: { name: "pip" } };
  const uv = findOnPath("uv", env);
  if (uv) return { installer: { name: "uv", path: uv } };
  if (choice === "uv") {
    return {
      error: "runtime.installer is uv but uv is not on PATH",
      hint: "install uv, or set runtime.installer = auto",
    };
  }
  return { installer: { name: "pip" } };
}
