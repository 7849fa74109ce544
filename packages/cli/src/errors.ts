/**
 * Errors a user can act on. Commands turn a RoarError into one line on stderr plus a hint and a
 * non-zero exit; anything else is a bug in roar and says so (stack trace only with --debug).
 */
export class RoarError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RoarError";
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

export class NotInitialisedError extends RoarError {
  constructor(cwd: string) {
    super(`no .roar/ directory in ${cwd} or any parent`, { hint: "run 'roar init' first" });
    this.name = "NotInitialisedError";
  }
}
