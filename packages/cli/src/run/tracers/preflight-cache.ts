import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PreflightResult } from "./tracer.js";

/**
 * Tracer preflights spawn processes (strace tracing /bin/true, a program under LD_PRELOAD): too slow
 * for every `roar run`. Their answer is kept on disk under the XDG cache dir, keyed by whatever
 * would change it (the tracer's files, the kernel, the user); a change of key re-runs the check.
 */
export function preflightCacheFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), ".cache");
  return path.join(base, "roar", "tracers", `${name}-preflight.json`);
}

/** Identity of files a preflight depends on (realpath, size, mtime, inode), plus kernel and uid. */
export function preflightKey(files: string[]): string | null {
  const parts: string[] = [os.release(), String(process.getuid?.() ?? ""), bootId()];
  for (const file of files) {
    try {
      const real = fs.realpathSync(file);
      const st = fs.statSync(real);
      parts.push(`${real}:${st.size}:${st.mtimeMs}:${st.ino}`);
    } catch {
      return null;
    }
  }
  return parts.join("|");
}

function bootId(): string {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

export async function cachedPreflight<T extends PreflightResult>(
  name: string,
  key: string | null,
  run: () => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const file = preflightCacheFile(name, env);
  if (key !== null) {
    try {
      const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { key: string; result: T };
      if (saved.key === key) return saved.result;
    } catch {
      // no cache yet, or unreadable: run the check
    }
  }
  const result = await run();
  if (key !== null) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ key, result }));
      fs.renameSync(tmp, file);
    } catch {
      // a read-only cache only costs the check next time
    }
  }
  return result;
}
