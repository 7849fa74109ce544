import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probePython } from "./probe.js";
import { resolveCommandInterpreter } from "./resolve-command.js";
import {
  localPythons,
  makeTmpDir,
  makeVenv,
  removeTmpDirs,
  writeExecutable,
} from "./test-utils/python-fixtures.js";

const pythons = localPythons();

describe.skipIf(pythons.length === 0)("resolveCommandInterpreter", () => {
  const python = pythons[pythons.length - 1]!;
  const tmp = makeTmpDir();
  const bin = path.join(tmp, "bin");
  const marker = path.join(tmp, "ran");
  // PATH holds only our tmp bin plus the system dirs env/sh/cp live in; its python3 is ours.
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: tmp };
  const opts = { env, cwd: tmp };
  let venv: string;

  beforeAll(() => {
    fs.mkdirSync(bin, { recursive: true });
    for (const name of ["python3", "python", "python3.12", "pypy3"])
      fs.symlinkSync(python, path.join(bin, name));
    venv = makeVenv(python, path.join(tmp, "venv"));
  });
  afterAll(removeTmpDirs);

  const resolve = (argv: string[], o: Parameters<typeof resolveCommandInterpreter>[1] = opts) =>
    resolveCommandInterpreter(argv, o);

  it("looks interpreter names up on the command's PATH", async () => {
    expect(await resolve(["python3", "train.py", "--lr", "3"])).toEqual({
      executable: path.join(bin, "python3"),
      via: "direct",
      scriptArgIndex: 1,
    });
    expect(await resolve(["python3.12", "-u", "-W", "ignore", "-X", "dev", "train.py"])).toMatchObject({
      executable: path.join(bin, "python3.12"),
      scriptArgIndex: 6,
    });
    expect(await resolve(["pypy3", "-OO", "x.py"])).toMatchObject({
      executable: path.join(bin, "pypy3"),
      scriptArgIndex: 2,
    });
    expect(await resolve(["python", "-c", "print(1)"])).toEqual({
      executable: path.join(bin, "python"),
      via: "direct",
    });
    expect(await resolve(["python", "-", "x"])).toEqual({
      executable: path.join(bin, "python"),
      via: "direct",
    });
    expect(await resolve(["python3", "--", "-weird.py"])).toMatchObject({ scriptArgIndex: 2 });
    expect(await resolve(["python9.99", "x.py"])).toBeNull();
  });

  it("finds the module of python -m", async () => {
    expect(
      await resolve(["python3", "-u", "-m", "torch.distributed.run", "--nproc-per-node", "2", "t.py"]),
    ).toEqual({
      executable: path.join(bin, "python3"),
      via: "module",
      module: "torch.distributed.run",
    });
    expect(await resolve(["python3", "-Bmpip", "list"])).toMatchObject({ via: "module", module: "pip" });
  });

  it("resolves absolute and relative paths against cwd, keeping the path as invoked", async () => {
    expect(await resolve([python, "x.py"])).toMatchObject({ executable: python, via: "direct" });
    expect(await resolve(["./bin/python3", "x.py"])).toMatchObject({ executable: path.join(bin, "python3") });
    expect(await resolve(["venv/bin/python", "x.py"])).toMatchObject({ executable: venv });
    expect(await resolve(["../bin/python3"], { env, cwd: path.join(tmp, "venv") })).toMatchObject({
      executable: path.join(bin, "python3"),
    });
  });

  it("keeps a symlink chain as invoked, and the probe follows it to the real file", async () => {
    fs.symlinkSync(python, path.join(tmp, "link2"));
    fs.symlinkSync(path.join(tmp, "link2"), path.join(tmp, "link1"));
    const found = await resolve(["./link1", "x.py"]);
    expect(found).toMatchObject({ executable: path.join(tmp, "link1"), via: "direct", scriptArgIndex: 1 });
    const identity = await probePython(found!.executable, { cacheDir: path.join(tmp, "cache") });
    expect(identity).toMatchObject({
      executable: path.join(tmp, "link1"),
      realpath: fs.realpathSync(python),
    });
  });

  it("follows env, including -S, -i, -u, -C and PATH=", async () => {
    expect(await resolve(["/usr/bin/env", "python3", "x.py"])).toEqual({
      executable: path.join(bin, "python3"),
      via: "direct",
      scriptArgIndex: 2,
    });
    expect(await resolve(["env", "CUDA_VISIBLE_DEVICES=0", "python3", "-m", "foo"])).toMatchObject({
      module: "foo",
    });
    expect(await resolve(["env", "-S", "python3 -u", "x.py"])).toMatchObject({
      executable: path.join(bin, "python3"),
    });
    expect(await resolve(["env", `PATH=${path.join(tmp, "venv", "bin")}`, "python", "x.py"])).toMatchObject({
      executable: venv,
      scriptArgIndex: 3,
    });
    expect(await resolve(["env", "-C", "venv", "bin/python", "x.py"])).toMatchObject({ executable: venv });
    expect(await resolve(["env", "--bogus", "python3"])).toBeNull();
  });

  it("reads #! lines of scripts named by path", async () => {
    const cases: Array<[string, string, string | null]> = [
      ["env.py", "#!/usr/bin/env python3\nprint(1)\n", path.join(bin, "python3")],
      ["env-s.py", "#!/usr/bin/env -S python3 -u\nprint(1)\n", path.join(bin, "python3")],
      ["abs.py", `#!${venv}\nprint(1)\n`, venv],
      ["abs-args.py", `#!${venv} -u -W ignore\nprint(1)\n`, venv],
      // Linux hands env ONE argument, "python3 -u", which names no program: the script cannot run.
      ["env-args.py", "#!/usr/bin/env python3 -u\nprint(1)\n", null],
      ["sh.sh", `#!/bin/sh\ntouch '${marker}'\n`, null],
      ["bash.sh", `#!/usr/bin/env bash\ntouch '${marker}'\n`, null],
      ["none.py", `print(1)\n`, null],
      ["gone.py", `#!${tmp}/nowhere/python3\n`, null],
    ];
    for (const [name, text, executable] of cases) {
      writeExecutable(path.join(tmp, "scripts", name), text);
      const found = await resolve([`scripts/${name}`, "--epochs", "1"]);
      expect(found, name).toEqual(executable ? { executable, via: "shebang", scriptArgIndex: 0 } : null);
    }
    expect(fs.existsSync(marker)).toBe(false); // nothing was run to find out
  });

  it("splits #! arguments on macOS, as its kernel does", async () => {
    const script = writeExecutable(path.join(tmp, "scripts", "mac.py"), "#!/usr/bin/env python3 -u\n");
    expect(await resolve([script], { ...opts, platform: "darwin" })).toMatchObject({
      executable: path.join(bin, "python3"),
    });
  });

  it("resolves console-script launchers to their venv's Python", async () => {
    const venvBin = path.dirname(venv);
    const launcher = (name: string) =>
      writeExecutable(
        path.join(venvBin, name),
        `#!${venv}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom torch.distributed.run import main\n` +
          `if __name__ == "__main__":\n    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])\n    sys.exit(main())\n`,
      );
    launcher("torchrun");
    launcher("accelerate");
    launcher("pytest");
    const venvEnv = { ...env, PATH: `${venvBin}:${env.PATH}` };
    expect(
      await resolve(["torchrun", "--nproc-per-node", "2", "train.py"], { env: venvEnv, cwd: tmp }),
    ).toEqual({
      executable: venv,
      via: "launcher",
      scriptArgIndex: 0,
    });
    expect(await resolve(["accelerate", "launch", "t.py"], { env: venvEnv, cwd: tmp })).toMatchObject({
      via: "launcher",
    });
    expect(await resolve(["venv/bin/pytest", "-x"])).toMatchObject({ executable: venv, via: "launcher" });
  });

  it("reads pip's /bin/sh trampoline for interpreter paths with spaces", async () => {
    const spaced = path.join(tmp, "my env", "bin");
    fs.mkdirSync(spaced, { recursive: true });
    fs.symlinkSync(python, path.join(spaced, "python"));
    const script = writeExecutable(
      path.join(spaced, "tool"),
      `#!/bin/sh\n'''exec' "${spaced}/python" "$0" "$@"\n' '''\nimport sys\n`,
    );
    expect(await resolve([script, "a"])).toEqual({
      executable: path.join(spaced, "python"),
      via: "launcher",
      scriptArgIndex: 0,
    });
  });

  it("looks through nohup, nice, timeout, stdbuf, time and taskset", async () => {
    const python3 = path.join(bin, "python3");
    expect(await resolve(["nohup", "python3", "train.py"])).toEqual({
      executable: python3,
      via: "direct",
      scriptArgIndex: 2,
    });
    expect(await resolve(["nice", "-n", "10", "python3", "-m", "pkg"])).toMatchObject({
      executable: python3,
      module: "pkg",
    });
    expect(await resolve(["timeout", "-s", "INT", "1h", "python3", "t.py"])).toMatchObject({
      scriptArgIndex: 5,
    });
    expect(await resolve(["stdbuf", "-oL", "nohup", "env", "python3", "t.py"])).toMatchObject({
      scriptArgIndex: 5,
    });
    expect(await resolve(["taskset", "-c", "0-3", "python3", "t.py"])).toMatchObject({ executable: python3 });
    expect(await resolve(["nohup", "cp", "a", "b"])).toBeNull();
    expect(await resolve(["timeout", "10"])).toBeNull();
  });

  it("returns null for commands that run no Python", async () => {
    expect(await resolve(["cp", "a", "b"])).toBeNull();
    expect(await resolve(["bash", "-c", "python3 train.py"])).toBeNull();
    expect(await resolve(["sh", "-c", `touch '${marker}'`])).toBeNull();
    expect(await resolve(["no-such-command"])).toBeNull();
    expect(await resolve([])).toBeNull();
    expect(fs.existsSync(marker)).toBe(false);
  });

  describe("uv run (a stand-in uv: only its presence on PATH matters)", () => {
    const uvBin = path.join(tmp, "uvbin");
    const project = path.join(tmp, "proj");
    let projectPython: string;
    let uvEnv: NodeJS.ProcessEnv;
    beforeAll(() => {
      writeExecutable(path.join(uvBin, "uv"), `#!/bin/sh\ntouch '${marker}'\nexit 2\n`);
      fs.mkdirSync(path.join(project, "src"), { recursive: true });
      fs.writeFileSync(path.join(project, "pyproject.toml"), '[project]\nname = "p"\nversion = "0"\n');
      projectPython = makeVenv(python, path.join(project, ".venv"));
      writeExecutable(path.join(project, ".venv", "bin", "pytest"), `#!${projectPython}\nimport sys\n`);
      uvEnv = { ...env, PATH: `${uvBin}:${env.PATH}` };
    });

    it("uses the project's .venv from anywhere inside the project", async () => {
      const o = { env: uvEnv, cwd: path.join(project, "src") };
      expect(await resolve(["uv", "run", "python", "train.py"], o)).toEqual({
        executable: projectPython,
        via: "uv",
        scriptArgIndex: 3,
      });
      expect(await resolve(["uv", "run", "--with", "rich", "train.py", "--x"], o)).toEqual({
        executable: projectPython,
        via: "uv",
        scriptArgIndex: 4,
      });
      expect(await resolve(["uv", "run", "python", "-m", "http.server"], o)).toMatchObject({
        via: "uv",
        module: "http.server",
      });
      expect(await resolve(["uv", "run", "-m", "http.server"], o)).toMatchObject({
        executable: projectPython,
        module: "http.server",
      });
      expect(await resolve(["uv", "run", "pytest", "-x"], o)).toEqual({
        executable: projectPython,
        via: "uv",
        scriptArgIndex: 2,
      });
      expect(
        await resolve(["uv", "run", "--directory", project, "--", "python", "x.py"], {
          env: uvEnv,
          cwd: tmp,
        }),
      ).toMatchObject({
        executable: projectPython,
        scriptArgIndex: 6,
      });
      expect(await resolve(["uv", "run", "bash", "-c", "x"], o)).toBeNull();
    });

    it("outside a project: --python, else python on PATH", async () => {
      const o = { env: uvEnv, cwd: tmp };
      expect(await resolve(["uv", "run", "train.py"], o)).toMatchObject({
        executable: path.join(bin, "python"),
        scriptArgIndex: 2,
      });
      expect(await resolve(["uv", "run", "--python", "3.12", "train.py"], o)).toMatchObject({
        executable: path.join(bin, "python3.12"),
      });
      expect(await resolve(["uv", "run", `--python=${venv}`, "x.py"], o)).toMatchObject({ executable: venv });
      expect(
        await resolve(["uv", "run", "--no-project", "python", "x.py"], { env: uvEnv, cwd: project }),
      ).toMatchObject({
        executable: path.join(bin, "python"),
      });
    });

    it("is null when uv is not on PATH", async () => {
      expect(await resolve(["uv", "run", "python", "x.py"], { env, cwd: project })).toBeNull();
      expect(fs.existsSync(marker)).toBe(false);
    });
  });

  describe("pyenv shims, resolved without running pyenv", () => {
    const root = path.join(tmp, "pyenv");
    let shimEnv: NodeJS.ProcessEnv;
    const shim = (name: string) =>
      writeExecutable(
        path.join(root, "shims", name),
        `#!/usr/bin/env bash\nset -e\n[ -n "$PYENV_DEBUG" ] && set -x\n\nprogram="\${0##*/}"\n\n` +
          `export PYENV_ROOT="${root}"\nexec "${root}/libexec/pyenv" exec "$program" "$@"\n`,
      );
    beforeAll(() => {
      for (const v of ["3.99.1", "3.99.7", "3.98.0"]) {
        fs.mkdirSync(path.join(root, "versions", v, "bin"), { recursive: true });
        fs.symlinkSync(python, path.join(root, "versions", v, "bin", "python"));
      }
      writeExecutable(
        path.join(root, "versions", "3.99.7", "bin", "flask"),
        `#!${root}/versions/3.99.7/bin/python\n`,
      );
      fs.writeFileSync(path.join(root, "version"), "3.98.0\n");
      shim("python");
      shim("flask");
      shimEnv = { ...env, PATH: `${root}/shims:${env.PATH}` };
    });

    it("picks the version from .python-version, PYENV_VERSION or the global file", async () => {
      const proj = path.join(tmp, "pyenv-proj", "sub");
      fs.mkdirSync(proj, { recursive: true });
      fs.writeFileSync(path.join(tmp, "pyenv-proj", ".python-version"), "# pinned\n3.99\n");
      const found = await resolve(["python", "x.py"], { env: shimEnv, cwd: proj });
      expect(found).toEqual({
        executable: path.join(root, "shims", "python"),
        via: "direct",
        scriptArgIndex: 1,
      });
      const cache = path.join(tmp, "cache-pyenv");
      // The shim is probed as the interpreter it selects here, not by running bash + pyenv.
      expect(
        await probePython(found!.executable, { env: shimEnv, cwd: proj, cacheDir: cache }),
      ).toMatchObject({
        executable: path.join(root, "versions", "3.99.7", "bin", "python"),
        sysExecutable: path.join(root, "versions", "3.99.7", "bin", "python"),
        realpath: fs.realpathSync(python),
      });
      expect((await probePython("python", { env: shimEnv, cwd: tmp, cacheDir: cache }))?.sysExecutable).toBe(
        path.join(root, "versions", "3.98.0", "bin", "python"),
      );
      const pinned = { ...shimEnv, PYENV_VERSION: "3.99.1" };
      expect((await probePython("python", { env: pinned, cwd: proj, cacheDir: cache }))?.sysExecutable).toBe(
        path.join(root, "versions", "3.99.1", "bin", "python"),
      );
      expect(await resolve(["flask", "run"], { env: shimEnv, cwd: proj })).toEqual({
        executable: path.join(root, "versions", "3.99.7", "bin", "python"),
        via: "launcher",
        scriptArgIndex: 0,
      });
      // flask exists only in 3.99.7: pyenv would fail under 3.98.0, and so does the lookup.
      expect(await resolve(["flask", "run"], { env: shimEnv, cwd: tmp })).toBeNull();
    });
  });
});
