import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PythonIdentity } from "./identity.js";
import { probePython, probePythonDetailed } from "./probe.js";
import { probeModuleArgs } from "./probe-module.js";
import {
  askPython,
  localPythons,
  makeTmpDir,
  makeVenv,
  removeTmpDirs,
  writeExecutable,
} from "./test-utils/python-fixtures.js";

const pythons = localPythons();
const tmp = makeTmpDir();
const cacheDir = path.join(tmp, "cache");
afterAll(removeTmpDirs);

/** A spawn that counts, so "no process was started" is proven, not assumed. */
function countingSpawn(): { spawn: typeof spawn; calls: string[] } {
  const calls: string[] = [];
  const counted = ((
    command: string,
    ...rest: Parameters<typeof spawn> extends [unknown, ...infer R] ? R : never
  ) => {
    calls.push(command);
    return (spawn as (...a: unknown[]) => ReturnType<typeof spawn>)(command, ...rest);
  }) as typeof spawn;
  return { spawn: counted, calls };
}

describe.skipIf(pythons.length === 0)("probePython on real interpreters", () => {
  const identities = new Map<string, PythonIdentity>();
  beforeAll(async () => {
    for (const python of pythons) {
      const result = await probePythonDetailed(python, { cacheDir, useCache: false });
      if (!result.identity) throw new Error(`probe of ${python} failed: ${result.reason}`);
      identities.set(python, result.identity);
    }
  });

  it.each(pythons)("%s reports what the interpreter itself says", (python) => {
    const id = identities.get(python)!;
    const own = JSON.parse(
      askPython(
        python,
        "import json, platform, sys, sysconfig, importlib.machinery as m; print(json.dumps([platform.python_version()," +
          " sysconfig.get_config_var('EXT_SUFFIX'), sysconfig.get_config_var('SOABI'), m.EXTENSION_SUFFIXES," +
          " sys.implementation.cache_tag, platform.machine(), list(platform.libc_ver()), sys.base_prefix]))",
      ),
    );
    expect([
      id.version,
      id.extSuffix,
      id.soabi,
      id.extensionSuffixes,
      id.cacheTag,
      id.machine,
      [id.libc.family, id.libc.version ?? ""],
      id.basePrefix,
    ]).toEqual(own);
    expect(id.executable).toBe(python);
    expect(id.realpath).toBe(fs.realpathSync(python));
    expect(id.isVirtualEnv).toBe(false);
    expect(id.abiTag).toBe(`cp${id.versionInfo[0]}${id.versionInfo[1]}`);
    expect(id.runtimeKey).toBe(`${id.abiTag}-${id.abiTag}-linux_${id.machine}-glibc`);
    expect(id.libraryPaths).toEqual(expect.arrayContaining(sysconfigPaths(python)));
  });

  it("gives every minor version its own abiTag and runtimeKey", () => {
    const byMinor = new Map<string, PythonIdentity>();
    for (const id of identities.values()) byMinor.set(`${id.versionInfo[0]}.${id.versionInfo[1]}`, id);
    const minors = [...byMinor.values()];
    expect(new Set(minors.map((id) => id.abiTag)).size).toBe(minors.length);
    expect(new Set(minors.map((id) => id.runtimeKey)).size).toBe(minors.length);
  });

  it("gives two builds of one minor version (pyenv vs distro) one key", () => {
    const groups = new Map<string, Set<string>>();
    for (const id of identities.values()) {
      const minor = `${id.versionInfo[0]}.${id.versionInfo[1]}`;
      groups.set(minor, (groups.get(minor) ?? new Set()).add(id.runtimeKey));
    }
    for (const keys of groups.values()) expect(keys.size).toBe(1);
  });

  it.each(pythons)("a venv of %s shares its base's key and knows it is a venv", async (python) => {
    const venvDir = path.join(tmp, `venv-${path.basename(python)}-${Math.random().toString(36).slice(2)}`);
    const venvPython = makeVenv(python, venvDir);
    const base = identities.get(python)!;
    const venv = await probePython(venvPython, { cacheDir });
    expect(venv).not.toBeNull();
    expect(venv!.isVirtualEnv).toBe(true);
    expect(venv!.prefix).toBe(venvDir);
    expect(venv!.basePrefix).toBe(base.basePrefix);
    expect(venv!.executable).toBe(venvPython);
    expect(venv!.runtimeKey).toBe(base.runtimeKey);
    expect(venv!.abiTag).toBe(base.abiTag);
    expect(venv!.version).toBe(askPython(venvPython, "import platform; print(platform.python_version())"));
    expect(venv!.libraryPaths).toEqual(
      expect.arrayContaining([...sysconfigPaths(venvPython), ...sysconfigPaths(python)]),
    );
    const xy = `${venv!.versionInfo[0]}.${venv!.versionInfo[1]}`;
    expect(venv!.libraryPaths).toContain(path.join(venvDir, "lib", `python${xy}`, "site-packages"));
    // The base, probed through the same cache, must not answer with the venv's entry.
    const again = await probePython(python, { cacheDir });
    expect(again!.isVirtualEnv).toBe(false);
  });

  it("round-trips non-ASCII, spaces and quotes in paths", async () => {
    const venvDir = path.join(tmp, `ünï cødé "q" ✓ 🦖`, "venv");
    const venvPython = makeVenv(pythons[0]!, venvDir);
    const venv = await probePython(venvPython, { cacheDir: path.join(tmp, `cache ✓ 'q'`) });
    expect(venv).toMatchObject({ prefix: venvDir, executable: venvPython, isVirtualEnv: true });
    expect(venv!.libraryPaths.some((p) => p.startsWith(venvDir))).toBe(true);
  });

  it("strips PYTHON* and ROAR_* from the probe's environment", async () => {
    const poison = path.join(tmp, "poison");
    writeExecutable(path.join(poison, "sysconfig.py"), "raise SystemExit('poisoned sysconfig imported')\n");
    writeExecutable(
      path.join(poison, "sitecustomize.py"),
      "raise SystemExit('poisoned sitecustomize imported')\n",
    );
    const env = { ...process.env, PYTHONPATH: poison, PYTHONHOME: "/nonexistent", ROAR_WRAP: "1" };
    const result = await probePythonDetailed(pythons[0]!, { env, useCache: false, cwd: poison });
    expect(result.identity?.version).toBe(identities.get(pythons[0]!)!.version);
  });
});

describe("probePython refuses non-Python files without spawning", () => {
  const dir = path.join(tmp, "not-python");
  const marker = path.join(dir, "ran");
  const runsMarker = `#!/bin/sh\ntouch '${marker}'\n`;
  const cases: Array<[string, () => string, string]> = [
    ["a system binary (cp)", () => "cp", "not-python"],
    ["a #!/bin/sh script", () => writeExecutable(path.join(dir, "tool"), runsMarker), "not-python"],
    [
      "a Python script that is not an interpreter",
      () => writeExecutable(path.join(dir, "train.py"), `#!/usr/bin/env python3\nopen('${marker}', 'w')\n`),
      "not-python",
    ],
    [
      "a non-executable file named python3",
      () => {
        const f = path.join(dir, "noexec", "python3");
        writeExecutable(f, runsMarker);
        fs.chmodSync(f, 0o644);
        return f;
      },
      "not-python",
    ],
    ["a text file without #!", () => writeExecutable(path.join(dir, "notes"), "touch ran\n"), "not-python"],
    ["a missing file", () => path.join(dir, "missing", "python3"), "not-found"],
    ["a name not on PATH", () => "python9.99", "not-found"],
    [
      "a directory named python3",
      () => {
        fs.mkdirSync(path.join(dir, "d", "python3"), { recursive: true });
        return path.join(dir, "d", "python3");
      },
      "not-python",
    ],
  ];

  it.each(cases)("%s", async (_label, make, kind) => {
    const { spawn: counted, calls } = countingSpawn();
    const result = await probePythonDetailed(make(), { cacheDir, spawn: counted });
    expect(result.identity).toBeNull();
    expect(result).toMatchObject({ kind });
    expect((result as { reason: string }).reason).toMatch(/\S/);
    expect(calls).toEqual([]);
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe.skipIf(pythons.length === 0)("probe cache", () => {
  const python = pythons[pythons.length - 1]!;
  // A whole-second mtime, so restoring it through utimes (microsecond precision) is exact.
  const FIXED_MTIME = 1_700_000_000;

  it("a hit starts no process; a changed file is probed again", async () => {
    const dir = makeTmpDir();
    const wrapper = path.join(dir, "python3");
    const good = `#!/bin/sh\nexec '${python}' "$@"\n`;
    const bad = `#!/bin/sh\nexit 1\n`.padEnd(good.length - 1, "#") + "\n";
    expect(bad.length).toBe(good.length);
    writeExecutable(wrapper, good);
    fs.utimesSync(wrapper, FIXED_MTIME, FIXED_MTIME);
    const cache = path.join(dir, "cache");

    const first = await probePythonDetailed(wrapper, { cacheDir: cache });
    expect(first).toMatchObject({ cached: false });
    expect(first.identity?.executable).toBe(wrapper);
    expect(first.identity?.sysExecutable).toBe(python);

    // Same size, same mtime, same inode, but it would now fail if run: a hit must not run it.
    fs.writeFileSync(wrapper, bad);
    fs.utimesSync(wrapper, FIXED_MTIME, FIXED_MTIME);
    const { spawn: counted, calls } = countingSpawn();
    const second = await probePythonDetailed(wrapper, { cacheDir: cache, spawn: counted });
    expect(second).toMatchObject({ cached: true });
    expect(second.identity?.runtimeKey).toBe(first.identity?.runtimeKey);
    expect(calls).toEqual([]);

    fs.utimesSync(wrapper, FIXED_MTIME + 10, FIXED_MTIME + 10);
    const third = await probePythonDetailed(wrapper, { cacheDir: cache, spawn: counted });
    expect(calls).toEqual([wrapper]);
    expect(third).toMatchObject({ identity: null, kind: "crashed" });
    expect((third as { reason: string }).reason).toMatch(/exited with code 1/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("ignores and rewrites a corrupt cache file", async () => {
    const cache = path.join(makeTmpDir(), "cache");
    await probePython(python, { cacheDir: cache });
    const entries = fs.readdirSync(path.join(cache, "probe-cache"));
    expect(entries).toHaveLength(1);
    const file = path.join(cache, "probe-cache", entries[0]!);
    fs.writeFileSync(file, '{"format": 1, "identity": {"runtimeKe');
    const result = await probePythonDetailed(python, { cacheDir: cache });
    expect(result).toMatchObject({ cached: false });
    expect(result.identity?.version).toMatch(/^3\.\d+\.\d+/);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).identity.runtimeKey).toBe(result.identity?.runtimeKey);
    expect(await probePythonDetailed(python, { cacheDir: cache })).toMatchObject({ cached: true });
    expect(fs.readdirSync(path.join(cache, "probe-cache"))).toHaveLength(1); // no temp files left
  });

  it("concurrent cold probes of one interpreter leave one valid entry", async () => {
    const cache = path.join(makeTmpDir(), "cache");
    const results = await Promise.all(
      Array.from({ length: 6 }, () => probePythonDetailed(python, { cacheDir: cache })),
    );
    expect(new Set(results.map((r) => r.identity?.runtimeKey)).size).toBe(1);
    expect(results.every((r) => r.identity && !("cacheError" in r))).toBe(true);
    const files = fs.readdirSync(path.join(cache, "probe-cache"));
    expect(files).toHaveLength(1);
    JSON.parse(fs.readFileSync(path.join(cache, "probe-cache", files[0]!), "utf8"));
    expect(await probePythonDetailed(python, { cacheDir: cache })).toMatchObject({ cached: true });
  });

  it("still probes when the cache dir cannot be written, and says so", async () => {
    const dir = makeTmpDir();
    fs.writeFileSync(path.join(dir, "file"), "");
    const result = await probePythonDetailed(python, { cacheDir: path.join(dir, "file", "cache") });
    expect(result.identity?.version).toMatch(/^3\.\d+\.\d+/);
    expect(result).toMatchObject({
      cached: false,
      cacheError: expect.stringMatching(/could not write the probe cache/),
    });
  });

  it("does not write a cache when useCache is false", async () => {
    const cache = path.join(makeTmpDir(), "cache");
    expect(await probePythonDetailed(python, { cacheDir: cache, useCache: false })).toMatchObject({
      cached: false,
    });
    expect(fs.existsSync(cache)).toBe(false);
  });
});

describe.skipIf(pythons.length === 0)("the probe script's libc detection", () => {
  it("tells musl from the loader named in PT_INTERP when confstr knows no glibc", () => {
    const dir = makeTmpDir();
    const cache = path.join(dir, "cache");
    const args = probeModuleArgs(cache)!;
    const moduleDir = path.join(cache, "probe-script", fs.readdirSync(path.join(cache, "probe-script"))[0]!);
    const fakeMusl = path.join(dir, "python3-musl");
    fs.writeFileSync(
      fakeMusl,
      Buffer.concat([
        Buffer.from("\x7fELF\x02\x01\x01"),
        Buffer.alloc(500),
        Buffer.from("\0/lib/ld-musl-aarch64.so.1\0"),
      ]),
    );
    const fakeStatic = path.join(dir, "python3-static");
    fs.writeFileSync(fakeStatic, Buffer.concat([Buffer.from("\x7fELF\x02\x01\x01"), Buffer.alloc(500)]));
    const code = [
      "import io, json, sys",
      `sys.path.insert(0, ${JSON.stringify(moduleDir)})`,
      "out, sys.stdout = sys.stdout, io.StringIO()",
      "import _roar_abi_probe as m",
      "sys.stdout = out",
      "class NoGlibc:",
      "    def confstr(self, name): raise ValueError(name)",
      "m.o = NoGlibc()",
      `print(json.dumps([m.libc(${JSON.stringify(fakeMusl)}, ''), m.libc(${JSON.stringify(fakeStatic)}, '.cpython-312-x86_64-linux-musl.so'), m.libc(${JSON.stringify(fakeStatic)}, '.cpython-312-x86_64-linux-gnu.so')]))`,
    ].join("\n");
    expect(args).toContain("-S");
    expect(JSON.parse(askPython(pythons[0]!, code))).toEqual([
      ["musl", null], // the loader does not exist here, so no version
      ["musl", null],
      [null, null],
    ]);
  });
});

describe("probe failures are values, never rejections", () => {
  it("a hung interpreter: timeout within the limit, its process group killed", async () => {
    const dir = makeTmpDir();
    const pidFile = path.join(dir, "pid");
    const fake = writeExecutable(path.join(dir, "python3"), `#!/bin/sh\necho $$ > '${pidFile}'\nsleep 60\n`);
    const started = Date.now();
    const result = await probePythonDetailed(fake, { cacheDir: path.join(dir, "cache"), timeoutMs: 1000 });
    expect(result).toMatchObject({ identity: null, kind: "timeout" });
    expect((result as { reason: string }).reason).toMatch(/1000 ms/);
    expect(Date.now() - started).toBeLessThan(30_000); // far below the 60 s the fake would sleep
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
  });

  it("a crashing interpreter: crashed, with the signal", async () => {
    const dir = makeTmpDir();
    const fake = writeExecutable(
      path.join(dir, "python3"),
      "#!/bin/sh\necho 'Fatal Python error' >&2\nkill -SEGV $$\n",
    );
    const result = await probePythonDetailed(fake, { cacheDir: path.join(dir, "cache") });
    expect(result).toMatchObject({ identity: null, kind: "crashed" });
    expect((result as { reason: string }).reason).toMatch(/SIGSEGV/);
  });

  it("an interpreter that answers something else: bad-output", async () => {
    const dir = makeTmpDir();
    const fake = writeExecutable(path.join(dir, "python3"), "#!/bin/sh\necho 'Python 3.12.0'\n");
    const result = await probePythonDetailed(fake, { cacheDir: path.join(dir, "cache") });
    expect(result).toMatchObject({ identity: null, kind: "bad-output" });
    expect((result as { reason: string }).reason).toContain("Python 3.12.0");
  });

  const python2 = findPython2();
  it.skipIf(!python2)("Python 2 answers 'unsupported' instead of crashing", async () => {
    const result = await probePythonDetailed(python2!, { useCache: false });
    expect(result).toMatchObject({ identity: null, kind: "unsupported" });
    expect((result as { reason: string }).reason).toMatch(/Python 2\.7\.\d+ is too old/);
  });
});

/** sysconfig's stdlib/platstdlib/purelib/platlib that exist, as the interpreter itself reports them. */
function sysconfigPaths(python: string): string[] {
  const code =
    "import json, os, sysconfig; p = sysconfig.get_paths();" +
    " print(json.dumps([p[k] for k in ('stdlib', 'platstdlib', 'purelib', 'platlib') if os.path.isdir(p[k])]))";
  return JSON.parse(askPython(python, code));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pyenv-installed Python 2, if any: discovered beside the 3.x ones rather than hard-coded. */
function findPython2(): string | null {
  for (const python of pythons) {
    const versions = path.dirname(path.dirname(path.dirname(python)));
    if (path.basename(versions) !== "versions") continue;
    for (const name of fs.readdirSync(versions)) {
      const candidate = path.join(versions, name, "bin", `python${name.split(".").slice(0, 2).join(".")}`);
      if (/^2\.7\./.test(name) && fs.existsSync(candidate)) return candidate;
    }
  }
  console.log("abi-probe tests: no Python 2.7 found; skipping the 'unsupported' case");
  return null;
}
