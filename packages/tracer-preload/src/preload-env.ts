import path from "node:path";
import { PreloadUnavailableError } from "./errors.js";
import { preloadLibraryPath } from "./library-path.js";

/** The variable the library reads to know where to write its per-process logs. */
export const LOG_DIR_VARIABLE = "ROAR_PRELOAD_LOG_DIR";

/**
 * A copy of `env` that loads the tracer into the command and all its dynamically linked children:
 * our library first on LD_PRELOAD (the user's own entries kept after it, ours never twice) and
 * the absolute log directory. `env` itself is not modified.
 */
export function preloadEnv(logDir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const library = preloadLibraryPath();
  if (library === null) throw new PreloadUnavailableError("no preload library built for this platform");
  const existing = (env.LD_PRELOAD ?? "")
    .split(/[:\s]+/)
    .filter((entry) => entry !== "" && entry !== library);
  return {
    ...env,
    LD_PRELOAD: [library, ...existing].join(":"),
    [LOG_DIR_VARIABLE]: path.resolve(logDir),
  };
}
