import fs from "node:fs";
import path from "node:path";
import type { PythonIdentity } from "@roar/abi-probe";
import { runtimeCacheRoot, runtimeDir, TREE } from "./cache-root.js";
import { inspectRuntime } from "./inspect-runtime.js";
import { acquireInstallLock } from "./install-lock.js";
import { type InstallStep, planInstall } from "./install-plan.js";
import {
  chooseInstaller,
  describeSource,
  type Installer,
  installerCommand,
  installerEnv,
  shimDirsOnPythonPath,
} from "./installer-command.js";
import { installerPython } from "./installer-python.js";
import { oldDirName, sweepLeftovers, tmpDirName, writeOwner } from "./leftovers.js";
import { runProcess } from "./run-process.js";
import { installedWheels, writeStamp } from "./stamp.js";
import type { EnsureRuntimeOptions, EnsureRuntimeResult, ProcessOutcome, RuntimeEvent } from "./types.js";

export const DEFAULT_LOCK_STALE_MS = 15_000;
const HINT_SOURCES =
  "put a roar-runtime wheel for this Python in runtime.find_links (or ROAR_RUNTIME_FIND_LINKS), or set ROAR_RUNTIME_INSTALL=skip to run without the compiled fast path";

/**
 * Install the runtime tree for `identity` under the key's cross-process lock, even when mode is
 * `skip` (this is the explicit, eager path: `roar runtime install`). Without `force`, a tree that
 * another process finished while we waited for the lock is reused.
 */
export async function installRuntime(
  identity: PythonIdentity,
  options: EnsureRuntimeOptions,
): Promise<EnsureRuntimeResult> {
  const env = options.env ?? process.env;
  const root = options.cacheRoot ?? runtimeCacheRoot(env);
  const key = identity.runtimeKey;
  const emit = (event: RuntimeEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // a listener's bug must not break the install
    }
  };
  const fail = (reason: string, hint: string): EnsureRuntimeResult => {
    emit({ type: "install-failed", key, reason, hint });
    return { status: "failed", key, reason, hint };
  };

  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (error) {
    return fail(
      `cannot create the runtime cache ${root}: ${(error as Error).message}`,
      "set XDG_CACHE_HOME to a writable directory",
    );
  }

  const lock = await acquireInstallLock(root, key, {
    staleMs: Math.max(options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS, 2000),
    waitMs: options.lockWaitMs ?? options.timeoutMs + 30_000,
    onWait: (lockPath) => emit({ type: "lock-wait", key, lockPath }),
  }).catch((error: Error) => error);
  if (lock instanceof Error)
    return fail(`cannot lock ${root}: ${lock.message}`, "check the permissions of the runtime cache");
  if (!lock) {
    return fail(
      `another roar process is installing the runtime for ${key} and did not finish in time`,
      `wait for it and retry, or remove ${path.join(root, `${key}.lock`)} if no roar process is running`,
    );
  }
  try {
    // Waiters re-check: the holder we waited for has usually just installed it.
    if (!options.force) {
      const now = inspectRuntime(identity, { roarVersion: options.roarVersion, cacheRoot: root });
      if (now.cached) return { status: "hit", key, path: now.sitePackages };
    }
    sweepLeftovers(root, { lockedKey: key, tmpMaxAgeMs: options.timeoutMs + 60_000 });
    return await installLocked(identity, options, root, emit, fail);
  } finally {
    await lock.release();
  }
}

async function installLocked(
  identity: PythonIdentity,
  options: EnsureRuntimeOptions,
  root: string,
  emit: (event: RuntimeEvent) => void,
  fail: (reason: string, hint: string) => EnsureRuntimeResult,
): Promise<EnsureRuntimeResult> {
  const env = options.env ?? process.env;
  const key = identity.runtimeKey;
  const run = options.runner ?? runProcess;
  const selection = chooseInstaller(options.installer, env);
  if ("error" in selection) return fail(selection.error, selection.hint);
  const installer = selection.installer;
  const plan = planInstall(identity, options);
  if (plan.steps.length === 0) {
    return fail(
      `no source for roar-runtime ${identity.abiTag}: ${plan.skipped.join("; ") || "none configured"}`,
      HINT_SOURCES,
    );
  }

  emit({ type: "install-start", abiTag: identity.abiTag, key });
  const started = performance.now();
  const deadline = Date.now() + options.timeoutMs;
  const shimDirs = [...(options.shimDir ? [options.shimDir] : []), ...shimDirsOnPythonPath(env)];
  const requirement = options.requirement ?? "roar-runtime";
  const tmp = path.join(root, tmpDirName(key));
  const site = path.join(tmp, TREE.sitePackages);
  const failures: string[] = [...plan.skipped];
  const module = TREE.module + identity.extSuffix;

  try {
    fs.mkdirSync(tmp);
    writeOwner(tmp);
    let installedFrom: string | null = null;
    for (const step of plan.steps) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      fs.rmSync(site, { recursive: true, force: true });
      const attempt = await runStep(step, {
        identity,
        installer,
        env,
        shimDirs,
        requirement,
        tmp,
        site,
        run,
        remaining,
      });
      if (!attempt.ok) {
        failures.push(attempt.failure);
        if (attempt.timedOut) break;
        continue;
      }
      // The gate only loads a module carrying this interpreter's own suffix, so that is what we demand.
      if (!fs.existsSync(path.join(site, module))) {
        failures.push(`${attempt.label}: installed, but no ${module} (a wheel for another Python?)`);
        continue;
      }
      const check = await run(
        {
          file: installerPython(identity),
          args: ["-I", "-S", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import _roar_runtime", site],
          env: installerEnv(env, shimDirs),
        },
        { timeoutMs: Math.max(deadline - Date.now(), 5000) },
      );
      if (check.code !== 0) {
        failures.push(`${attempt.label}: ${module} does not import: ${lastLine(check)}`);
        continue;
      }
      installedFrom = attempt.label;
      break;
    }
    if (installedFrom === null) {
      fs.rmSync(tmp, { recursive: true, force: true });
      const timedOut = Date.now() >= deadline;
      const what = timedOut ? `timed out after ${Math.round(options.timeoutMs / 1000)} s` : "failed";
      return fail(
        `installing roar-runtime for ${identity.abiTag} ${what}: ${failures.join("; ")}`,
        timedOut
          ? "raise runtime.install_timeout, or check the index/find-links are reachable"
          : HINT_SOURCES,
      );
    }
    const ms = Math.round(performance.now() - started);
    writeStamp(tmp, {
      stampVersion: 1,
      roarVersion: options.roarVersion,
      key,
      wheels: installedWheels(site),
      installedAt: new Date().toISOString(),
      module,
      python: {
        version: identity.version,
        executable: identity.executable,
        abiTag: identity.abiTag,
        extSuffix: identity.extSuffix,
      },
      installer: { name: installer.name, source: installedFrom, ms },
    });
    fs.rmSync(path.join(tmp, "owner.json"), { force: true });
    swapIntoPlace(tmp, runtimeDir(identity, root), root, key);
    emit({ type: "install-done", key, ms, source: installedFrom });
    return { status: "installed", key, path: path.join(runtimeDir(identity, root), TREE.sitePackages) };
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    // Lost a rename race to a process that took our lock as stale: its tree is as good as ours.
    const now = inspectRuntime(identity, { roarVersion: options.roarVersion, cacheRoot: root });
    if (now.cached) return { status: "hit", key, path: now.sitePackages };
    return fail(
      `installing roar-runtime for ${identity.abiTag} failed: ${(error as Error).message}`,
      "re-run with ROAR_DEBUG=1",
    );
  }
}

/** Rename, never delete: a process started from the old tree may still be loading from it. */
function swapIntoPlace(tmp: string, dir: string, root: string, key: string): void {
  if (fs.existsSync(dir)) fs.renameSync(dir, path.join(root, oldDirName(key)));
  fs.renameSync(tmp, dir);
}

interface StepContext {
  identity: PythonIdentity;
  installer: Installer;
  env: NodeJS.ProcessEnv;
  shimDirs: string[];
  requirement: string;
  tmp: string;
  site: string;
  run: NonNullable<EnsureRuntimeOptions["runner"]>;
  remaining: number;
}

type StepResult = { ok: true; label: string } | { ok: false; failure: string; timedOut: boolean };

async function runStep(step: InstallStep, ctx: StepContext): Promise<StepResult> {
  const started = Date.now();
  if (step.kind === "build-script") {
    const wheels = path.join(ctx.tmp, "built-wheels");
    const label = `source build (${step.script})`;
    const built = await ctx.run(
      {
        file: installerPython(ctx.identity),
        args: [step.script, "--out", wheels],
        env: installerEnv(ctx.env, ctx.shimDirs),
        cwd: ctx.tmp,
      },
      { timeoutMs: ctx.remaining },
    );
    if (built.code !== 0)
      return { ok: false, failure: `${label}: ${lastLine(built)}`, timedOut: built.timedOut };
    const rest = ctx.remaining - (Date.now() - started);
    const result = await runStep(
      { kind: "install", source: { kind: "built", dir: wheels } },
      { ...ctx, remaining: rest },
    );
    return result.ok ? { ok: true, label } : result;
  }
  let source = step.source;
  if (source.kind === "source" && fs.statSync(source.path).isDirectory()) {
    // Build from a private copy: the shipped source may sit in a read-only install, and pip builds in-tree.
    const copy = path.join(ctx.tmp, "src");
    fs.cpSync(source.path, copy, { recursive: true });
    source = { kind: "source", path: copy };
  }
  const label = describeSource(step.source);
  const command = installerCommand({
    installer: ctx.installer,
    python: installerPython(ctx.identity),
    target: ctx.site,
    source,
    requirement: ctx.requirement,
    env: ctx.env,
    shimDirs: ctx.shimDirs,
  });
  const outcome = await ctx.run({ ...command, cwd: ctx.tmp }, { timeoutMs: ctx.remaining });
  if (outcome.code === 0) return { ok: true, label };
  return {
    ok: false,
    failure: `${ctx.installer.name} from ${label}: ${lastLine(outcome)}`,
    timedOut: outcome.timedOut,
  };
}

function lastLine(outcome: ProcessOutcome): string {
  if (outcome.timedOut) return `timed out after ${Math.round(outcome.ms / 1000)} s`;
  if (outcome.spawnError) return outcome.spawnError;
  const lines = outcome.tail.split("\n").filter((l) => l.trim() !== "");
  // pip's last line is usually "No matching distribution…"; the one before says why.
  const tail = lines.slice(-3).join(" | ");
  return tail || (outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.code}`);
}
