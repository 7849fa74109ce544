import fs from "node:fs";
import path from "node:path";
import type { PythonIdentity } from "@roar/abi-probe";
import {
  chooseInstaller,
  describeSource,
  inspectRuntime,
  installerCommand,
  installerPython,
  planInstall,
  runtimeCacheRoot,
} from "@roar/runtime-cache";
import type { RoarConfig } from "../config/keys.js";
import { runtimeOptionsFromConfig } from "./runtime-options.js";

export interface RuntimeDoctorReport {
  python: Pick<
    PythonIdentity,
    | "executable"
    | "realpath"
    | "implementation"
    | "version"
    | "abiTag"
    | "extSuffix"
    | "extensionSuffixes"
    | "runtimeKey"
  >;
  key: string;
  cache: { root: string; dir: string; cached: boolean; reason: string | null; roarVersion: string };
  mode: { mode: "auto" | "skip"; from: "env" | "config" | "default"; warning: string | null };
  installer: { name: "pip" | "uv" | null; argv: string[] | null; error: string | null };
  sources: { tried: string[]; skipped: string[] };
  /** Would the shim's gate load the compiled module from this tree under this interpreter? */
  gate: { matches: boolean; file: string | null };
}

/** Everything `roar runtime doctor` shows: decided here, without installing or running anything. */
export function runtimeDoctor(
  identity: PythonIdentity,
  config: RoarConfig,
  env: NodeJS.ProcessEnv,
): RuntimeDoctorReport {
  const { options, mode } = runtimeOptionsFromConfig(config, env);
  const root = runtimeCacheRoot(env);
  const inspection = inspectRuntime(identity, { roarVersion: options.roarVersion, cacheRoot: root });
  const plan = planInstall(identity, options);
  const selection = chooseInstaller(options.installer, env);
  let argv: string[] | null = null;
  const first = plan.steps[0];
  if ("installer" in selection && first) {
    const target = path.join(root, `.tmp-${identity.runtimeKey}-<pid>-<rand>`, "site-packages");
    const source =
      first.kind === "install" ? first.source : ({ kind: "built", dir: "<built wheels>" } as const);
    const command = installerCommand({
      installer: selection.installer,
      python: installerPython(identity),
      target,
      source,
      requirement: options.requirement ?? "roar-runtime",
      env,
      shimDirs: options.shimDir ? [options.shimDir] : [],
    });
    argv = [command.file, ...command.args];
  }
  return {
    python: {
      executable: identity.executable,
      realpath: identity.realpath,
      implementation: identity.implementation,
      version: identity.version,
      abiTag: identity.abiTag,
      extSuffix: identity.extSuffix,
      extensionSuffixes: identity.extensionSuffixes,
      runtimeKey: identity.runtimeKey,
    },
    key: identity.runtimeKey,
    cache: {
      root,
      dir: inspection.dir,
      cached: inspection.cached,
      reason: inspection.reason ?? null,
      roarVersion: options.roarVersion,
    },
    mode: { mode: mode.mode, from: mode.source, warning: mode.warning ?? null },
    installer:
      "installer" in selection
        ? { name: selection.installer.name, argv, error: null }
        : { name: null, argv: null, error: `${selection.error} (${selection.hint})` },
    sources: {
      tried: plan.steps.map((s) =>
        s.kind === "install" ? describeSource(s.source) : `source build with ${s.script}`,
      ),
      skipped: plan.skipped,
    },
    gate: gateFile(inspection.sitePackages, identity.extensionSuffixes),
  };
}

/** The shim's gate, restated: a `_roar_runtime` file ending in one of this interpreter's suffixes. */
function gateFile(sitePackages: string, suffixes: string[]): { matches: boolean; file: string | null } {
  let names: string[];
  try {
    names = fs.readdirSync(sitePackages);
  } catch {
    return { matches: false, file: null };
  }
  for (const suffix of suffixes) {
    if (names.includes(`_roar_runtime${suffix}`))
      return { matches: true, file: path.join(sitePackages, `_roar_runtime${suffix}`) };
  }
  return { matches: false, file: null };
}
