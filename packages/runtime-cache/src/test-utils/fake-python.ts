import fs from "node:fs";
import path from "node:path";

/**
 * A shell wrapper around a real interpreter: logs each pip run (`<pid>` per line) to `pipLog`, and
 * can stall or fail it, to observe and disturb installs from outside. Everything else execs the
 * real interpreter unchanged, so the probe-derived identity stays true.
 */
export function fakePython(
  dir: string,
  realPython: string,
  behaviour: { pipLog: string; pipSleepS?: number; pipFail?: string },
): string {
  const file = path.join(dir, "python-wrapper");
  const onPip = [
    `echo $$ >> '${behaviour.pipLog}'`,
    behaviour.pipSleepS ? `sleep ${behaviour.pipSleepS}` : "",
    behaviour.pipFail ? `echo '${behaviour.pipFail}' >&2; exit 1` : "",
  ]
    .filter(Boolean)
    .join("; ");
  fs.writeFileSync(
    file,
    `#!/bin/sh\nif [ "$1" = "-m" ] && [ "$2" = "pip" ]; then ${onPip}; fi\nexec '${realPython}' "$@"\n`,
    { mode: 0o755 },
  );
  return file;
}
