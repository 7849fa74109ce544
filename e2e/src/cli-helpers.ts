// Shared by the cli-*.test.ts files: run the built CLI the way a user does, in a private cache.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const cliDist = path.join(repo, "packages", "cli", "dist");
const bin = path.join(repo, "packages", "cli", "bin", "run.js");

export function requireBuiltCli(): void {
  if (!fs.existsSync(path.join(cliDist, "commands", "show.js"))) {
    throw new Error("the CLI is not built: run `pnpm --filter @roar/cli build` first");
  }
}

const cache = fs.mkdtempSync(path.join(os.tmpdir(), "roar-e2e-cli-cache-"));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function roar(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, XDG_CACHE_HOME: cache, NO_COLOR: "1", FORCE_COLOR: "", ROAR_DEBUG: "", ...env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tmpDir(prefix = "roar-e2e-cli-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** No stack trace may reach a user without --debug. */
export function expectNoStack(result: CliResult): void {
  if (/\n\s+at /.test(result.stderr) || /\n\s+at /.test(result.stdout)) {
    throw new Error(`stack trace in output:\n${result.stderr}`);
  }
}
