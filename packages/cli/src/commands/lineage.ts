import { Args } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import type { LineageData } from "../lineage/trace.js";
import { lineageQuery } from "../query/lineage.js";

export default class Lineage extends RoarCommand {
  static override description =
    "Show every job that led to a file's content, oldest first: command, exit code, Python, inputs and outputs.\n" +
    "JSON: { path, hash, onDisk: same|modified|missing, source, jobs: [{ step, uid, command, exitCode, status, " +
    "superseded, startedAt, pythons: [{ version, implementation, abiTag, executable }], inputs: [{ path, hash, producer }], " +
    "outputs: [{ path, hash }] }].";
  static override examples = [
    "<%= config.bin %> lineage model.pt",
    "<%= config.bin %> lineage data/clean.csv --json",
  ];
  static override enableJsonFlag = true;
  static override args = { path: Args.string({ required: true, description: "The file to trace." }) };

  async run(): Promise<LineageData> {
    const { args } = await this.parse(Lineage);
    return lineageQuery(args.path, { json: this.jsonEnabled(), log: (text) => this.log(text) });
  }
}
