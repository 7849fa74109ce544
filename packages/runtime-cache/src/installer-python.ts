import fs from "node:fs";
import type { PythonIdentity } from "@roar/abi-probe";

/**
 * The interpreter path to run pip and the import check with. Normally the path as invoked (a venv's
 * `bin/python` must stay a venv path). But when the probe resolved it through a launcher (a pyenv
 * shim: a script that picks a version by cwd and environment), the launcher might pick another
 * Python for the installer than the one probed, so the resolved interpreter is used instead.
 */
export function installerPython(identity: Pick<PythonIdentity, "executable" | "realpath">): string {
  try {
    return fs.realpathSync(identity.executable) === identity.realpath
      ? identity.executable
      : identity.realpath;
  } catch {
    return identity.executable;
  }
}
