import { RoarError } from "../errors.js";
import type { QueryOutput } from "./output.js";

/**
 * The query commands without oclif: importing @oclif/core alone costs about as much as starting Node,
 * which is most of a `roar log`. Only argv this parser fully understands runs here; anything else
 * (--help, --debug, an unknown or malformed flag, ROAR_DEBUG, ROAR_CONTENT_TYPE) returns null and
 * goes through oclif, so help, parse errors and stack traces stay exactly oclif's. Output, errors
 * and exit codes mirror RoarCommand.
 */
export const FAST_QUERY_COMMANDS: ReadonlySet<string> = new Set(["log", "show", "dag", "lineage", "status"]);

interface FlagSpec {
  /** Takes a value; checked by `valid` (an invalid value goes to oclif for its error). */
  value?: (v: string) => boolean;
  char?: string;
}

interface CommandSpec {
  flags: Record<string, FlagSpec>;
  minArgs: number;
  maxArgs: number;
}

const SPECS: Record<string, CommandSpec> = {
  log: {
    flags: { number: { char: "n", value: (v) => /^\d+$/.test(v) && Number(v) >= 1 } },
    minArgs: 0,
    maxArgs: 0,
  },
  show: { flags: {}, minArgs: 0, maxArgs: 1 },
  lineage: { flags: {}, minArgs: 1, maxArgs: 1 },
  status: { flags: {}, minArgs: 0, maxArgs: 0 },
  dag: {
    flags: {
      format: { value: (v) => ["text", "json", "dot", "mermaid"].includes(v) },
      "stale-only": {},
      expanded: {},
      artifacts: {},
    },
    minArgs: 0,
    maxArgs: 0,
  },
};

export interface ParsedQuery {
  flags: Record<string, string | true>;
  args: string[];
  json: boolean;
}

/** Parse argv (after the command name) strictly; null when oclif should handle it. */
export function parseQueryArgv(command: string, argv: readonly string[]): ParsedQuery | null {
  const spec = SPECS[command];
  if (!spec) return null;
  const flags: Record<string, string | true> = {};
  const args: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--json") {
      if (json) return null;
      json = true;
      continue;
    }
    if (!token.startsWith("-")) {
      if (token === "") return null;
      args.push(token);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (token.startsWith("--")) {
      const eq = token.indexOf("=");
      name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      inline = eq === -1 ? undefined : token.slice(eq + 1);
    } else if (token.length === 2) {
      name = Object.keys(spec.flags).find((k) => spec.flags[k]!.char === token[1]);
    }
    const flag = name === undefined ? undefined : spec.flags[name];
    if (!name || !flag || name in flags) return null;
    if (!flag.value) {
      if (inline !== undefined) return null;
      flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || !flag.value(value)) return null;
    flags[name] = value;
  }
  if (args.length < spec.minArgs || args.length > spec.maxArgs) return null;
  return { flags, args, json };
}

/** Run a query command; the exit code, or null when oclif should run it instead. */
export async function queryMain(argv: readonly string[]): Promise<number | null> {
  const [command, ...rest] = argv;
  if (command === undefined || !FAST_QUERY_COMMANDS.has(command)) return null;
  if (process.env.ROAR_DEBUG === "1" || process.env.ROAR_CONTENT_TYPE !== undefined) return null;
  const parsed = parseQueryArgv(command, rest);
  if (!parsed) return null;
  // As oclif does: a reader that stops early (`roar dag | head`) is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") return;
    throw err;
  });
  const out: QueryOutput = { json: parsed.json, log: (text) => process.stdout.write(`${text}\n`) };
  try {
    const data = await runQuery(command, parsed, out);
    // oclif prints a --json result the same way (its colouriser is a no-op without a theme).
    // (dag wrote its JSON itself: see runQuery.)
    if (parsed.json && command !== "dag") process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RoarError) {
      process.stderr.write(`roar: ${error.message}\n`);
      if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `roar: internal error: ${message}\n  hint: re-run with --debug for the stack trace\n`,
    );
    return 1;
  }
}

async function runQuery(
  command: string,
  { flags, args, json }: ParsedQuery,
  out: QueryOutput,
): Promise<unknown> {
  switch (command) {
    case "log":
      return (await import("./log.js")).logQuery(
        { number: flags.number === undefined ? undefined : Number(flags.number) },
        out,
      );
    case "show":
      return (await import("./show.js")).showQuery(args[0], out);
    case "lineage":
      return (await import("./lineage.js")).lineageQuery(args[0]!, out);
    case "status":
      return (await import("./status.js")).statusQuery(out);
    default:
      return (await import("./dag.js")).dagQuery(
        {
          // --json prints the same document as --format json (byte for byte), which dagQuery streams
          // as it checks the files instead of building it whole.
          format: json ? "json" : typeof flags.format === "string" ? flags.format : "text",
          "stale-only": flags["stale-only"] === true,
          expanded: flags.expanded === true,
          artifacts: flags.artifacts === true,
        },
        { ...out, json: false },
      );
  }
}
