import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Both src/ (tests) and dist/ (the built CLI) sit directly under the package root.
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The directory put first on PYTHONPATH: `sitecustomize.py` and `_roar_shim/`. */
export function shimDir(): string {
  return path.join(packageRoot, "python-shim");
}

/** Prebuilt `roar-runtime` wheels shipped with the CLI (offline installs). */
export function wheelhouseDir(): string {
  return path.join(packageRoot, "wheelhouse");
}

let version: string | undefined;
/** The @roar/cli version; stamped into runtime trees. */
export function roarVersion(): string {
  version ??= (
    JSON.parse(fs.readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }
  ).version;
  return version;
}
