/** The preload tracer cannot be used here; `reason` says why in words a user can act on. */
export class PreloadUnavailableError extends Error {
  override readonly name = "PreloadUnavailableError";
  constructor(readonly reason: string) {
    super(`preload tracer unavailable: ${reason}`);
  }
}
