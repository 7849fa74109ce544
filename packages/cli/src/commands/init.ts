import path from "node:path";
import { Flags } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import { initProject } from "../project/init-project.js";

export default class Init extends RoarCommand {
  static override description =
    "Make the current directory a roar project: creates .roar/ with config.toml (every setting, commented, " +
    "with its default) and roar.db (the job store). Running it again changes nothing.";
  static override examples = [
    "<%= config.bin %> init",
    "<%= config.bin %> init -y   # also add .roar/ to .gitignore",
  ];
  static override flags = {
    gitignore: Flags.boolean({
      char: "y",
      aliases: ["yes"],
      description: "Add .roar/ to .gitignore (created if needed; never duplicated).",
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    const result = initProject(process.cwd(), { gitignore: flags.gitignore });
    const shown = result.project.roarDir;
    const gitignoreLine = {
      created: "created .gitignore with .roar/",
      added: "added .roar/ to .gitignore",
      present: ".gitignore already ignores .roar/",
      "not-requested": null,
    }[result.gitignore];
    if (!result.created) {
      this.log(`roar: already initialised at ${shown}`);
      if (gitignoreLine) this.log(gitignoreLine);
      return;
    }
    this.log(`Initialised roar project in ${shown}`);
    this.log(`  settings: ${path.relative(process.cwd(), result.project.configPath)} (roar config list)`);
    if (gitignoreLine) this.log(`  ${gitignoreLine}`);
    if (result.parent)
      this.log(
        `  note: nested inside the roar project at ${result.parent.root}; jobs here are recorded here`,
      );
    this.log("Next: roar run python train.py");
  }
}
