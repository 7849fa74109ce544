import fs from "node:fs";
import path from "node:path";
import { configTemplate } from "../config/config-template.js";
import { RoarError } from "../errors.js";
import { openStore } from "../store/store.js";
import { findProject, type Project, projectAt } from "./find-root.js";

export interface InitResult {
  project: Project;
  /** false when `.roar/` was already there (init is then a no-op apart from filling gaps). */
  created: boolean;
  /** What happened to `.gitignore` when asked to add `.roar/`. */
  gitignore: "created" | "added" | "present" | "not-requested";
  /** An enclosing project found above `dir`, when `dir` itself had none (a nested init). */
  parent: Project | null;
}

/**
 * Make `dir` a roar project: `.roar/config.toml` (commented defaults) and `.roar/roar.db`
 * (migrated). Safe to run again: existing files are kept, missing ones are created, and an
 * existing database is checked (a foreign or corrupt one is refused, never replaced).
 */
export function initProject(dir: string, options: { gitignore?: boolean } = {}): InitResult {
  const root = path.resolve(dir);
  const project = projectAt(root);
  const existed = fs.existsSync(project.roarDir);
  if (existed && !fs.statSync(project.roarDir).isDirectory()) {
    throw new RoarError(`${project.roarDir} exists and is not a directory`, {
      hint: "move it aside and run 'roar init' again",
    });
  }
  const parent = existed ? null : findProject(path.dirname(root));
  try {
    fs.mkdirSync(project.roarDir, { recursive: true });
    // "wx": never overwrite a config the user edited.
    try {
      fs.writeFileSync(project.configPath, configTemplate(), { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  } catch (error) {
    if (error instanceof RoarError) throw error;
    throw new RoarError(`cannot create ${project.roarDir}: ${(error as Error).message}`, {
      hint: "check that you may write to this directory",
    });
  }
  openStore(project).close();
  const gitignore = options.gitignore ? addToGitignore(root) : "not-requested";
  return { project, created: !existed, gitignore, parent };
}

/** Add `.roar/` to `<root>/.gitignore` unless a line already ignores it. */
export function addToGitignore(root: string): "created" | "added" | "present" {
  const file = path.join(root, ".gitignore");
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (text === null) {
    fs.writeFileSync(file, ".roar/\n");
    return "created";
  }
  const present = text.split(/\r?\n/).some((l) => /^\/?\.roar\/?(\*\*?)?\s*$/.test(l.trim()));
  if (present) return "present";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  fs.appendFileSync(file, `${text === "" || text.endsWith("\n") ? "" : eol}.roar/${eol}`);
  return "added";
}
