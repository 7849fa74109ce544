import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { discoverPythons } from "../discover.js";

/** Local CPython 3.8+ interpreters; prints why when there are none so a skip is never silent. */
export function localPythons(): string[] {
  const found = discoverPythons();
  if (found.length === 0)
    console.log("abi-probe tests: no local Python 3.8+ found (pyenv or /usr/bin); skipping");
  return found;
}

const tmpDirs: string[] = [];

/** A fresh temporary directory (realpath'd), removed by `removeTmpDirs()`. */
export function makeTmpDir(prefix = "abi-probe-"): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  tmpDirs.push(dir);
  return dir;
}

/** Remove every directory `makeTmpDir` made in this test file (call from `afterAll`). */
export function removeTmpDirs(): void {
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** What the interpreter itself says, asked directly (not through the probe). */
export function askPython(python: string, code: string): string {
  return execFileSync(python, ["-c", code], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  }).trim();
}

/** `python -m venv --without-pip <dir>`; returns the venv's `bin/python`. */
export function makeVenv(python: string, dir: string): string {
  execFileSync(python, ["-m", "venv", "--without-pip", dir], { stdio: "ignore" });
  return path.join(dir, "bin", "python");
}

export function writeExecutable(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
  return file;
}
