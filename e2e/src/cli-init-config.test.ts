// `roar init` and `roar config` through the built CLI, in real tmp directories.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectNoStack, requireBuiltCli, roar, tmpDir } from "./cli-helpers.js";

beforeAll(requireBuiltCli);

describe("roar init", () => {
  it("creates .roar/ with a commented config and a database; twice is harmless", () => {
    const dir = tmpDir();
    const first = roar(["init"], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Initialised roar project in ${path.join(dir, ".roar")}`);
    const config = fs.readFileSync(path.join(dir, ".roar", "config.toml"), "utf8");
    expect(config).toContain("[tracer]\n");
    expect(config).toMatch(/# How file I\/O is captured.*\n(#.*\n)*# backend = "auto"\n/);
    expect(config).toContain("# install_timeout = 180");
    expect(fs.statSync(path.join(dir, ".roar", "roar.db")).size).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dir, ".gitignore"))).toBe(false);

    fs.appendFileSync(path.join(dir, ".roar", "config.toml"), "# mine\n");
    const second = roar(["init"], dir);
    expect(second).toMatchObject({
      code: 0,
      stdout: `roar: already initialised at ${path.join(dir, ".roar")}\n`,
    });
    expect(fs.readFileSync(path.join(dir, ".roar", "config.toml"), "utf8")).toBe(`${config}# mine\n`);
  });

  it("-y adds .roar/ to .gitignore once, keeping what was there", () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules/\n*.log");
    expect(roar(["init", "-y"], dir).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe("node_modules/\n*.log\n.roar/\n");
    const again = roar(["init", "--gitignore"], dir);
    expect(again.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe("node_modules/\n*.log\n.roar/\n");

    const fresh = tmpDir();
    expect(roar(["init", "-y"], fresh).stdout).toContain("created .gitignore");
    expect(fs.readFileSync(path.join(fresh, ".gitignore"), "utf8")).toBe(".roar/\n");
  });

  it("refuses a corrupt roar.db with one clear line and leaves its bytes alone", () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, ".roar"));
    const bytes = crypto.randomBytes(4096);
    fs.writeFileSync(path.join(dir, ".roar", "roar.db"), bytes);
    for (const args of [["init"], ["log"], ["show"], ["show", "@1"]]) {
      const r = roar(args, dir);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(
        /^roar: \.roar\/roar\.db is not a roar database \(not an SQLite file\)\n {2}hint: move it aside/,
      );
      expectNoStack(r);
    }
    expect(fs.readFileSync(path.join(dir, ".roar", "roar.db")).equals(bytes)).toBe(true);
  });
});

describe("roar config", () => {
  function project(): string {
    const dir = tmpDir();
    expect(roar(["init"], dir).code).toBe(0);
    return dir;
  }

  it("set keeps comments and layout, and get/list read the new value", () => {
    const dir = project();
    const file = path.join(dir, ".roar", "config.toml");
    const before = fs.readFileSync(file, "utf8");
    expect(roar(["config", "set", "tracer.backend", "strace"], dir)).toMatchObject({
      code: 0,
      stdout: "tracer.backend = strace\n",
    });
    const after = fs.readFileSync(file, "utf8");
    // Exactly one line added, right after the commented default; every other line unchanged.
    expect(after).toBe(before.replace('# backend = "auto"\n', '# backend = "auto"\nbackend = "strace"\n'));

    expect(roar(["config", "set", "tracer.backend", "python"], dir).code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(
      before.replace('# backend = "auto"\n', '# backend = "auto"\nbackend = "python"\n'),
    );
    expect(roar(["config", "get", "tracer.backend"], dir)).toMatchObject({ code: 0, stdout: "python\n" });

    expect(roar(["config", "set", "filters.ignore_paths", "logs/**,*.tmp"], dir).code).toBe(0);
    expect(roar(["config", "set", "runtime.find_links", '["/wheels", "/more"]'], dir).code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toContain('ignore_paths = ["logs/**", "*.tmp"]\n');
    const list = roar(["config", "list", "--json"], dir);
    expect(list.code).toBe(0);
    const settings = (
      JSON.parse(list.stdout) as { settings: { key: string; value: unknown; source: string }[] }
    ).settings;
    expect(settings.find((s) => s.key === "filters.ignore_paths")).toMatchObject({
      value: ["logs/**", "*.tmp"],
      source: "file",
    });
    expect(settings.find((s) => s.key === "runtime.find_links")).toMatchObject({
      value: ["/wheels", "/more"],
    });
    expect(settings.find((s) => s.key === "runtime.install")).toMatchObject({
      value: "auto",
      source: "default",
    });
    const text = roar(["config", "list"], dir).stdout;
    expect(text).toMatch(/^tracer\.backend +python +How file I\/O is captured/m);
    expect(text).toMatch(/^runtime\.install +auto \(default\)/m);
  });

  it("keeps a hand-written value's trailing comment", () => {
    const dir = project();
    const file = path.join(dir, ".roar", "config.toml");
    fs.writeFileSync(
      file,
      "# top\n[runtime]\ninstall_timeout = 60 # slow network\n\n[tracer]\nbackend = 'auto'\n",
    );
    expect(roar(["config", "set", "runtime.install_timeout", "300"], dir).code).toBe(0);
    expect(roar(["config", "set", "runtime.install", "skip"], dir).code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(
      "# top\n[runtime]\ninstall = \"skip\"\ninstall_timeout = 300 # slow network\n\n[tracer]\nbackend = 'auto'\n",
    );
  });

  it("explains unknown keys and bad values with what is valid", () => {
    const dir = project();
    const unknown = roar(["config", "set", "tracer.nope", "1"], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      "roar: unknown config key 'tracer.nope'\n  hint: valid keys: tracer.backend, filters.ignore_paths, runtime.install, " +
        "runtime.index_url, runtime.find_links, runtime.installer, runtime.install_timeout\n",
    );
    const badEnum = roar(["config", "set", "tracer.backend", "dtrace"], dir);
    expect(badEnum).toMatchObject({
      code: 1,
      stderr:
        'roar: bad value for tracer.backend: "dtrace"\n  hint: tracer.backend is one of: auto, preload, strace, python\n',
    });
    const badInt = roar(["config", "set", "runtime.install_timeout", "soon"], dir);
    expect(badInt.code).toBe(1);
    expect(badInt.stderr).toMatch(
      /^roar: bad value for runtime.install_timeout: "soon" is not a whole number\n {2}hint: .*positive whole number/,
    );
    expect(roar(["config", "get", "nope"], dir).stderr).toMatch(
      /^roar: unknown config key 'nope'\n {2}hint: valid keys: /,
    );
    for (const r of [unknown, badEnum, badInt]) expectNoStack(r);
  });

  it("needs a project", () => {
    const dir = tmpDir();
    for (const args of [
      ["config", "list"],
      ["config", "get", "tracer.backend"],
      ["config", "set", "tracer.backend", "python"],
      ["log"],
      ["show"],
    ]) {
      const r = roar(args, dir);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toBe(
        `roar: no .roar/ directory in ${dir} or any parent\n  hint: run 'roar init' first\n`,
      );
    }
  });
});
