import fs from "node:fs";
import path from "node:path";

/** Whether `file` is a regular file (after symlinks) this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Find `name` on a PATH string the way execvp does: first directory holding an executable regular
 * file of that name; empty entries mean the current directory. The result keeps symlinks.
 */
export function findOnPath(name: string, pathValue: string | undefined, cwd: string): string | null {
  for (const dir of (pathValue ?? "").split(path.delimiter)) {
    const candidate = path.resolve(cwd, dir === "" ? "." : dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** A command word as execvp resolves it: a name with a slash is a path (relative to cwd), else PATH. */
export function resolveCommandWord(word: string, pathValue: string | undefined, cwd: string): string | null {
  if (word === "") return null;
  if (word.includes("/")) {
    const file = path.resolve(cwd, word);
    return isExecutableFile(file) ? file : null;
  }
  return findOnPath(word, pathValue, cwd);
}
