import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Python interpreters installed on this machine: every pyenv version's `pythonX.Y`, then the
 * `python3*` found in the system directories. Deduplicated by real file; only CPython/PyPy 3.
 * Used by tests and benchmarks to run against every real interpreter rather than hard-coded paths.
 */
export function discoverPythons(
  options: { env?: NodeJS.ProcessEnv; minVersion?: [number, number] } = {},
): string[] {
  const env = options.env ?? process.env;
  const [minMajor, minMinor] = options.minVersion ?? [3, 8]; // roar's shim supports 3.8+
  const oldEnough = (minor: number): boolean => 3 > minMajor || (3 === minMajor && minor >= minMinor);
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (candidate: string): void => {
    let real: string;
    try {
      real = fs.realpathSync(candidate);
      fs.accessSync(real, fs.constants.X_OK);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    found.push(candidate);
  };

  for (const versionsDir of pyenvVersionDirs(env)) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(versionsDir);
    } catch {
      continue;
    }
    for (const name of names.sort(compareVersions)) {
      const m = /^(?:pypy)?(3)\.(\d+)/.exec(name);
      if (!m || !oldEnough(Number(m[2]))) continue; // python 2, and 3.x older than supported
      const bin = path.join(versionsDir, name, "bin");
      add(path.join(bin, name.startsWith("pypy") ? "pypy3" : `python3.${m[2]}`));
    }
  }
  for (const dir of ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    const wanted = names.filter(
      (n) => /^python3\.\d+t?$/.test(n) && oldEnough(Number(n.split(".")[1]?.replace("t", ""))),
    );
    for (const name of wanted.sort(compareVersions)) {
      add(path.join(dir, name));
    }
  }
  return found;
}

function pyenvVersionDirs(env: NodeJS.ProcessEnv): string[] {
  const roots = new Set<string>();
  if (env.PYENV_ROOT) roots.add(env.PYENV_ROOT);
  roots.add(path.join(env.HOME ?? os.homedir(), ".pyenv"));
  try {
    const root = execFileSync("pyenv", ["root"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (root) roots.add(root);
  } catch {
    // pyenv not installed: the other roots still count
  }
  return [...roots].map((r) => path.join(r, "versions"));
}

function compareVersions(a: string, b: string): number {
  const nums = (s: string) => (s.match(/\d+/g) ?? []).map(Number);
  const [x, y] = [nums(a), nums(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}
