import type { HashArtifactsProgress } from "../hash/hash-artifacts.js";
import { humanSize, truncate } from "../views/format.js";

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
      stream.write(`\r\x1b[K${truncate(describeProgress(p, (t - started) / 1000), width)}`);
      drawn = true;
    },
    finish: () => {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}

/** `roar: hashing 2/5 files · 1.2 GiB of 18.6 GiB · 2.0 GiB/s` */
export function describeProgress(p: HashArtifactsProgress, seconds: number): string {
  const rate = seconds > 0 ? Math.round(p.bytesDone / seconds) : 0;
  return `roar: hashing ${p.filesDone}/${p.filesTotal} files · ${humanSize(p.bytesDone)} of ${humanSize(p.bytesTotal)} · ${humanSize(rate)}/s`;
}
