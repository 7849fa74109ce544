import { execFile } from "node:child_process";

export interface GitState {
  commit: string | null;
  branch: string | null;
  /** Tracked files differ from the commit (as `git describe --dirty`); `.roar/` is ignored. */
  dirty: boolean | null;
}

const NONE: GitState = { commit: null, branch: null, dirty: null };

/**
 * The git state of the repository holding `cwd`, from one `git status` call. All null outside a
 * repository, when git is not installed, or when it fails or takes longer than a few seconds:
 * recording a job never depends on git.
 *
 * Untracked files do not make the tree dirty: a pipeline's own outputs are usually untracked,
 * and counting them would make every job after the first "dirty".
 */
export function gitState(cwd: string): Promise<GitState> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["--no-optional-locks", "status", "--porcelain=v2", "--branch", "--untracked-files=no", "-z"],
      {
        cwd,
        timeout: 5000,
        maxBuffer: 64 << 20,
        // Never prompt, never page; a user's GIT_DIR for another tree must not leak in either.
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
      },
      (error, stdout) => {
        if (error) return resolve(NONE);
        resolve(parseStatus(stdout));
      },
    );
  });
}

/** Parse `git status --porcelain=v2 --branch -z` output. */
export function parseStatus(out: string): GitState {
  let commit: string | null = null;
  let branch: string | null = null;
  let dirty = false;
  const entries = out.split("\0");
  for (let i = 0; i < entries.length; i++) {
    const line = entries[i]!;
    if (line === "") continue;
    if (line.startsWith("# branch.oid ")) {
      const oid = line.slice("# branch.oid ".length);
      commit = /^[0-9a-f]{7,}$/.test(oid) ? oid : null; // "(initial)" before the first commit
    } else if (line.startsWith("# branch.head ")) {
      const head = line.slice("# branch.head ".length);
      branch = head === "(detached)" ? null : head;
    } else if (line.startsWith("#")) {
      // other headers (upstream, ahead/behind)
    } else {
      // "1 XY … path", "2 XY … path\0origPath" (rename), "u …" (unmerged): path is the last field.
      const path = line
        .split(" ")
        .slice(line.startsWith("1 ") ? 8 : line.startsWith("2 ") ? 9 : 10)
        .join(" ");
      if (line.startsWith("2 ")) i++; // skip the rename's original path
      if (!/(^|\/)\.roar(\/|$)/.test(path)) dirty = true;
    }
  }
  return { commit, branch, dirty };
}
