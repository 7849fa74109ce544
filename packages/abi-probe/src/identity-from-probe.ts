import { ProbeOutputError } from "./errors.js";
import type { PythonIdentity } from "./identity.js";
import { abiTagFor, pythonTagFor, runtimeKey } from "./runtime-key.js";

/**
 * Turn the probe script's JSON (live, cached, or recorded in a fixture) into a `PythonIdentity`:
 * checks the shape, derives `abiTag`, `pythonTag` and `runtimeKey`. `executable` and `realpath`
 * default to what the interpreter reported. Throws `ProbeOutputError` naming the bad field.
 */
export function identityFromProbeOutput(
  output: unknown,
  paths: { executable?: string; realpath?: string } = {},
): PythonIdentity {
  if (!isRecord(output)) throw new ProbeOutputError("(root)", "probe output is not a JSON object");
  const o = output;
  const str = (k: string): string => {
    const v = o[k];
    if (typeof v !== "string") throw new ProbeOutputError(k, `probe output field ${k} is not a string`);
    return v;
  };
  const optStr = (k: string): string | null => {
    const v = o[k];
    if (v === null || v === undefined) return null;
    if (typeof v !== "string") throw new ProbeOutputError(k, `probe output field ${k} is not a string`);
    return v;
  };
  const bool = (k: string): boolean => {
    const v = o[k];
    if (typeof v !== "boolean") throw new ProbeOutputError(k, `probe output field ${k} is not a boolean`);
    return v;
  };
  const triple = (k: string): [number, number, number] => {
    const v = o[k];
    if (!Array.isArray(v) || v.length < 3 || !v.slice(0, 3).every((n) => Number.isInteger(n))) {
      throw new ProbeOutputError(k, `probe output field ${k} is not [major, minor, micro]`);
    }
    return [v[0], v[1], v[2]];
  };
  const strings = (k: string): string[] => {
    const v = o[k];
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) {
      throw new ProbeOutputError(k, `probe output field ${k} is not a list of strings`);
    }
    return v;
  };

  const libcRaw = o.libc;
  if (!isRecord(libcRaw) || !["glibc", "musl", "none"].includes(libcRaw.family as string)) {
    throw new ProbeOutputError("libc", "probe output field libc is not { family: glibc|musl|none, version }");
  }
  const libc: PythonIdentity["libc"] = {
    family: libcRaw.family as PythonIdentity["libc"]["family"],
    version: typeof libcRaw.version === "string" ? libcRaw.version : null,
  };

  const implementation = str("implementation");
  const versionInfo = triple("versionInfo");
  const gilDisabled = bool("gilDisabled");
  const debug = bool("debug");
  const extSuffix = optStr("extSuffix") ?? "";
  const soabi = o.soabi === undefined ? soabiFromExtSuffix(extSuffix) : optStr("soabi");
  const abiflags = optStr("abiflags");
  const pythonTag = pythonTagFor(implementation, versionInfo);
  const abiTag = abiTagFor({ implementation, versionInfo, abiflags, extSuffix, soabi, gilDisabled, debug });
  const platform = str("platform");
  const machine = str("machine");
  const pointerBits = o.pointerBits === 32 ? 32 : o.pointerBits === 64 ? 64 : undefined;
  const prefix = str("prefix");
  const basePrefix = str("basePrefix");
  const sysExecutable = optStr("sysExecutable") ?? "";

  const identity: PythonIdentity = {
    executable: paths.executable ?? sysExecutable,
    realpath: paths.realpath ?? paths.executable ?? sysExecutable,
    implementation,
    version: str("version"),
    versionInfo,
    abiTag,
    pythonTag,
    extSuffix,
    extensionSuffixes: strings("extensionSuffixes"),
    soabi,
    cacheTag: optStr("cacheTag"),
    gilDisabled,
    debug,
    platform,
    machine,
    libc,
    prefix,
    basePrefix,
    isVirtualEnv: typeof o.isVirtualEnv === "boolean" ? o.isVirtualEnv : prefix !== basePrefix,
    libraryPaths: strings("libraryPaths"),
    runtimeKey: runtimeKey({ pythonTag, abiTag, platform, machine, libc, pointerBits }),
    sysExecutable,
    abiflags: abiflags ?? undefined,
    pointerBits,
    multiarch: optStr("multiarch"),
  };
  if (Array.isArray(o.implementationVersion))
    identity.implementationVersion = triple("implementationVersion");
  if (abiflags === null) delete identity.abiflags;
  if (pointerBits === undefined) delete identity.pointerBits;
  return identity;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `.cpython-312-x86_64-linux-gnu.so` → `cpython-312-x86_64-linux-gnu` (sysconfig's SOABI); `null` for a bare `.so`. */
function soabiFromExtSuffix(extSuffix: string): string | null {
  const m = /^\.(.+)\.(?:so|pyd|dylib)$/.exec(extSuffix);
  return m?.[1] ?? null;
}
