import path from "node:path";
import type { FileEvent, FileOp } from "../events.js";

/**
 * Parse the file `strace -f -y -o FILE` wrote: one `PID syscall(args) = result` per line, calls
 * split across lines by other processes (`<unfinished ...>` / `<... resumed>`) joined back. Only
 * successful calls count. Relative paths are resolved against the calling process's working
 * directory: `-y` prints it for every `AT_FDCWD`, and for the old calls without a directory
 * argument (`mkdir`, `rename`, …) the last one seen per process is tracked through chdir, fchdir
 * and fork.
 */
export function parseStraceLog(text: string, initialCwd: string): FileEvent[] {
  const events: FileEvent[] = [];
  const cwd = new Map<number, string>();
  const pending = new Map<number, string>();
  let firstPid: number | null = null;

  for (const rawLine of text.split("\n")) {
    const m = /^(\d+) +(.*)$/.exec(rawLine);
    if (!m) continue;
    const pid = Number(m[1]);
    let line = m[2]!;
    if (firstPid === null) {
      firstPid = pid;
      cwd.set(pid, initialCwd);
    }
    if (line.endsWith(" <unfinished ...>")) {
      pending.set(pid, line.slice(0, -" <unfinished ...>".length));
      continue;
    }
    const resumed = /^<\.\.\. [\w]+ resumed>(.*)$/.exec(line);
    if (resumed) {
      const head = pending.get(pid);
      pending.delete(pid);
      if (head === undefined) continue;
      line = head + resumed[1];
    }
    const call = splitCall(line);
    if (!call?.ok) continue;
    handle(call, pid, cwd, initialCwd, events);
  }
  return events;
}

interface Call {
  name: string;
  args: string[];
  /** The result text after `= ` (e.g. `3</tmp/a>`, `0`, `12345`). */
  result: string;
  ok: boolean;
}

function splitCall(line: string): Call | null {
  const open = line.indexOf("(");
  if (open <= 0) return null;
  const name = line.slice(0, open);
  if (!/^\w+$/.test(name)) return null;
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  let i = open + 1;
  let inString = false;
  let angle = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "<") angle++;
    else if (c === ">" && angle > 0) angle--;
    else if (angle > 0) continue;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "(") depth++;
    else if (c === ")") {
      if (depth === 0) break;
      depth--;
    } else if (c === "," && depth === 0) {
      args.push(line.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (i >= line.length) return null;
  const last = line.slice(start, i).trim();
  if (last !== "" || args.length > 0) args.push(last);
  const rest = /^\)\s*=\s*(.*)$/.exec(line.slice(i));
  if (!rest) return null;
  const result = rest[1]!.trim();
  const ok = !result.startsWith("-") && !result.startsWith("?");
  return { name, args, result, ok };
}

/** `"a\"b"` (strace's C-style escapes, octal for bytes it does not print) → the string. */
export function decodeString(token: string): string | null {
  const m = /^"((?:[^"\\]|\\.)*)"/.exec(token);
  if (!m) return null;
  const body = m[1]!;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      for (const b of Buffer.from(c, "utf8")) bytes.push(b);
      continue;
    }
    const n = body[++i];
    if (n === undefined) break;
    const simple: Record<string, number> = {
      n: 10,
      t: 9,
      r: 13,
      v: 11,
      f: 12,
      '"': 34,
      "\\": 92,
      a: 7,
      b: 8,
    };
    if (n in simple) bytes.push(simple[n]!);
    else if (n === "x") {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(n)) {
      let oct = n;
      while (oct.length < 3 && /[0-7]/.test(body[i + 1] ?? "")) oct += body[++i];
      bytes.push(Number.parseInt(oct, 8));
    } else bytes.push(n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The `</path>` strace -y appends to a descriptor (`AT_FDCWD</tmp>`, `3</tmp/a>`). */
function fdPath(token: string | undefined): string | null {
  if (!token) return null;
  const m = /^[\w-]+<(.*)>$/.exec(token);
  return m ? m[1]! : null;
}

function handle(
  call: Call,
  pid: number,
  cwd: Map<number, string>,
  initialCwd: string,
  events: FileEvent[],
): void {
  const { name, args } = call;
  const here = (): string => cwd.get(pid) ?? initialCwd;
  // `dirfd` argument of the *at calls: AT_FDCWD or a descriptor, both decorated by -y.
  const dirOf = (token: string | undefined): string => {
    const p = fdPath(token);
    if (p !== null && token?.startsWith("AT_FDCWD")) cwd.set(pid, p);
    return p ?? here();
  };
  const resolveIn = (dir: string, token: string | undefined): string | null => {
    const s = token === undefined ? null : decodeString(token);
    if (s === null || s === "") return null;
    return path.resolve(dir, s);
  };
  const emit = (op: FileOp, p: string | null, dest?: string | null): void => {
    if (p === null) return;
    if (dest === undefined) events.push({ pid, op, path: p });
    else if (dest !== null) events.push({ pid, op, path: p, dest });
  };

  switch (name) {
    case "open":
      emit(openOp(args[1]), resolveIn(here(), args[0]));
      return;
    case "openat":
    case "openat2": {
      const dir = dirOf(args[0]);
      const flags = name === "openat2" ? /flags=([\w|]+)/.exec(args[2] ?? "")?.[1] : args[2];
      if (/O_DIRECTORY|O_PATH/.test(flags ?? "")) return;
      emit(openOp(flags), resolveIn(dir, args[1]));
      return;
    }
    case "creat":
      emit("write", resolveIn(here(), args[0]));
      return;
    case "truncate":
      emit("truncate", resolveIn(here(), args[0]));
      return;
    case "rename":
      emit("rename", resolveIn(here(), args[0]), resolveIn(here(), args[1]));
      return;
    case "renameat":
    case "renameat2":
      emit("rename", resolveIn(dirOf(args[0]), args[1]), resolveIn(dirOf(args[2]), args[3]));
      return;
    case "link":
      emit("link", resolveIn(here(), args[0]), resolveIn(here(), args[1]));
      return;
    case "linkat":
      emit("link", resolveIn(dirOf(args[0]), args[1]), resolveIn(dirOf(args[2]), args[3]));
      return;
    case "symlink":
    case "symlinkat": {
      const link = name === "symlink" ? resolveIn(here(), args[1]) : resolveIn(dirOf(args[1]), args[2]);
      if (link === null) return;
      emit("symlink", resolveIn(path.dirname(link), args[0]), link);
      return;
    }
    case "unlink":
      emit("delete", resolveIn(here(), args[0]));
      return;
    case "unlinkat":
      emit(/AT_REMOVEDIR/.test(args[2] ?? "") ? "rmdir" : "delete", resolveIn(dirOf(args[0]), args[1]));
      return;
    case "mkdir":
      emit("mkdir", resolveIn(here(), args[0]));
      return;
    case "mkdirat":
      emit("mkdir", resolveIn(dirOf(args[0]), args[1]));
      return;
    case "rmdir":
      emit("rmdir", resolveIn(here(), args[0]));
      return;
    case "execve":
      emit("exec", resolveIn(here(), args[0]));
      return;
    case "execveat":
      emit("exec", resolveIn(dirOf(args[0]), args[1]));
      return;
    case "chdir": {
      const to = resolveIn(here(), args[0]);
      if (to) cwd.set(pid, to);
      return;
    }
    case "fchdir": {
      const to = fdPath(args[0]);
      if (to) cwd.set(pid, to);
      return;
    }
    case "clone":
    case "clone3":
    case "fork":
    case "vfork": {
      const child = Number.parseInt(call.result, 10);
      if (Number.isInteger(child) && child > 0) cwd.set(child, here());
      return;
    }
  }
}

function openOp(flags: string | undefined): FileOp {
  const f = flags ?? "";
  if (/O_WRONLY/.test(f)) return "write";
  if (/O_RDWR/.test(f)) return /O_TRUNC/.test(f) ? "write" : "readwrite";
  if (/O_TRUNC|O_CREAT/.test(f)) return "write";
  return "read";
}
