import { Args, Flags } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import { runMain } from "../run/main.js";

export default class Run extends RoarCommand {
  static override summary = "Run a command and record what it read and wrote.";
  static override description =
    "roar's flags go before the command; everything from the command on is passed to it unchanged. " +
    "roar exits with the command's exit code (128+n when a signal killed it).";
  static override examples = [
    "<%= config.bin %> run python train.py --lr 0.1",
    "<%= config.bin %> run --tracer strace -- bash -c 'sort a.txt > b.txt'",
    "<%= config.bin %> run --name prepare python prepare.py",
  ];
  // The command's own flags must reach it untouched: roar splits argv itself (see parseRunArgv).
  static override strict = false;
  static override flags = {
    tracer: Flags.string({
      char: "t",
      options: ["auto", "preload", "strace", "python"],
      description: "How file I/O is captured.",
    }),
    name: Flags.string({ char: "n", description: "A name for this step." }),
  };
  static override args = { command: Args.string({ description: "The command to run, then its arguments." }) };

  async run(): Promise<void> {
    const code = await runMain(this.argv);
    process.exitCode = code;
  }
}
