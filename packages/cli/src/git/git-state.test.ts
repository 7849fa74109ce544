import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitState, parseStatus } from "./git-state.js";

function hasGit(): boolean {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("gitState", () => {
  it("is all null outside a repository", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roar-nogit-"));
    expect(await gitState(dir)).toEqual({ commit: null, branch: null, dirty: null });
  });

  it("reads commit, branch and dirtiness of a real repository, ignoring .roar/ and untracked files", async (ctx) => {
    if (!hasGit()) return ctx.skip("git is not installed");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roar-git-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
        cwd: dir,
        encoding: "utf8",
      }).trim();
    git("init", "-q", "-b", "main");
    expect(await gitState(dir)).toEqual({ commit: null, branch: "main", dirty: false });
    fs.writeFileSync(path.join(dir, "train.py"), "print(1)\n");
    fs.mkdirSync(path.join(dir, ".roar"));
    fs.writeFileSync(path.join(dir, ".roar", "config.toml"), "# a\n");
    git("add", ".");
    git("commit", "-q", "-m", "one");
    const head = git("rev-parse", "HEAD");
    fs.writeFileSync(path.join(dir, "model.pt"), "untracked output");
    fs.writeFileSync(path.join(dir, ".roar", "config.toml"), "# b\n");
    expect(await gitState(dir)).toEqual({ commit: head, branch: "main", dirty: false });
    fs.writeFileSync(path.join(dir, "train.py"), "print(2)\n");
    expect(await gitState(path.join(dir, ".roar"))).toEqual({ commit: head, branch: "main", dirty: true });
  });

  it("parses renames and detached heads", () => {
    const oid = "a".repeat(40);
    const out = [
      `# branch.oid ${oid}`,
      "# branch.head (detached)",
      `2 R. N... 100644 100644 100644 ${oid} ${oid} R100 .roar/new name`,
      ".roar/old",
      "",
    ].join("\0");
    expect(parseStatus(out)).toEqual({ commit: oid, branch: null, dirty: false });
  });
});
