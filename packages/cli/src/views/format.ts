/**
 * Small helpers every human view shares: columns, sizes, durations, times, colour, truncation.
 * Pure functions of their arguments (colour and "now" are passed in or defaulted), so views stay
 * testable and JSON output never goes through here.
 */

// ---- colour ---------------------------------------------------------------------------------

/**
 * Colour on only when the stream is a TTY and NO_COLOR is unset or empty (https://no-color.org);
 * FORCE_COLOR (non-empty and not "0") turns it on for pipes, e.g. `roar log | less -R`.
 */
export function useColour(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "")
    return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return Boolean(stream.isTTY);
}

const SGR = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
} as const;

export type Colour = keyof typeof SGR;
export type Colours = Record<Colour, (text: string) => string>;

export function colours(enabled: boolean): Colours {
  const out = {} as Colours;
  for (const name of Object.keys(SGR) as Colour[]) {
    const [on, off] = SGR[name];
    out[name] = enabled ? (t) => (t === "" ? t : `\u001b[${on}m${t}\u001b[${off}m`) : (t) => t;
  }
  return out;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Columns `text` takes on a terminal (escape codes do not count; wide chars are rare here). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, "")].length;
}

// ---- text -----------------------------------------------------------------------------------

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Cut `text` to at most `width` columns, ending with `…` when it was longer; newlines become spaces. */
export function truncate(text: string, width: number): string {
  // The common case (a one-line ASCII command) without splitting it into code points.
  if (PRINTABLE_ASCII.test(text))
    return text.length <= width ? text : width <= 0 ? "" : `${text.slice(0, width - 1)}…`;
  const oneLine = text.replace(/\s*\n\s*/g, " ");
  const chars = [...oneLine];
  if (chars.length <= width) return oneLine;
  if (width <= 0) return "";
  return `${chars.slice(0, width - 1).join("")}…`;
}

/** Cut the middle of a path so both its start and its file name stay visible. */
export function truncateMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return truncate(text, width);
  const tail = Math.ceil((width - 1) / 2);
  const head = width - 1 - tail;
  return `${chars.slice(0, head).join("")}…${chars.slice(chars.length - tail).join("")}`;
}

export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - visibleWidth(text)));
}

export function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - visibleWidth(text))) + text;
}

export interface TableOptions {
  /** Right-align these column indexes (numbers, sizes, durations). */
  alignRight?: number[];
  /** Separator between columns. */
  gap?: string;
  /** Header row, printed first (and counted for widths). */
  header?: string[];
}

/**
 * Align rows into columns. The last column is never padded (so lines carry no trailing spaces
 * and a long command can run on); cut it beforehand with `truncate` when a width matters.
 */
export function table(rows: string[][], options: TableOptions = {}): string[] {
  const all = options.header ? [options.header, ...rows] : rows;
  const gap = options.gap ?? "  ";
  const widths: number[] = [];
  for (const row of all) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell));
    });
  }
  const right = new Set(options.alignRight ?? []);
  return all.map((row) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1 && !right.has(i)) return cell;
        return right.has(i) ? padStart(cell, widths[i]!) : padEnd(cell, widths[i]!);
      })
      .join(gap)
      .trimEnd(),
  );
}

/** `label: value` lines with the values aligned. */
export function keyValues(pairs: [string, string][], indent = ""): string[] {
  const width = Math.max(0, ...pairs.map(([k]) => visibleWidth(k)));
  // An empty label continues the previous entry on a new line.
  return pairs.map(([k, v]) => `${indent}${padEnd(k === "" ? "" : `${k}:`, width + 1)} ${v}`.trimEnd());
}

// ---- values ---------------------------------------------------------------------------------

/** The first 12 hex characters of a hash: enough to be unique in any one project. */
export function shortHash(hash: string, length = 12): string {
  return hash.slice(0, length);
}

/** 1536 → "1.5 KiB"; bytes under 1 KiB stay exact ("512 B"). */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** 850 → "850ms", 12_300 → "12.3s", 754_000 → "12m34s", 2h05m, 3d04h. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)}s`;
  const total = Math.round(s);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d}d${two(h)}h`;
  if (h > 0) return `${h}h${two(m)}m`;
  return `${m}m${two(sec)}s`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(unixMs: number, now: number = Date.now()): string {
  const diff = now - unixMs;
  if (diff < 0) return absoluteTime(unixMs);
  const s = Math.floor(diff / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d === 1) return "yesterday";
  if (d < 14) return `${d} days ago`;
  return absoluteTime(unixMs).slice(0, 10);
}

/** Local time as `2026-11-29 02:31:21` (sortable, unambiguous, no locale surprises). */
export function absoluteTime(unixMs: number): string {
  const t = new Date(unixMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
}

/** Columns available on the terminal; 100 when not a TTY (piped output is not cut too short). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY && stream.columns ? Math.max(40, stream.columns) : 100;
}

/** `Success`, `Failed (exit 2)`, `Killed (SIGINT)`. */
export function statusText(job: { status: string; exitCode: number | null; signal: string | null }): string {
  if (job.status === "killed" || job.signal) return `Killed (${job.signal ?? "signal"})`;
  if (job.status === "success") return "Success";
  return job.exitCode === null ? "Failed" : `Failed (exit ${job.exitCode})`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
