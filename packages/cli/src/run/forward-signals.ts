import fs from "node:fs";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Whether this process is in the foreground process group of its terminal. Then a ^C from the
 * terminal already reached the child (same group): forwarding SIGINT would deliver it twice and
 * interrupt the workload's own KeyboardInterrupt cleanup.
 */
export function inTerminalForeground(): boolean {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // Fields after "(comm)": state ppid pgrp session tty_nr tpgid …
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pgrp = Number(fields[2]);
    const tpgid = Number(fields[5]);
    return tpgid > 0 && tpgid === pgrp;
  } catch {
    return false;
  }
}

/**
 * Pass SIGINT, SIGTERM and SIGHUP on to the child while roar waits for it (roar itself does not
 * die of them: it still has a job to record). Returns the function that stops forwarding.
 */
export function forwardSignals(targets: () => number[]): () => void {
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      if (signal === "SIGINT" && inTerminalForeground()) return;
      for (const pid of targets()) {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
