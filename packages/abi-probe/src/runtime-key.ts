import type { PythonIdentity } from "./identity.js";

/** What `runtimeKey` needs: the fields of a probe output (or a recorded identity) that decide ABI fit. */
export type RuntimeKeyParts = Pick<
  PythonIdentity,
  "pythonTag" | "abiTag" | "platform" | "machine" | "libc"
> & {
  pointerBits?: 32 | 64;
};

const IMPLEMENTATION_SHORT_NAMES = {
  cpython: "cp",
  pypy: "pp",
  ironpython: "ip",
  jython: "jy",
  graalpy: "graalpy",
} as const satisfies Record<string, string>;

/**
 * File-system-safe key that differs whenever an extension built for one interpreter would not load
 * in the other and is equal otherwise: `<pythonTag>-<abiTag>-<platform>_<machine>[-<libc>]`, e.g.
 * `cp312-cp312-linux_x86_64-glibc`, `cp313-cp313t-linux_aarch64-musl`, `cp312-cp312-darwin_arm64`.
 *
 * Patch versions and venvs of one base interpreter share a key (they load the same extensions);
 * `cache_tag` alone would not do (3.13 and 3.13t share `cpython-313`). The libc *version* is left
 * out on purpose: a tree built here is used here, and folding it in would reinstall on every glibc
 * upgrade.
 */
export function runtimeKey(parts: RuntimeKeyParts): string {
  const platform = safe(parts.platform === "win32" ? "win" : parts.platform);
  const libc = parts.libc.family === "none" ? "" : `-${parts.libc.family}`;
  return `${safe(parts.pythonTag)}-${safe(parts.abiTag)}-${platform}_${safe(machineFor(parts))}${libc}`;
}

/**
 * A 32-bit interpreter on a 64-bit kernel reports the kernel's machine; what its extensions need is
 * the 32-bit one (same mapping as `packaging.tags`).
 */
function machineFor(parts: RuntimeKeyParts): string {
  const machine = parts.machine.toLowerCase();
  if (parts.pointerBits !== 32) return machine;
  if (machine === "x86_64" || machine === "amd64") return "i686";
  if (machine === "aarch64" || machine === "arm64") return "armv8l";
  return machine;
}

function safe(part: string): string {
  return part.toLowerCase().replace(/[^a-z0-9_.]+/g, "_");
}

/** Wheel-style interpreter tag: `cp312`, `pp310`. */
export function pythonTagFor(implementation: string, versionInfo: readonly number[]): string {
  const short =
    IMPLEMENTATION_SHORT_NAMES[implementation as keyof typeof IMPLEMENTATION_SHORT_NAMES] ?? implementation;
  return `${short}${versionInfo[0]}${versionInfo[1]}`;
}

/** The facts `abiTagFor` reads from a probe output. */
export interface AbiTagFacts {
  implementation: string;
  versionInfo: readonly number[];
  abiflags?: string | null;
  extSuffix?: string | null;
  soabi?: string | null;
  gilDisabled: boolean;
  debug: boolean;
}

/**
 * Wheel-style ABI tag, the way `packaging.tags` derives it: CPython is `cp` + version + `sys.abiflags`
 * (`cp313t` free-threaded, `cp312d` debug, `cp37m` before 3.8); others take their SOABI
 * (`pypy310-pp73-x86_64-linux-gnu` → `pypy310_pp73`).
 */
export function abiTagFor(facts: AbiTagFacts): string {
  const [major, minor] = facts.versionInfo;
  if (facts.implementation === "cpython") {
    const flags = facts.abiflags ?? `${facts.gilDisabled ? "t" : ""}${facts.debug ? "d" : ""}`;
    return `cp${major}${minor}${flags}`;
  }
  const soabi = facts.soabi ?? facts.extSuffix?.split(".")[1] ?? "";
  const fields = soabi.split("-");
  let abi: string;
  if (soabi.startsWith("pypy")) abi = fields.slice(0, 2).join("-");
  else if (soabi.startsWith("graalpy")) abi = fields.slice(0, 3).join("-");
  else if (soabi.startsWith("cp")) abi = fields[0] ?? soabi;
  else abi = soabi || `${pythonTagFor(facts.implementation, facts.versionInfo)}`;
  return abi.replace(/[.-]/g, "_");
}
