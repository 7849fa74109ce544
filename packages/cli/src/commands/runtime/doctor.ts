import { Args } from "@oclif/core";
import { RoarCommand } from "../../base-command.js";
import { loadProjectConfig } from "../../config/config.js";
import { resolvePython } from "../../runtime/resolve-python.js";
import { type RuntimeDoctorReport, runtimeDoctor } from "../../runtime/runtime-doctor.js";
import { renderDoctor } from "../../views/runtime.js";

export default class RuntimeDoctor extends RoarCommand {
  static override description =
    "Explain what roar would do for a Python: its ABI, runtime key, cache state, install mode, installer and sources, and whether the shim's gate would load the compiled module.";
  static override examples = [
    "<%= config.bin %> runtime doctor python3",
    "<%= config.bin %> runtime doctor .venv/bin/python --json",
  ];
  static override enableJsonFlag = true;
  static override args = {
    python: Args.string({ description: "interpreter name on PATH or path to one", required: true }),
  };

  async run(): Promise<RuntimeDoctorReport> {
    const { args } = await this.parse(RuntimeDoctor);
    const { config } = loadProjectConfig(process.cwd());
    const identity = await resolvePython(args.python, process.env);
    const report = runtimeDoctor(identity, config, process.env);
    if (!this.jsonEnabled()) this.log(renderDoctor(report));
    return report;
  }
}
