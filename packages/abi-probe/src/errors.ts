/** A probe output (live or recorded) that lacks a field the identity needs or has it in the wrong shape. */
export class ProbeOutputError extends Error {
  override readonly name = "ProbeOutputError";
  constructor(
    /** The offending field of the probe output, e.g. `versionInfo`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
