/**
 * The run pipeline's view of one file operation, whichever backend saw it. The same shape as
 * `@roar/tracer-preload`'s TraceEvent so that backend's events pass through unchanged; the shim's
 * shard events are mapped onto it too.
 */
export type FileOp =
  | "read"
  | "write"
  | "readwrite"
  | "rename"
  | "delete"
  | "mkdir"
  | "rmdir"
  | "exec"
  | "link"
  | "symlink"
  | "truncate";

export interface FileEvent {
  pid: number;
  op: FileOp;
  /** Absolute. */
  path: string;
  /** Second path of rename (new name), link (new link) and symlink (the link). */
  dest?: string;
}
