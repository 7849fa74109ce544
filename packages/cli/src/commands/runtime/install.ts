import { Args, Flags } from "@oclif/core";
import { installRuntime } from "@roar/runtime-cache";
import { RoarCommand } from "../../base-command.js";
import { loadProjectConfig } from "../../config/config.js";
import { RoarError } from "../../errors.js";
import { resolvePython } from "../../runtime/resolve-python.js";
import { printRuntimeEvent, runtimeOptionsFromConfig } from "../../runtime/runtime-options.js";

export default class RuntimeInstall extends RoarCommand {
  static override description =
    "Install the runtime tree for a Python now (e.g. in a Dockerfile), even when runtime.install is skip.";
  static override examples = [
    "<%= config.bin %> runtime install python3",
    "<%= config.bin %> runtime install .venv/bin/python --force",
  ];
  static override args = {
    python: Args.string({ description: "interpreter name on PATH or path to one", required: true }),
  };
  static override flags = {
    force: Flags.boolean({ description: "reinstall even when the cached tree is current" }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RuntimeInstall);
    const { config } = loadProjectConfig(process.cwd());
    const { options, warnings } = runtimeOptionsFromConfig(config, process.env);
    for (const warning of warnings) process.stderr.write(`roar: warning: ${warning}\n`);
    const identity = await resolvePython(args.python, process.env);
    const result = await installRuntime(identity, {
      ...options,
      mode: "auto",
      force: flags.force,
      // Failure is reported once, below, as the command's error.
      onEvent: (event) => event.type === "install-start" && printRuntimeEvent(event, process.stderr),
    });
    if (result.status === "failed") {
      throw new RoarError(`runtime install for ${identity.executable} failed: ${result.reason}`, {
        hint: result.hint,
      });
    }
    this.log(
      `${result.status === "hit" ? "already installed" : "installed"}: ${result.key} -> ${result.path}`,
    );
  }
}
