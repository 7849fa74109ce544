import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPythons, type PythonIdentity, probePython } from "@roar/abi-probe";

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const repoRoot = path.resolve(packageRoot, "..", "..");
export const shimSource = path.join(repoRoot, "python-shim");
export const wheelBuilder = path.join(shimSource, "tools", "build_wheel.py");

/** One identity per distinct runtime key among the local interpreters (3.8+). */
export async function localIdentities(): Promise<PythonIdentity[]> {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "rc-probe-"));
  const byKey = new Map<string, PythonIdentity>();
  for (const exe of discoverPythons()) {
    const identity = await probePython(exe, { cacheDir });
    if (identity && identity.implementation === "cpython" && !byKey.has(identity.runtimeKey)) {
      byKey.set(identity.runtimeKey, identity);
    }
  }
  return [...byKey.values()];
}

/**
 * Build each interpreter's real roar-runtime wheel with python-shim/tools/build_wheel.py into one
 * directory (once per test file). Returns the identities whose wheel was built.
 */
export function buildWheelhouse(identities: PythonIdentity[], dir: string): PythonIdentity[] {
  fs.mkdirSync(dir, { recursive: true });
  const built: PythonIdentity[] = [];
  for (const identity of identities) {
    try {
      execFileSync(identity.executable, [wheelBuilder, "--out", dir], { stdio: ["ignore", "pipe", "pipe"] });
      built.push(identity);
    } catch (error) {
      console.warn(`no wheel for ${identity.executable}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return built;
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rc-${prefix}-`));
}

/** Has the wheel builder landed? Tests that need real wheels skip with this reason otherwise. */
export function whyNoWheels(identities: PythonIdentity[]): string | null {
  if (identities.length === 0) return "no local CPython 3.8+ found by discoverPythons()";
  if (!fs.existsSync(wheelBuilder)) return `${wheelBuilder} is missing`;
  return null;
}
