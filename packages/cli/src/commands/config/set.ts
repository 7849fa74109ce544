import fs from "node:fs";
import { Args } from "@oclif/core";
import { RoarCommand } from "../../base-command.js";
import { configKeySpec, displayValue, parseConfigValue } from "../../config/config-value.js";
import { setConfigText } from "../../config/edit-config.js";
import { RoarError } from "../../errors.js";
import { requireProject } from "../../project/find-root.js";

export default class ConfigSet extends RoarCommand {
  static override description =
    "Change a setting in .roar/config.toml. The file is edited in place: comments and layout are kept.\n" +
    'Lists take a,b or a TOML array (["a", "b"]); "" empties a list or unsets an optional string.';
  static override examples = [
    "<%= config.bin %> config set tracer.backend strace",
    "<%= config.bin %> config set filters.ignore_paths 'logs/**,*.tmp'",
    "<%= config.bin %> config set runtime.install_timeout 300",
  ];
  static override args = {
    key: Args.string({ required: true, description: "Setting name (roar config list shows them)." }),
    value: Args.string({ required: true, description: "New value." }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigSet);
    const project = requireProject(process.cwd());
    const spec = configKeySpec(args.key);
    const value = parseConfigValue(spec, args.value);
    let text = "";
    try {
      text = fs.readFileSync(project.configPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new RoarError(`cannot read ${project.configPath}: ${(error as Error).message}`);
      }
    }
    const next = setConfigText(text, spec.key, value);
    // Same-directory temp file + rename: a crash never leaves a half-written config.
    const tmp = `${project.configPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, next);
    fs.renameSync(tmp, project.configPath);
    this.log(`${spec.key} = ${displayValue(value)}`);
    if (spec.env && process.env[spec.env]) {
      this.warn(`${spec.env} is set in your environment and overrides this setting`);
    }
  }
}
