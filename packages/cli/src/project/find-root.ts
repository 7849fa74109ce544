import fs from "node:fs";
import path from "node:path";
import { NotInitialisedError } from "../errors.js";

export interface Project {
  /** The directory holding `.roar/`: paths inside it are recorded relative to it. */
  root: string;
  roarDir: string;
  dbPath: string;
  configPath: string;
}

export function projectAt(root: string): Project {
  const roarDir = path.join(root, ".roar");
  return {
    root,
    roarDir,
    dbPath: path.join(roarDir, "roar.db"),
    configPath: path.join(roarDir, "config.toml"),
  };
}

/** Walk up from `cwd` to the nearest directory that has `.roar/`. */
export function findProject(cwd: string): Project | null {
  let dir = path.resolve(cwd);
  for (;;) {
    try {
      if (fs.statSync(path.join(dir, ".roar")).isDirectory()) return projectAt(dir);
    } catch {
      // not here; keep walking
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function requireProject(cwd: string): Project {
  const project = findProject(cwd);
  if (!project) throw new NotInitialisedError(cwd);
  return project;
}
