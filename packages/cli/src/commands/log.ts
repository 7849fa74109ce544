import { Flags } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import { logQuery } from "../query/log.js";
import type { LogData } from "../views/log.js";

export default class Log extends RoarCommand {
  static override description =
    "List recorded jobs, one line each, newest last: step, uid, when, duration, status, command. " +
    "(@N) marks an older run of a step that was re-run.\n" +
    "JSON: { jobs: [{ step, uid, current, name, startedAt, durationMs, status: success|failed|killed, exitCode, " +
    "signal, command }], total }.";
  static override examples = [
    "<%= config.bin %> log",
    "<%= config.bin %> log -n 5",
    "<%= config.bin %> log --json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    number: Flags.integer({ char: "n", min: 1, description: "Show only the newest N jobs." }),
  };

  async run(): Promise<LogData> {
    const { flags } = await this.parse(Log);
    return logQuery(flags, { json: this.jsonEnabled(), log: (text) => this.log(text) });
  }
}
