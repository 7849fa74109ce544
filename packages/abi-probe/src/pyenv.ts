import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isExecutableFile } from "./which.js";

const SHIM_EXEC = /\/libexec\/pyenv"?\s+exec\s/;

/** Whether a script's head is a pyenv shim (`exec ".../libexec/pyenv" exec "$program" "$@"`). */
export function isPyenvShim(text: string): boolean {
  return SHIM_EXEC.test(text);
}

/**
 * The file a pyenv shim will exec, decided the way `pyenv exec` does but without running bash:
 * `PYENV_VERSION` (a `:` list), else the nearest `.python-version` above `PYENV_DIR`/cwd, else
 * `$PYENV_ROOT/version`, else `system`; a version like `3.12` means the newest installed `3.12.x`;
 * `system` means the first match on PATH outside the shims. `null` when pyenv would fail.
 *
 * Why not just run the shim: it costs a bash + pyenv start (tens of ms), and its answer depends on
 * cwd and env, so a probe cached by the shim file's identity would be wrong in another project.
 */
export function resolvePyenvShim(
  shimPath: string,
  text: string,
  ctx: { env: NodeJS.ProcessEnv; cwd: string },
): string | null {
  const root =
    /^export PYENV_ROOT="([^"]+)"/m.exec(text)?.[1] ??
    ctx.env.PYENV_ROOT ??
    path.join(ctx.env.HOME ?? os.homedir(), ".pyenv");
  const program = path.basename(shimPath);
  for (const version of selectedVersions(root, ctx)) {
    if (version === "system") {
      const shimDirs = new Set([path.join(root, "shims"), path.dirname(shimPath)]);
      for (const dir of (ctx.env.PATH ?? "").split(path.delimiter)) {
        if (dir === "" || shimDirs.has(path.resolve(ctx.cwd, dir))) continue;
        const candidate = path.resolve(ctx.cwd, dir, program);
        if (isExecutableFile(candidate)) return candidate;
      }
      continue;
    }
    const dir = versionDir(root, version);
    const candidate = dir && path.join(dir, "bin", program);
    if (candidate && isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function selectedVersions(root: string, ctx: { env: NodeJS.ProcessEnv; cwd: string }): string[] {
  const fromEnv = ctx.env.PYENV_VERSION;
  if (fromEnv) return fromEnv.split(":").filter(Boolean);
  let dir = path.resolve(ctx.cwd, ctx.env.PYENV_DIR ?? ".");
  for (;;) {
    const versions = readVersionFile(path.join(dir, ".python-version"));
    if (versions) return versions;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return readVersionFile(path.join(root, "version")) ?? ["system"];
}

function readVersionFile(file: string): string[] | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
  const versions = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .flatMap((line) => line.trim().split(/\s+/))
    .filter(Boolean);
  return versions.length > 0 ? versions : null;
}

function versionDir(root: string, version: string): string | null {
  const versionsDir = path.join(root, "versions");
  for (const name of [version, version.replace(/^python-/, "")]) {
    if (fs.existsSync(path.join(versionsDir, name))) return path.join(versionsDir, name);
  }
  // pyenv 2.3+: a prefix such as `3.12` selects the newest installed final release `3.12.x`.
  let names: string[];
  try {
    names = fs.readdirSync(versionsDir);
  } catch {
    return null;
  }
  const prefix = `${version.replace(/^python-/, "")}.`;
  const matches = names.filter((n) => n.startsWith(prefix) && /^\d+(\.\d+)*$/.test(n.slice(prefix.length)));
  if (matches.length === 0) return null;
  matches.sort((a, b) => compareNumeric(b, a));
  return path.join(versionsDir, matches[0]!);
}

function compareNumeric(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
