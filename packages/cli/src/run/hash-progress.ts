import type { HashArtifactsProgress } from "../hash/hash-artifacts.js";

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface HashProgressOptions {
  /** Nothing is drawn before this much hashing time: a quick job's stderr stays one summary line. */
  delayMs?: number;
  /** Minimum time between redraws. */
  intervalMs?: number;
  now?: () => number;
}

export interface HashProgressLine {
  onProgress: (p: HashArtifactsProgress) => void;
  /** Erases the line if one was drawn; call before printing anything else on the stream. */
  finish: () => void;
}

/**
 * A one-line "hashing …" status on a terminal, redrawn in place, for jobs whose outputs take a
 * while to hash (a 20 GB checkpoint is tens of seconds). Only on a TTY: a redirected stderr gets
 * nothing, so logs and the workload's transparency are untouched.
 */
export function hashProgressLine(
  stream: ProgressStream | undefined,
  options: HashProgressOptions = {},
): HashProgressLine {
  const now = options.now ?? Date.now;
  const delayMs = options.delayMs ?? 1000;
  const intervalMs = options.intervalMs ?? 100;
  if (!stream?.isTTY) return { onProgress: () => {}, finish: () => {} };
  const started = now();
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    onProgress: (p) => {
      const t = now();
      if (t - started < delayMs || t - lastDraw < intervalMs) return;
      lastDraw = t;
      const width = Math.max(20, (stream.columns || 80) - 1);
      stream.write(`\r\x1b[K${describeProgress(p, (t - started) / 1000).slice(0, width)}`);
      drawn = true;
    },
    finish: () => {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}

/** `roar: hashing 2/5 files · 1.3 of 20.0 GB · 2.1 GB/s` */
export function describeProgress(p: HashArtifactsProgress, seconds: number): string {
  const rate = seconds > 0 ? p.bytesDone / seconds : 0;
  return `roar: hashing ${p.filesDone}/${p.filesTotal} files · ${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)} · ${bytes(rate)}/s`;
}

function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${Math.round(n)} B`;
}
