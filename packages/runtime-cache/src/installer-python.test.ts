import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installerPython } from "./installer-python.js";
import { tmpDir } from "./test-utils/pythons.js";

describe("installerPython", () => {
  it("keeps a venv-style symlink as invoked, but bypasses a launcher the probe resolved through", () => {
    const dir = tmpDir("launchers");
    const real = path.join(dir, "python3.12");
    fs.writeFileSync(real, "", { mode: 0o755 });
    const venvLink = path.join(dir, "venv-python");
    fs.symlinkSync(real, venvLink);
    expect(installerPython({ executable: venvLink, realpath: real })).toBe(venvLink);
    // A pyenv shim: a separate script whose chosen version depends on cwd and environment.
    const shim = path.join(dir, "python3");
    fs.writeFileSync(shim, '#!/usr/bin/env bash\nexec pyenv exec python3 "$@"\n', { mode: 0o755 });
    expect(installerPython({ executable: shim, realpath: real })).toBe(real);
  });
});
