import { RoarCommand } from "../../base-command.js";
import { type ConfigEntry, configEntries } from "../../config/config-entries.js";
import { requireProject } from "../../project/find-root.js";
import { renderConfigList } from "../../views/config.js";
import { colours, useColour } from "../../views/format.js";

export default class ConfigList extends RoarCommand {
  static override description =
    "List every setting with its value, default and what it does.\n" +
    "JSON: { settings: [{ key, type, values, value, default, source: file|default, env: { name, value } | null, description }] }.";
  static override examples = ["<%= config.bin %> config list", "<%= config.bin %> config list --json"];
  static override enableJsonFlag = true;

  async run(): Promise<{ settings: ConfigEntry[] }> {
    await this.parse(ConfigList);
    const project = requireProject(process.cwd());
    const settings = configEntries(project.configPath);
    if (!this.jsonEnabled()) this.log(renderConfigList(settings, colours(useColour())));
    return { settings };
  }
}
