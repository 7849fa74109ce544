// `roar runtime install|list|doctor|clear` as a user runs them: the built CLI, a private cache
// (XDG_CACHE_HOME), real interpreters and real pip, outside any roar project.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPythons } from "@roar/abi-probe";
import { beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(repo, "packages", "cli", "bin", "run.js");
const python = discoverPythons()[0];
let cache = "";
let cwd = "";

function roar(args: string[], env: NodeJS.ProcessEnv = {}, dir = cwd) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { ...process.env, XDG_CACHE_HOME: cache, NO_COLOR: "1", ROAR_RUNTIME_INSTALL: "", ...env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(path.join(repo, "packages", "cli", "dist", "commands", "runtime", "install.js"))) {
    throw new Error("the CLI is not built: run `pnpm --filter @roar/cli build` first");
  }
  cache = fs.mkdtempSync(path.join(os.tmpdir(), "roar-e2e-cache-"));
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), "roar-e2e-cwd-")); // no .roar/: default config
});

describe("roar runtime", () => {
  it("installs, lists, diagnoses and clears a runtime tree", (ctx) => {
    if (!python) return ctx.skip("no local CPython 3.8+ found by discoverPythons()");

    const install = roar(["runtime", "install", python]);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stderr).toMatch(
      /^🦖 installing roar runtime for cp\d+\S* \.\.\. \(one-time per Python; cached\)\n$/,
    );
    const [, key, treePath] = /^installed: (\S+) -> (\S+)\n$/.exec(install.stdout) ?? [];
    expect(key).toMatch(/^cp\d+/);
    expect(treePath).toBe(path.join(cache, "roar", "runtime", key!, "site-packages"));

    const again = roar(["runtime", "install", python]);
    expect(again).toMatchObject({
      code: 0,
      stderr: "",
      stdout: `already installed: ${key} -> ${treePath}\n`,
    });

    const list = roar(["runtime", "list", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as {
      root: string;
      runtimes: { key: string; python: string; complete: boolean; sizeBytes: number }[];
    };
    expect(listed.root).toBe(path.join(cache, "roar", "runtime"));
    expect(listed.runtimes).toHaveLength(1);
    expect(listed.runtimes[0]).toMatchObject({ key, complete: true, roarVersion: expect.any(String) });
    expect(listed.runtimes[0]!.sizeBytes).toBeGreaterThan(0);
    expect(roar(["runtime", "list"]).stdout).toContain(key);

    const doctor = roar(["runtime", "doctor", python, "--json"]);
    expect(doctor.code, doctor.stderr).toBe(0);
    const report = JSON.parse(doctor.stdout);
    expect(report).toMatchObject({
      key,
      cache: { cached: true },
      mode: { mode: "auto" },
      gate: { matches: true },
    });
    expect(report.gate.file).toMatch(new RegExp(`^${treePath}/_roar_runtime`));
    expect(report.sources.tried[0]).toMatch(/^wheelhouse /);
    const human = roar(["runtime", "doctor", python], { ROAR_RUNTIME_INSTALL: "skip" });
    expect(human.stdout).toMatch(/^gate +yes/m);
    expect(human.stdout).toMatch(/^mode +skip \(from env\)/m);

    const clear = roar(["runtime", "clear", "--all"]);
    expect(clear).toMatchObject({ code: 0, stdout: `removed ${key}\n` });
    expect(JSON.parse(roar(["runtime", "list", "--json"]).stdout).runtimes).toEqual([]);
    expect(JSON.parse(roar(["runtime", "doctor", python, "--json"]).stdout).gate.matches).toBe(false);
  });

  it("fails an install with one line and a hint, no stack trace, and no tree", (ctx) => {
    if (!python) return ctx.skip("no local CPython 3.8+ found by discoverPythons()");
    // A project that insists on uv, on a PATH without it.
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "roar-e2e-uv-"));
    fs.mkdirSync(path.join(project, ".roar"));
    fs.writeFileSync(path.join(project, ".roar", "config.toml"), '[runtime]\ninstaller = "uv"\n');
    const failed = roar(["runtime", "install", python], { PATH: path.join(project, "no-bin") }, project);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe("");
    const lines = failed.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^roar: runtime install for .* failed: runtime.installer is uv but uv is not on PATH$/,
    );
    expect(lines[1]).toMatch(/^ {2}hint: /);
    expect(fs.readdirSync(path.join(cache, "roar", "runtime")).filter((n) => !n.startsWith(".old-"))).toEqual(
      [],
    );

    const notPython = roar(["runtime", "install", "/bin/sh"]);
    expect(notPython.code).toBe(1);
    expect(notPython.stderr).toMatch(/^roar: cannot use \/bin\/sh as a Python: .*\n {2}hint: .*\n$/);

    const noKey = roar(["runtime", "clear"]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toBe(
      "roar: name a runtime key or pass --all\n  hint: 'roar runtime list' shows the keys\n",
    );
  });
});
