import fs from "node:fs";
import path from "node:path";

/** execvp's fallback when PATH is unset. */
const DEFAULT_PATH = "/bin:/usr/bin";

/**
 * Where `execvp` would find `name` (a word with a slash is taken as a path from `cwd`), or null.
 * Decided without spawning anything, so `roar run` can say "command not found" before tracing.
 */
export function findExecutable(
  name: string,
  pathValue: string | undefined,
  cwd = process.cwd(),
): string | null {
  if (name === "") return null;
  if (name.includes("/")) {
    const file = path.resolve(cwd, name);
    return fs.existsSync(file) ? file : null;
  }
  for (const dir of (pathValue ?? DEFAULT_PATH).split(":")) {
    const file = path.resolve(cwd, dir || ".", name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return null;
}
