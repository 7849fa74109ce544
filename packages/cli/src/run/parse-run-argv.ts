import { RoarError } from "../errors.js";
import type { TracerBackendName } from "../store/job-record.js";

export const TRACER_CHOICES = ["auto", "preload", "strace", "python"] as const;
export type TracerChoiceName = "auto" | TracerBackendName;

export interface RunArgs {
  tracer: TracerChoiceName | null;
  name: string | null;
  debug: boolean;
  help: boolean;
  /** The command exactly as the user typed it after roar's own flags. */
  command: string[];
}

/**
 * roar's flags come before the command; the first word that is not one of them starts the
 * command and everything after it is the command's, untouched (`roar run python train.py
 * --debug` passes --debug to train.py). `--` ends roar's flags explicitly.
 */
export function parseRunArgv(argv: readonly string[]): RunArgs {
  const out: RunArgs = { tracer: null, name: null, debug: false, help: false, command: [] };
  let i = 0;
  const value = (flag: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const v = argv[++i];
    if (v === undefined)
      throw new RoarError(`${flag} needs a value`, { hint: "see 'roar run --help'", exitCode: 2 });
    return v;
  };
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      i++;
      break;
    }
    if (!word.startsWith("-") || word === "-") break;
    const eq = word.indexOf("=");
    const flag = eq > 0 ? word.slice(0, eq) : word;
    const inline = eq > 0 ? word.slice(eq + 1) : undefined;
    switch (flag) {
      case "--tracer":
      case "-t": {
        const v = value(flag, inline);
        if (!(TRACER_CHOICES as readonly string[]).includes(v)) {
          throw new RoarError(
            `--tracer must be one of ${TRACER_CHOICES.join(", ")} (got ${JSON.stringify(v)})`,
            {
              exitCode: 2,
            },
          );
        }
        out.tracer = v as TracerChoiceName;
        break;
      }
      case "--name":
      case "-n":
        out.name = value(flag, inline);
        break;
      case "--debug":
        out.debug = true;
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      default:
        throw new RoarError(`unknown flag ${flag} for roar run`, {
          hint: `put roar's flags before the command, or use 'roar run -- ${argv.slice(i).join(" ")}'`,
          exitCode: 2,
        });
    }
  }
  out.command = argv.slice(i);
  return out;
}

export const RUN_USAGE = `Run a command and record what it read and wrote.

USAGE
  $ roar run [--tracer auto|preload|strace|python] [--name NAME] [--] <command>...

FLAGS
  -t, --tracer=<backend>  How file I/O is captured (default: tracer.backend in .roar/config.toml, auto).
  -n, --name=<name>       A name for this step.
      --debug             Show internal detail.

roar's flags go before the command; everything from the command on is passed through unchanged.

EXAMPLES
  $ roar run python train.py --lr 0.1
  $ roar run --tracer strace -- bash -c 'sort a.txt > b.txt'
`;
