import { RoarCommand } from "../base-command.js";
import type { StatusData } from "../lineage/status-data.js";
import { statusQuery } from "../query/status.js";

export default class Status extends RoarCommand {
  static override description =
    "Show what changed since roar recorded it, which steps are stale, and what to re-run, in pipeline order.\n" +
    "JSON: { upToDate, changedOutputs: [{ path, state: modified|missing, step }], staleSteps: [{ step, uid, command, " +
    "reasons }], rerun: [{ step, command, cwd }] }.";
  static override examples = ["<%= config.bin %> status", "<%= config.bin %> status --json"];
  static override enableJsonFlag = true;

  async run(): Promise<StatusData> {
    await this.parse(Status);
    return statusQuery({ json: this.jsonEnabled(), log: (text) => this.log(text) });
  }
}
