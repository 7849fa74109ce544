// Users meet roar as npm packages, not as this repo: pack every @roar/* package, install the
// tarballs with plain npm into an empty directory outside the repo, and use them there.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPythons } from "@roar/abi-probe";
import { beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const packagesDir = path.join(repo, "packages");
const packageNames = fs
  .readdirSync(packagesDir)
  .filter((d) => fs.existsSync(path.join(packagesDir, d, "package.json")));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "roar-pack-"));
const tarballDir = path.join(tmp, "tarballs");
const tarballs = new Map<string, string>();

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

function tarEntries(tarball: string): string[] {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean);
}

function packedManifest(tarball: string): Record<string, unknown> {
  return JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
}

/** An npm project outside the repo with only the given tarballs installed. */
function npmProject(name: string, packages: string[]): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  const files = packages.map((p) => tarballs.get(p)!);
  sh("npm", ["install", "--no-fund", "--no-audit", "--loglevel=error", ...files], dir, {
    ...process.env,
    npm_config_workspaces: "false",
  });
  return dir;
}

beforeAll(() => {
  fs.mkdirSync(tarballDir, { recursive: true });
  for (const name of packageNames) {
    const out = sh("pnpm", ["pack", "--pack-destination", tarballDir], path.join(packagesDir, name)).stdout;
    const file = out.trim().split("\n").pop()!.trim();
    tarballs.set(name, path.isAbsolute(file) ? file : path.join(tarballDir, path.basename(file)));
  }
}, 300_000);

describe("packed packages", () => {
  it.each(packageNames)("%s ships built ESM, types, README and LICENSE, and no sources or tests", (name) => {
    const entries = tarEntries(tarballs.get(name)!);
    expect(entries).toContain("package/package.json");
    expect(entries).toContain("package/README.md");
    expect(entries).toContain("package/LICENSE");
    expect(entries.some((e) => /^package\/dist\/.*\.js$/.test(e))).toBe(true);
    expect(entries.some((e) => /^package\/dist\/.*\.d\.ts$/.test(e))).toBe(true);
    expect(entries.filter((e) => /\.test\.[cm]?[jt]s$|^package\/src\//.test(e))).toEqual([]);
    const manifest = JSON.stringify(packedManifest(tarballs.get(name)!));
    expect(manifest).not.toContain("workspace:");
  });

  it("@roar/cli carries the Python shim, the roar-runtime source and a wheelhouse", () => {
    const entries = tarEntries(tarballs.get("cli")!);
    expect(entries).toContain("package/python-shim/sitecustomize.py");
    expect(entries).toContain("package/oclif.manifest.json");
    expect(entries.some((e) => e.startsWith("package/python-shim/roar-runtime/"))).toBe(true);
    expect(entries.some((e) => /^package\/wheelhouse\/roar_runtime-.*\.whl$/.test(e))).toBe(true);
    const deps = (packedManifest(tarballs.get("cli")!).dependencies ?? {}) as Record<string, string>;
    expect(deps["@roar/abi-probe"]).toMatch(/^\^?\d+\.\d+\.\d+/);
  });
});

describe("installed from the tarballs with plain npm", () => {
  const pythons = discoverPythons();

  it("npx roar runs a Python script, installs the runtime from the shipped wheelhouse and reports that Python", () => {
    if (pythons.length === 0) {
      console.log("skipped: no local Python interpreter found");
      return;
    }
    const python = pythons[pythons.length - 1]!;
    const version = execFileSync(python, ["-c", "import platform; print(platform.python_version())"], {
      encoding: "utf8",
    }).trim();
    const app = npmProject("app", [...tarballs.keys()]);
    const env = { ...process.env, XDG_CACHE_HOME: path.join(tmp, "cache"), NO_COLOR: "1" };
    const npx = (...args: string[]) => sh("npx", ["--no-install", "roar", ...args], app, env);

    expect(npx("--version").stdout).toMatch(/@roar\/cli\/\d+\.\d+\.\d+/);
    npx("init");
    fs.writeFileSync(path.join(app, "input.txt"), "hello\n");
    fs.writeFileSync(
      path.join(app, "script.py"),
      "open('output.txt', 'w').write(open('input.txt').read().upper())\n",
    );
    const run = npx("run", python, "script.py");
    expect(run.stderr).toContain("🦖 installing roar runtime for");
    expect(fs.readFileSync(path.join(app, "output.txt"), "utf8")).toBe("HELLO\n");

    const job = JSON.parse(npx("show", "@1", "--json").stdout);
    const text = JSON.stringify(job);
    expect(text).toContain(version);
    expect(text).toContain("input.txt");
    expect(text).toContain("output.txt");
    expect(text).toContain('"native"'); // the shim took the compiled fast path from the wheelhouse
  });

  it("@roar/abi-probe's README example runs as written with only that package installed", () => {
    const readme = fs.readFileSync(path.join(packagesDir, "abi-probe/README.md"), "utf8");
    const example = /```(?:js|javascript|mjs)\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, "README has a ```js example").toBeTruthy();
    const dir = npmProject("probe-only", ["abi-probe"]);
    expect(fs.readdirSync(path.join(dir, "node_modules/@roar"))).toEqual(["abi-probe"]);
    fs.writeFileSync(path.join(dir, "example.mjs"), example!);
    const r = sh("node", ["example.mjs"], dir);
    expect(r.stdout.length).toBeGreaterThan(0);
  });
});
