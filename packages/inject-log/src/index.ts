export type { InjectLogProblem, SchemaIssue } from "./inject-log-error.js";
export { InjectLogError } from "./inject-log-error.js";
export type {
  MergedFileEvent,
  MergedJob,
  MergedPackage,
  MergedSpawn,
  PythonSeen,
  ShardError,
} from "./merge-shards.js";
export { mergeProcesses, mergeShards } from "./merge-shards.js";
export type { ProcessNode, ProcessTree } from "./process-tree.js";
export { processTree } from "./process-tree.js";
export {
  parseInjectLog,
  readInjectLog,
  readInjectLogSync,
  SUPPORTED_SCHEMA_VERSION,
} from "./read-inject-log.js";
export { schemaPath } from "./schema-path.js";
export type {
  Abi,
  AuditBackend,
  Capture,
  CaptureError,
  ExitHow,
  ExitStatus,
  FileEvent,
  FileOp,
  Gate,
  GateOutcome,
  InjectLog,
  PackageRef,
  SpawnedProcess,
} from "./types.generated.js";
export {
  AUDIT_BACKEND_VALUES,
  EXIT_HOW_VALUES,
  FILE_OP_VALUES,
  GATE_OUTCOME_VALUES,
  SCHEMA_ID,
  SCHEMA_VERSION,
} from "./types.generated.js";
export { validateShard } from "./validate.js";
