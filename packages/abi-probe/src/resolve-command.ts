import fs from "node:fs";
import path from "node:path";
import { readFileHead, shExecTrampoline } from "./file-head.js";
import { isPyenvShim, resolvePyenvShim } from "./pyenv.js";
import { isPythonName } from "./python-name.js";
import { findOnPath, isExecutableFile, resolveCommandWord } from "./which.js";

export interface ResolveOptions {
  /** Environment the command will run with: its PATH decides lookups (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Directory the command will run in (default `process.cwd()`). */
  cwd?: string;
  /** Kernel rules for `#!` lines: Linux passes one argument after the interpreter, macOS splits (default this OS). */
  platform?: NodeJS.Platform;
}

/** The Python a command will run, found from files alone (nothing is spawned). */
export interface CommandInterpreter {
  /**
   * Absolute path of the interpreter as it will be invoked: symlinks and pyenv shims kept (hand it to
   * `probePython`, which resolves both); for a script, the interpreter its `#!` line names.
   */
  executable: string;
  /**
   * - `direct`: the command names the interpreter (`python3 train.py`, `/venv/bin/python`, `env python3 …`).
   * - `module`: the same, running `-m <module>`.
   * - `shebang`: the command is a script named by path whose `#!` names a Python (`./train.py`).
   * - `launcher`: a console script (`torchrun`, `pytest`, `accelerate`): found on PATH, or sitting in
   *   its interpreter's own bin directory.
   * - `uv`: `uv run …`, resolved the way uv would pick the Python (see README for the approximation).
   */
  via: "direct" | "module" | "shebang" | "launcher" | "uv";
  /** Index in `argv` of the script the interpreter will run (for `shebang`/`launcher`, the command itself). */
  scriptArgIndex?: number;
  /** The module after `-m` (`python -m torch.distributed.run`, `uv run -m pkg`). */
  module?: string;
}

/** One word of the command as the interpreter lookup sees it; `index` points back into the caller's argv. */
interface Word {
  w: string;
  index?: number;
  /** A `#!` interpreter: the kernel resolves a slash-less one against cwd, never PATH. */
  literalPath?: boolean;
}

interface Ctx {
  env: NodeJS.ProcessEnv;
  pathValue: string | undefined;
  cwd: string;
  platform: NodeJS.Platform;
  depth: number;
}

// execvp's fallback when PATH is unset (`env -i`).
const DEFAULT_PATH = "/bin:/usr/bin";
// Linux follows at most 4 levels of #! interpreters (BINPRM_MAX_RECURSION); env and uv add a few.
const MAX_DEPTH = 8;

/**
 * Which Python `argv` will run, or `null` when it runs none (`cp`, `bash -c …`, a `#!/bin/sh`
 * script). Decided from PATH, file heads and `#!` lines only: nothing is spawned, nothing executed.
 */
export async function resolveCommandInterpreter(
  argv: readonly string[],
  options: ResolveOptions = {},
): Promise<CommandInterpreter | null> {
  const env = options.env ?? process.env;
  const ctx: Ctx = {
    env,
    pathValue: env.PATH,
    cwd: options.cwd ?? process.cwd(),
    platform: options.platform ?? process.platform,
    depth: 0,
  };
  try {
    return interpret(
      argv.map((w, index) => ({ w, index })),
      ctx,
    );
  } catch {
    return null; // an unreadable directory or a vanished file: the command's Python is unknown
  }
}

function interpret(words: Word[], ctx: Ctx): CommandInterpreter | null {
  const first = words[0];
  if (!first || ctx.depth > MAX_DEPTH) return null;
  const file = first.literalPath
    ? isExecutableFile(path.resolve(ctx.cwd, first.w))
      ? path.resolve(ctx.cwd, first.w)
      : null
    : resolveCommandWord(first.w, ctx.pathValue, ctx.cwd);
  if (!file) return null;
  const real = fs.realpathSync.native(file);
  const next: Ctx = { ...ctx, depth: ctx.depth + 1 };

  if (path.basename(file) === "env" || path.basename(real) === "env") {
    const after = parseEnvArgs(words.slice(1), next);
    return after ? interpret(after.words, after.ctx) : null;
  }
  if ((path.basename(file) === "uv" || path.basename(real) === "uv") && words[1]?.w === "run") {
    return resolveUvRun(words.slice(2), next);
  }
  const wrapper = PREFIX_COMMANDS[path.basename(file) as keyof typeof PREFIX_COMMANDS];
  if (wrapper) {
    const rest = skipPrefixCommand(words.slice(1), wrapper);
    return rest ? interpret(rest, next) : null;
  }

  const head = readFileHead(real, ctx.platform);
  const named = isPythonName(file) || isPythonName(real);
  if (head?.kind === "script" && isPyenvShim(head.text) && !named) {
    // A pyenv shim for a console script (`flask`, `torchrun`): follow it to the launcher it runs.
    const target = resolvePyenvShim(file, head.text, { env: ctx.env, cwd: ctx.cwd });
    if (!target) return null;
    const found = interpret([{ ...first, w: target, literalPath: true }, ...words.slice(1)], next);
    return found && found.via === "shebang" ? { ...found, via: "launcher" } : found;
  }
  if (named && (head?.kind === "binary" || head?.kind === "script")) return pythonInvocation(file, words);
  if (head?.kind !== "script") return null;

  const { shebang, text } = head;
  const interpreterName = path.basename(shebang.interpreter);
  let found: CommandInterpreter | null = null;
  if (/^(?:ba|da|k|z)?sh$/.test(interpreterName)) {
    const trampoline = shExecTrampoline(text);
    if (trampoline && isPythonName(trampoline) && isExecutableFile(path.resolve(ctx.cwd, trampoline))) {
      found = { executable: path.resolve(ctx.cwd, trampoline), via: "direct", scriptArgIndex: first.index };
    }
  } else if (interpreterName === "env" || isPythonName(interpreterName)) {
    // What the kernel execs: the interpreter, the #! arguments, the script path, then the rest.
    found = interpret(
      [
        { w: shebang.interpreter, literalPath: true },
        ...shebang.args.map((w) => ({ w })),
        { w: file, index: first.index },
        ...words.slice(1),
      ],
      next,
    );
  }
  if (!found || found.scriptArgIndex !== first.index || found.module !== undefined) return null;
  const launcher = !first.w.includes("/") || path.dirname(file) === path.dirname(found.executable);
  return {
    executable: found.executable,
    via: launcher ? "launcher" : "shebang",
    scriptArgIndex: first.index,
  };
}

/** `python [options] (script | -m module | -c cmd | -)`: where the script or module is. */
function pythonInvocation(executable: string, words: Word[]): CommandInterpreter {
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!.w;
    if (w === "--") {
      const script = words[k + 1];
      return script
        ? { executable, via: "direct", scriptArgIndex: script.index }
        : { executable, via: "direct" };
    }
    if (w === "-" || !w.startsWith("-")) {
      return w === "-"
        ? { executable, via: "direct" }
        : { executable, via: "direct", scriptArgIndex: words[k]!.index };
    }
    if (w.startsWith("--")) {
      if (w === "--check-hash-based-pycs") k++;
      else if (w === "--help" || w === "--version" || w.startsWith("--help-")) break;
      continue;
    }
    for (let c = 1; c < w.length; c++) {
      const flag = w[c];
      const attached = w.slice(c + 1);
      if (flag === "c" || flag === "h" || flag === "?" || flag === "V") return { executable, via: "direct" };
      if (flag === "m") {
        const module = attached || words[k + 1]?.w;
        return module ? { executable, via: "module", module } : { executable, via: "direct" };
      }
      if (flag === "W" || flag === "X") {
        if (!attached) k++;
        break;
      }
    }
  }
  return { executable, via: "direct" };
}

/**
 * Commands that run the rest of their arguments as a command (`nohup python train.py`): their
 * options that take a value, and how many positional arguments come before the command.
 */
const PREFIX_COMMANDS = {
  nohup: { valueOptions: [], positionals: 0 },
  nice: { valueOptions: ["-n", "--adjustment"], positionals: 0 },
  timeout: { valueOptions: ["-s", "--signal", "-k", "--kill-after"], positionals: 1 },
  stdbuf: { valueOptions: ["-i", "--input", "-o", "--output", "-e", "--error"], positionals: 0 },
  time: { valueOptions: ["-o", "--output", "-f", "--format"], positionals: 0 },
  taskset: { valueOptions: [], positionals: 1 },
  ionice: { valueOptions: ["-c", "--class", "-n", "--classdata", "-t"], positionals: 0 },
} as const satisfies Record<string, { valueOptions: readonly string[]; positionals: number }>;

function skipPrefixCommand(
  words: Word[],
  spec: { valueOptions: readonly string[]; positionals: number },
): Word[] | null {
  let k = 0;
  for (; k < words.length; k++) {
    const w = words[k]!.w;
    if (w === "--") {
      k++;
      break;
    }
    if (!w.startsWith("-") || w === "-") break;
    // `-n 5` takes the next word; `-n5`, `--adjustment=5` and plain flags (`-p`, `-10`) do not.
    if ((spec.valueOptions as readonly string[]).includes(w)) k++;
  }
  k += spec.positionals;
  return k < words.length ? words.slice(k) : null;
}

/** GNU/BSD `env [options] [NAME=VALUE…] command…`; `null` when env would fail on its arguments. */
function parseEnvArgs(words: Word[], ctx: Ctx): { words: Word[]; ctx: Ctx } | null {
  const out: Ctx = { ...ctx };
  const rest = [...words];
  while (rest.length > 0) {
    const w = rest[0]!.w;
    const value = (short: string, long: string): string | null | undefined => {
      if (w === short || w === long) {
        rest.shift();
        return rest[0]?.w ?? null;
      }
      if (w.startsWith(`${long}=`)) return w.slice(long.length + 1);
      if (w.startsWith(short) && !w.startsWith("--")) return w.slice(short.length);
      return undefined;
    };
    if (w === "--") {
      rest.shift();
      break;
    }
    if (w === "-i" || w === "-" || w === "--ignore-environment") {
      out.pathValue = DEFAULT_PATH;
      rest.shift();
      continue;
    }
    const split = value("-S", "--split-string");
    if (split !== undefined) {
      if (split === null) return null;
      rest.shift();
      rest.unshift(...splitString(split).map((s) => ({ w: s })));
      continue;
    }
    const unset = value("-u", "--unset");
    if (unset !== undefined) {
      if (unset === null) return null;
      if (unset === "PATH") out.pathValue = DEFAULT_PATH;
      rest.shift();
      continue;
    }
    const chdir = value("-C", "--chdir");
    if (chdir !== undefined) {
      if (chdir === null) return null;
      out.cwd = path.resolve(out.cwd, chdir);
      rest.shift();
      continue;
    }
    if (
      /^(?:-0|-v|--null|--debug|--(?:ignore|default|block)-signal(?:=.*)?|--list-signal-handling)$/.test(w)
    ) {
      rest.shift();
      continue;
    }
    if (w.startsWith("-")) return null;
    const eq = w.indexOf("=");
    if (eq > 0) {
      if (w.slice(0, eq) === "PATH") out.pathValue = w.slice(eq + 1);
      rest.shift();
      continue;
    }
    break;
  }
  return rest.length > 0 ? { words: rest, ctx: out } : null;
}

/** `env -S` splitting: whitespace separates, quotes group, backslash escapes. */
function splitString(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === "\\" && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (ch === " " || ch === "\t") {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += ch;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

// `uv run` options that take a value (uv 0.4–0.9); any other option is taken as a flag.
const UV_VALUE_OPTIONS = new Set([
  "--python",
  "-p",
  "--with",
  "-w",
  "--with-editable",
  "--with-requirements",
  "--extra",
  "--group",
  "--only-group",
  "--no-group",
  "--package",
  "--env-file",
  "--directory",
  "--project",
  "--index",
  "--index-url",
  "-i",
  "--extra-index-url",
  "--default-index",
  "--find-links",
  "-f",
  "--config-file",
  "--cache-dir",
  "--color",
  "--python-platform",
  "--refresh-package",
  "--reinstall-package",
  "--upgrade-package",
  "-P",
  "--resolution",
  "--prerelease",
  "--exclude-newer",
  "--index-strategy",
  "--keyring-provider",
  "--link-mode",
  "--config-setting",
  "-C",
  "--no-build-isolation-package",
  "--no-binary-package",
  "--no-build-package",
  "--allow-insecure-host",
  "--fork-strategy",
  "--no-sources-package",
  "--exclude-newer-package",
  "--torch-backend",
]);

/**
 * `uv run [options] <command…>` without running uv. The Python is the project's `.venv/bin/python`
 * (nearest `pyproject.toml` above cwd that has one; `UV_PROJECT_ENVIRONMENT` honoured), else an
 * explicit `--python`/`UV_PYTHON` (a path, or `3.12` → `python3.12` on PATH), else `python` on PATH.
 * Approximation: uv may also create or sync the venv first, or run a PEP 723 script in a cached env;
 * both keep the base interpreter, which is what the ABI key depends on.
 */
function resolveUvRun(words: Word[], ctx: Ctx): CommandInterpreter | null {
  let request = ctx.env.UV_PYTHON || undefined;
  let projectDir: string | undefined;
  let cwd = ctx.cwd;
  let noProject = false;
  let asModule = false;
  let asScript = false;
  let k = 0;
  for (; k < words.length; k++) {
    const w = words[k]!.w;
    if (w === "--") {
      k++;
      break;
    }
    if (!w.startsWith("-") || w === "-") break;
    const eq = w.indexOf("=");
    const name =
      w.startsWith("--") && eq > 0 ? w.slice(0, eq) : w.length > 2 && !w.startsWith("--") ? w.slice(0, 2) : w;
    let value: string | undefined;
    if (UV_VALUE_OPTIONS.has(name)) {
      value =
        w.startsWith("--") && eq > 0 ? w.slice(eq + 1) : w !== name ? w.slice(name.length) : words[++k]?.w;
    }
    if (name === "--python" || name === "-p") request = value;
    else if (name === "--directory" && value) cwd = path.resolve(cwd, value);
    else if (name === "--project" && value) projectDir = path.resolve(cwd, value);
    else if (w === "--no-project" || w === "--isolated") noProject = true;
    else if (w === "-m" || w === "--module") asModule = true;
    else if (w === "-s" || w === "--script" || w === "--gui-script") asScript = true;
  }
  const command = words[k];
  if (!command) return null;
  const rest = words.slice(k);

  const venv = noProject ? null : projectVenv(projectDir ?? cwd, ctx.env);
  const venvBin = venv ? path.join(venv, "bin") : null;
  const python = (venvBin && path.join(venvBin, "python")) ?? requestedPython(request, { ...ctx, cwd });
  const uvCtx: Ctx = {
    ...ctx,
    cwd,
    pathValue: venvBin ? `${venvBin}${path.delimiter}${ctx.pathValue ?? ""}` : ctx.pathValue,
  };

  if (asModule) return python ? { executable: python, via: "uv", module: command.w } : null;
  if (asScript || /\.pyw?$/.test(command.w)) {
    return python ? { executable: python, via: "uv", scriptArgIndex: command.index } : null;
  }
  if (isPythonName(command.w) && !command.w.includes("/")) {
    const executable =
      (venvBin && findOnPath(command.w, venvBin, cwd)) ??
      (request ? python : null) ??
      findOnPath(command.w, uvCtx.pathValue, cwd);
    if (!executable) return null;
    const found = pythonInvocation(executable, rest);
    return { ...found, via: "uv" };
  }
  const found = interpret(rest, uvCtx);
  return found ? { ...found, via: "uv" } : null;
}

function projectVenv(start: string, env: NodeJS.ProcessEnv): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, "pyproject.toml"))) {
      const custom = env.UV_PROJECT_ENVIRONMENT;
      const venv = custom ? path.resolve(dir, custom) : path.join(dir, ".venv");
      if (isExecutableFile(path.join(venv, "bin", "python"))) return venv;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function requestedPython(request: string | undefined, ctx: Ctx): string | null {
  if (request?.includes("/")) {
    const file = path.resolve(ctx.cwd, request);
    if (isExecutableFile(file)) return file;
    const inDir = path.join(file, "bin", "python");
    return isExecutableFile(inDir) ? inDir : null;
  }
  const m = request ? /^(?:(cpython|pypy|python)[@-]?)?(\d+(?:\.\d+)?)(t)?$/.exec(request) : null;
  if (m) {
    const name = `${m[1] === "pypy" ? "pypy" : "python"}${m[2]}${m[3] ?? ""}`;
    return findOnPath(name, ctx.pathValue, ctx.cwd);
  }
  return findOnPath("python", ctx.pathValue, ctx.cwd) ?? findOnPath("python3", ctx.pathValue, ctx.cwd);
}
