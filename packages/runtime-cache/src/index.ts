export type { PythonIdentity } from "@roar/abi-probe";
export { cachedRuntimePaths, lockPathFor, runtimeCacheRoot, runtimeDir, TREE } from "./cache-root.js";
export { ensureRuntime } from "./ensure-runtime.js";
export {
  inspectRuntime,
  isRuntimeCached,
  type RuntimeExpectation,
  type RuntimeInspection,
} from "./inspect-runtime.js";
export {
  INSTALL_MODE_ENV,
  parseFindLinks,
  type ResolvedInstallMode,
  resolveInstallMode,
} from "./install-mode.js";
export { type InstallPlan, type InstallStep, planInstall } from "./install-plan.js";
export { DEFAULT_LOCK_STALE_MS, installRuntime } from "./install-runtime.js";
export {
  chooseInstaller,
  DEFAULT_INDEX_TIMEOUT_S,
  describeSource,
  type Installer,
  type InstallerCommandInput,
  type InstallSource,
  installerCommand,
  installerEnv,
} from "./installer-command.js";
export { installerPython } from "./installer-python.js";
export { listRuntimes, type RemoveResult, type RuntimeEntry, removeRuntime } from "./list-runtimes.js";
export { runProcess } from "./run-process.js";
export { type RuntimeStamp, readStamp } from "./stamp.js";
export type * from "./types.js";
