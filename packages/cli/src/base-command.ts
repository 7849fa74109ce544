import { Command, Errors, Flags } from "@oclif/core";
import { RoarError } from "./errors.js";

/**
 * Every roar command extends this: user errors become one line plus a hint and a non-zero exit;
 * stack traces only with --debug (or ROAR_DEBUG=1).
 */
export abstract class RoarCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: "Show stack traces and internal detail.", helpGroup: "GLOBAL" }),
  };

  protected get debugMode(): boolean {
    return this.argv.includes("--debug") || process.env.ROAR_DEBUG === "1";
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (this.debugMode) return super.catch(error);
    if (error instanceof Errors.ExitError) throw error;
    if (error instanceof RoarError) {
      process.stderr.write(`roar: ${error.message}\n`);
      if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
      return this.exit(error.exitCode);
    }
    // oclif's own parse errors (unknown flag, missing arg) already read well.
    if (error instanceof Errors.CLIError) {
      process.stderr.write(
        `roar: ${error.message.split("\n")[0]}\n  hint: see 'roar ${this.id?.replaceAll(":", " ") ?? ""} --help'\n`,
      );
      return this.exit(2);
    }
    process.stderr.write(
      `roar: internal error: ${error.message}\n  hint: re-run with --debug for the stack trace\n`,
    );
    return this.exit(1);
  }
}
