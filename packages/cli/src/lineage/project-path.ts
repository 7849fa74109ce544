import path from "node:path";

/**
 * The path as the store records it: relative to the project root (with `/`) when inside it, else
 * absolute. `arg` is what the user typed, relative to their cwd.
 */
export function toRecordedPath(root: string, cwd: string, arg: string): string {
  const abs = path.resolve(cwd, arg);
  const rel = path.relative(root, abs);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return abs;
  return rel.split(path.sep).join("/");
}
