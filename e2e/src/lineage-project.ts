// A throwaway git repo with a roar project and a tiny pipeline tool, driven through the built CLI
// (`node packages/cli/bin/run.js`). Shared by the lineage-*.test.ts files.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPythons } from "@roar/abi-probe";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const roarBin = path.join(repo, "packages", "cli", "bin", "run.js");

/** The first local CPython 3.8+, or null (the tests then skip with a printed reason). */
export const python: string | null = discoverPythons()[0] ?? null;

// `tool.py OUTS INS`: reads every input (comma-separated), writes every output with content that
// depends on all inputs and the output's name, so changing any input changes every output.
const TOOL = `
import hashlib, sys
outs = [p for p in sys.argv[1].split(",") if p]
ins = [p for p in (sys.argv[2] if len(sys.argv) > 2 else "").split(",") if p]
h = hashlib.sha256()
for p in ins:
    with open(p, "rb") as f:
        h.update(f.read())
for p in outs:
    with open(p, "w") as f:
        f.write(hashlib.sha256(h.digest() + p.encode()).hexdigest() + "\\n")
`;

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface LineageProject {
  dir: string;
  /** The built CLI in the project, with `extraEnv` on top of its environment. */
  roar(args: string[], extraEnv?: NodeJS.ProcessEnv): Result;
  /** `roar run --tracer python -- python tool.py OUTS INS`; throws when it fails. */
  step(outs: string[], ins: string[]): Result;
  write(rel: string, content: string): void;
  read(rel: string): string;
  json<T = unknown>(args: string[]): T;
  cleanup(): void;
}

export function lineageProject(name: string): LineageProject {
  if (!python) throw new Error("no Python");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `roar-${name}-`));
  const dir = path.join(tmp, "project");
  fs.mkdirSync(path.join(dir, "data"), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("ROAR_") && k !== "PYTHONPATH"),
    ),
    XDG_CACHE_HOME: path.join(tmp, "cache"),
    NO_COLOR: "1",
    GIT_CONFIG_NOSYSTEM: "1",
  };
  spawnSync("git", ["init", "-q", "."], { cwd: dir, env });
  const roar = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Result => {
    const r = spawnSync(process.execPath, [roarBin, ...args], {
      cwd: dir,
      env: { ...env, ...extraEnv },
      encoding: "utf8",
      timeout: 170_000,
      maxBuffer: 1 << 30,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const init = roar(["init"]);
  if (init.status !== 0) fs.mkdirSync(path.join(dir, ".roar"), { recursive: true }); // before `roar init` existed
  fs.writeFileSync(path.join(dir, "tool.py"), TOOL);
  return {
    dir,
    roar,
    step(outs, ins) {
      const r = roar(["run", "--tracer", "python", "--", python, "tool.py", outs.join(","), ins.join(",")]);
      if (r.status !== 0) throw new Error(`roar run failed (${r.status}): ${r.stderr}`);
      return r;
    },
    write(rel, content) {
      fs.writeFileSync(path.join(dir, rel), content);
    },
    read(rel) {
      return fs.readFileSync(path.join(dir, rel), "utf8");
    },
    json<T>(args: string[]): T {
      const r = roar(args);
      if (r.status !== 0) throw new Error(`roar ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    cleanup() {
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export interface DagJson {
  steps: {
    step: number;
    uid: string;
    command: string;
    state: "active" | "stale" | "superseded";
    dependencies: number[];
    consumed: number;
    produced: number;
  }[];
  artifacts: {
    path: string;
    hash: string;
    state: string;
    producer: number | null;
    consumers: number[];
    terminal: boolean;
  }[];
}

/** step number → dependencies, for the current runs. */
export function depsByStep(dag: DagJson): Record<number, number[]> {
  return Object.fromEntries(
    dag.steps.filter((s) => s.state !== "superseded").map((s) => [s.step, s.dependencies]),
  );
}
