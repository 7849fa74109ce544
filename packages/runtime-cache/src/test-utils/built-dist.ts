import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { packageRoot } from "./pythons.js";

/** `dist/index.js`, rebuilt when any source file is newer (child-process tests import the real build). */
export function builtDist(): string {
  const dist = path.join(packageRoot, "dist", "index.js");
  const srcDir = path.join(packageRoot, "src");
  const newestSource = Math.max(
    ...fs
      .readdirSync(srcDir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => fs.statSync(path.join(srcDir, f)).mtimeMs),
  );
  const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;
  if (built < newestSource) {
    execFileSync("pnpm", ["exec", "tsup"], { cwd: packageRoot, stdio: "pipe" });
  }
  return dist;
}
