import { Args } from "@oclif/core";
import { RoarCommand } from "../../base-command.js";
import { type ConfigEntry, configEntries } from "../../config/config-entries.js";
import { configKeySpec, displayValue } from "../../config/config-value.js";
import { requireProject } from "../../project/find-root.js";

export default class ConfigGet extends RoarCommand {
  static override description =
    "Print the value of a setting (from .roar/config.toml, else its default).\n" +
    "JSON: { key, type, values, value, default, source: file|default, env: { name, value } | null, description }.";
  static override examples = ["<%= config.bin %> config get tracer.backend"];
  static override enableJsonFlag = true;
  static override args = {
    key: Args.string({ required: true, description: "Setting name, e.g. tracer.backend." }),
  };

  async run(): Promise<ConfigEntry> {
    const { args } = await this.parse(ConfigGet);
    const project = requireProject(process.cwd());
    configKeySpec(args.key);
    const entry = configEntries(project.configPath).find((e) => e.key === args.key)!;
    if (!this.jsonEnabled()) this.log(entry.value === null ? "" : displayValue(entry.value));
    return entry;
  }
}
