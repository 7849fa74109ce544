/** What is wrong with a shard, in terms a caller can branch on. */
export type InjectLogProblem = "unreadable" | "not-json" | "truncated" | "invalid" | "unsupported-version";

/** One schema violation: where in the shard (a JSON pointer, "" for the root) and what. */
export interface SchemaIssue {
  pointer: string;
  message: string;
}

const PROBLEM_WORDS: Record<InjectLogProblem, string> = {
  unreadable: "cannot be read",
  "not-json": "is not JSON",
  truncated: "is truncated (its writer was probably killed mid-write)",
  invalid: "does not match the inject-log schema",
  "unsupported-version": "was written by a newer roar",
};

/** A shard that cannot be used. The message names the file and the problem. */
export class InjectLogError extends Error {
  override readonly name = "InjectLogError";
  /** The shard file (or directory, for a shard directory that cannot be listed). */
  readonly path: string;
  readonly problem: InjectLogProblem;
  /** Human-readable specifics: the parse error, the schema violations, the versions. */
  readonly details: string;
  /** For `invalid`: every schema violation found. Empty otherwise. */
  readonly issues: readonly SchemaIssue[];

  constructor(
    path: string,
    problem: InjectLogProblem,
    details: string,
    options: { issues?: readonly SchemaIssue[]; cause?: unknown } = {},
  ) {
    super(`inject-log shard ${path} ${PROBLEM_WORDS[problem]}: ${details}`, { cause: options.cause });
    this.path = path;
    this.problem = problem;
    this.details = details;
    this.issues = options.issues ?? [];
  }
}
