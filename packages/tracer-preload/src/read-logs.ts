import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

export const TRACE_OPS = [
  "read",
  "write",
  "readwrite",
  "rename",
  "delete",
  "mkdir",
  "rmdir",
  "exec",
  "link",
  "symlink",
  "truncate",
] as const;
export type TraceOp = (typeof TRACE_OPS)[number];

/**
 * One successful file operation. Paths are absolute. `dest` is the second path of `rename`
 * (new name), `link` (new link) and `symlink` (the link; `path` is its target, made absolute
 * against the link's directory). `argv` is given for `exec` (possibly cut short for huge argv).
 */
export interface TraceEvent {
  pid: number;
  op: TraceOp;
  path: string;
  dest?: string;
  argv?: string[];
}

/** A traced process: its last program image (after any exec chain) and the parent that started it. */
export interface TracedProcess {
  pid: number;
  ppid: number;
  exe: string;
  argv: string[];
}

export interface PreloadLogs {
  events: TraceEvent[];
  processes: TracedProcess[];
  /** Lines that could not be used, one message each; reading never fails because of them. */
  errors: string[];
}

const LOG_FILE = /^preload(-\d+-[0-9a-f]+)?\.log$/;
const OPS = new Set<string>(TRACE_OPS);

interface ProcLine {
  kind: "proc";
  pid: number;
  ppid: number;
  image: "start" | "fork" | "reopen";
  timeUs: number;
  exe: string;
  argv: string[];
}
/** An exec line: `self` when the process itself exec'd, else the parent's record of a spawn. */
interface ExecLine {
  kind: "exec";
  event: TraceEvent;
  ppid: number;
  self: boolean;
}
type Parsed =
  | ProcLine
  | ExecLine
  | { kind: "event"; event: TraceEvent }
  | { kind: "execfail"; pid: number; path: string };

/**
 * Reads what the library wrote into `logDir`: the shared `preload.log` (a 64-byte binary header,
 * then lines) and any per-process `preload-<pid>-<random>.log` text files (the library's fallback
 * where the shared mapping is unavailable). A process killed in the middle of a line leaves it
 * without its newline: that line is skipped and noted in `errors`.
 * Every exec'd program image counts as an `exec` event, including those libc started out of our
 * sight (system(), popen()) and the job's own command, which only announce themselves in the log.
 * An image whose exec was logged writes nothing more until it names a file, so a process that
 * names none is known by its exec (or spawn) line alone.
 */
export async function readPreloadLogs(logDir: string): Promise<PreloadLogs> {
  const errors: string[] = [];
  let names: string[];
  try {
    names = (await fs.readdir(logDir)).filter((n) => LOG_FILE.test(n)).sort();
  } catch (error) {
    return { events: [], processes: [], errors: [`cannot read ${logDir}: ${(error as Error).message}`] };
  }
  const files = await Promise.all(
    names.map(async (name) => {
      const { text, dropped } = await readLogFile(path.join(logDir, name));
      const lines = parseLogText(text, name, errors);
      if (dropped > 0) errors.push(`${name}: ${dropped} events dropped (log or disk full)`);
      return lines;
    }),
  );
  return assemble(files, errors);
}

const MAGIC = 0x0031504c52414f52n; // "ROARPL1\0"
const HEADER_BYTES = 64;

/** The text of a log file; for the shared file only the bytes its header says were written. */
async function readLogFile(file: string): Promise<{ text: string; dropped: number }> {
  const handle = await fs.open(file, "r");
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEADER_BYTES, 0);
    if (bytesRead === HEADER_BYTES && head.readBigUInt64LE(0) === MAGIC) {
      const size = (await handle.stat()).size;
      const used = Math.min(Number(head.readBigUInt64LE(8)), size - HEADER_BYTES);
      const body = Buffer.alloc(used);
      let at = 0;
      while (at < used) {
        const { bytesRead: n } = await handle.read(body, at, used - at, HEADER_BYTES + at);
        if (n === 0) break;
        at += n;
      }
      return { text: body.subarray(0, at).toString("utf8"), dropped: Number(head.readBigUInt64LE(24)) };
    }
    return { text: (await handle.readFile()).toString("utf8"), dropped: 0 };
  } finally {
    await handle.close();
  }
}

/**
 * Parses a log's text into its lines, dropping failed execs. Runs of NUL bytes are room that a
 * writer reserved and never filled (killed before or during the copy): they end a line, and a
 * line cut short by them has no newline, so it is skipped.
 */
export function parseLogText(text: string, fileName: string, errors: string[]): Parsed[] {
  const out: Parsed[] = [];
  let lineNo = 0;
  for (const segment of text.split(/\0+/)) {
    const lines = segment.split("\n");
    const last = lines.pop();
    for (const line of lines) {
      lineNo++;
      if (line !== "") parseInto(out, line, `${fileName}:${lineNo}`, errors);
    }
    if (last !== undefined && last !== "") errors.push(`${fileName}: incomplete line skipped`);
  }
  return out;
}

function parseInto(out: Parsed[], line: string, where: string, errors: string[]): void {
  const parsed = parseLine(line.split("\t").map(unescapeField));
  if (typeof parsed === "string") {
    errors.push(`${where}: ${parsed}`);
    return;
  }
  if (parsed.kind === "execfail") {
    // exec wrappers record before the call; a failure (ENOENT, EACCES) means it never ran.
    for (let j = out.length - 1; j >= 0; j--) {
      const prev = out[j];
      if (
        prev?.kind === "exec" &&
        prev.self &&
        prev.event.pid === parsed.pid &&
        prev.event.path === parsed.path
      ) {
        out.splice(j, 1);
        break;
      }
    }
    return;
  }
  out.push(parsed);
}

function parseLine(fields: string[]): Parsed | string {
  const [op, pidText, ...rest] = fields;
  const pid = Number(pidText);
  if (!op || !Number.isInteger(pid) || pid <= 0) return "malformed line";
  if (op === "proc") {
    const [ppidText, image, timeText, exe, ...argv] = rest;
    if ((image !== "start" && image !== "fork" && image !== "reopen") || exe === undefined)
      return "malformed proc line";
    return { kind: "proc", pid, ppid: Number(ppidText), image, timeUs: Number(timeText), exe, argv };
  }
  if (op === "exec" || op === "spawn") {
    const [ppidText, file, ...argv] = rest;
    if (file === undefined || file === "") return `${op} without a path`;
    const event: TraceEvent = { pid, op: "exec", path: file, argv };
    return { kind: "exec", event, ppid: Number(ppidText), self: op === "exec" };
  }
  const [first, ...more] = rest;
  if (first === undefined || first === "") return `${op} without a path`;
  if (op === "execfail") return { kind: "execfail", pid, path: first };
  if (!OPS.has(op) || op === "exec") return `unknown operation ${JSON.stringify(op)}`;
  const event: TraceEvent = { pid, op: op as TraceOp, path: first };
  if (more[0] !== undefined) event.dest = more[0];
  return { kind: "event", event };
}

function unescapeField(field: string): string {
  if (!field.includes("\\")) return field;
  return field.replace(/\\(.)/g, (_, c: string) =>
    c === "t" ? "\t" : c === "n" ? "\n" : c === "r" ? "\r" : c,
  );
}

interface Image {
  ppid: number;
  exe: string;
  argv: string[];
  /** When the image was announced: a proc line's time, for ordering images across fallback files. */
  timeUs: number;
  fromProcLine: boolean;
}

function assemble(files: Parsed[][], errors: string[]): PreloadLogs {
  const explicitExecs = new Map<number, Set<string>>();
  for (const lines of files) {
    for (const line of lines) {
      if (line.kind !== "exec") continue;
      const seen = explicitExecs.get(line.event.pid) ?? new Set<string>();
      seen.add(line.event.path);
      explicitExecs.set(line.event.pid, seen);
    }
  }
  const realpaths = new Map<string, string>();
  const real = (p: string): string => {
    let r = realpaths.get(p);
    if (r === undefined) {
      try {
        r = fsSync.realpathSync(p);
      } catch {
        r = p;
      }
      realpaths.set(p, r);
    }
    return r;
  };

  const events: TraceEvent[] = [];
  // Per pid: its first image (for the parent) and its current one. Within one file lines are in
  // the order they happened; across fallback files, proc lines' times order the images.
  const images = new Map<number, { first: Image; last: Image }>();
  const see = (pid: number, image: Image, replaces: (last: Image) => boolean): void => {
    const known = images.get(pid);
    if (!known) images.set(pid, { first: image, last: image });
    else {
      if (image.fromProcLine && known.first.fromProcLine && image.timeUs < known.first.timeUs)
        known.first = image;
      if (replaces(known.last)) known.last = image;
    }
  };
  for (const lines of files) {
    let fileTime = 0; // the time of the image writing this file's lines, as of its last proc line
    for (const line of lines) {
      if (line.kind === "proc") {
        fileTime = line.timeUs;
        const image = { ...line, fromProcLine: true };
        see(line.pid, image, (last) => line.image === "start" && line.timeUs >= last.timeUs);
        if (line.image === "start") {
          const execs = explicitExecs.get(line.pid);
          const announced = execs && [...execs].some((p) => p === line.exe || real(p) === line.exe);
          if (!announced) events.push({ pid: line.pid, op: "exec", path: line.exe, argv: line.argv });
        }
        continue;
      }
      if (line.kind === "exec") {
        const { pid, path: file, argv = [] } = line.event;
        const image = { ppid: line.ppid, exe: real(file), argv, timeUs: fileTime, fromProcLine: false };
        // The process's own exec comes after everything of the image it replaces; a parent's
        // record of a spawn may come after the child has already moved on.
        see(pid, image, (last) => line.self && last.timeUs <= fileTime);
      } else if (line.kind !== "event") continue;
      const event = absolutise(line.event);
      if (event === null)
        errors.push(`pid ${line.event.pid}: relative path ${JSON.stringify(line.event.path)} skipped`);
      else events.push(event);
    }
  }
  const processes = [...images.entries()].map(([pid, { first, last }]) => ({
    pid,
    ppid: first.ppid,
    exe: last.exe,
    argv: last.argv,
  }));
  return { events, processes, errors };
}

/** Paths are absolute in the log unless the cwd had been deleted; symlink targets are link-relative. */
function absolutise(event: TraceEvent): TraceEvent | null {
  const out: TraceEvent = { ...event };
  if (event.dest !== undefined) {
    if (!path.posix.isAbsolute(event.dest)) return null;
    out.dest = path.posix.normalize(event.dest);
  }
  if (event.op === "symlink" && out.dest !== undefined) {
    out.path = path.posix.resolve(path.posix.dirname(out.dest), event.path);
    return out;
  }
  if (!path.posix.isAbsolute(event.path)) return null;
  out.path = path.posix.normalize(event.path);
  return out;
}
