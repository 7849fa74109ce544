export { discoverPythons } from "./discover.js";
export { ProbeOutputError } from "./errors.js";
export type { PythonIdentity } from "./identity.js";
export { identityFromProbeOutput } from "./identity-from-probe.js";
export {
  type ProbeFailureKind,
  type ProbeOptions,
  type ProbeResult,
  probePython,
  probePythonDetailed,
} from "./probe.js";
export { defaultCacheDir } from "./probe-cache.js";
export { PROBE_SCRIPT, PROBE_SCRIPT_VERSION } from "./probe-script.js";
export { isPythonName } from "./python-name.js";
export {
  type CommandInterpreter,
  type ResolveOptions,
  resolveCommandInterpreter,
} from "./resolve-command.js";
export {
  type AbiTagFacts,
  abiTagFor,
  pythonTagFor,
  type RuntimeKeyParts,
  runtimeKey,
} from "./runtime-key.js";
