import path from "node:path";
import { lockPathFor } from "./cache-root.js";

export interface InstallLock {
  path: string;
  /** Another process judged our lock stale and took it (we stalled past `staleMs`). */
  readonly compromised: boolean;
  release(): Promise<void>;
}

export interface LockOptions {
  staleMs: number;
  waitMs: number;
  /** Called once, the first time the lock is found held by someone else. */
  onWait?: (lockPath: string) => void;
}

/**
 * One install per key across processes and hosts: proper-lockfile's `mkdir` lock (atomic on NFS, no
 * flock), kept fresh by mtime updates so a holder killed with SIGKILL leaves a lock that turns stale
 * and is taken over. Returns null when the lock stayed held for `waitMs`.
 */
export async function acquireInstallLock(
  root: string,
  key: string,
  options: LockOptions,
): Promise<InstallLock | null> {
  // Loaded only here: proper-lockfile pulls in graceful-fs (which patches fs on load), and the cache
  // hit that precedes every `roar run` never locks.
  const { default: lockfile } = await import("proper-lockfile");
  const lockPath = lockPathFor(root, key);
  const deadline = Date.now() + options.waitMs;
  let waited = false;
  for (;;) {
    const state = { compromised: false };
    try {
      const release = await lockfile.lock(path.join(root, key), {
        realpath: false,
        lockfilePath: lockPath,
        stale: options.staleMs,
        retries: 0,
        // The default throws from a timer and would crash the CLI; losing the lock mid-install is
        // survivable (the final rename is atomic and waiters re-check), so just note it.
        onCompromised: () => {
          state.compromised = true;
        },
      });
      return {
        path: lockPath,
        get compromised() {
          return state.compromised;
        },
        release: async () => {
          if (state.compromised) return;
          await release().catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    }
    if (!waited) {
      waited = true;
      options.onWait?.(lockPath);
    }
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
  }
}
