import { Args, Flags } from "@oclif/core";
import { removeRuntime, runtimeCacheRoot } from "@roar/runtime-cache";
import { RoarCommand } from "../../base-command.js";
import { RoarError } from "../../errors.js";

export default class RuntimeClear extends RoarCommand {
  static override description = "Remove one runtime tree by key, or all of them.";
  static override examples = [
    "<%= config.bin %> runtime clear cp312-cp312-linux_x86_64-glibc",
    "<%= config.bin %> runtime clear --all",
  ];
  static override args = {
    key: Args.string({ description: "runtime key, as shown by 'roar runtime list'" }),
  };
  static override flags = {
    all: Flags.boolean({ description: "remove every runtime tree" }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RuntimeClear);
    if (!args.key && !flags.all) {
      throw new RoarError("name a runtime key or pass --all", {
        hint: "'roar runtime list' shows the keys",
        exitCode: 2,
      });
    }
    if (args.key && flags.all) throw new RoarError("give a key or --all, not both", { exitCode: 2 });
    const root = runtimeCacheRoot(process.env);
    const result = await removeRuntime(flags.all ? "all" : args.key!, root);
    for (const key of result.removed) this.log(`removed ${key}`);
    if (flags.all && result.removed.length === 0 && result.skipped.length === 0)
      this.log(`no runtimes in ${root}`);
    const [first] = result.skipped;
    for (const skipped of result.skipped.slice(1))
      process.stderr.write(`roar: kept ${skipped.key}: ${skipped.reason}\n`);
    if (first) {
      throw new RoarError(`cannot remove ${first.key}: ${first.reason}`, {
        hint:
          first.reason === "no such runtime"
            ? "'roar runtime list' shows the keys"
            : "retry when the install has finished",
      });
    }
  }
}
