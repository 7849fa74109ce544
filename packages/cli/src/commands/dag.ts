import { Flags } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import type { DagData } from "../lineage/dag-data.js";
import { dagQuery } from "../query/dag.js";

export default class Dag extends RoarCommand {
  static override description =
    "Show the pipeline: every step, what it depends on, and which steps are stale.\n" +
    "A step depends on another when it read a file the other wrote. A step is stale when a file it read " +
    "changed since (an upstream step re-ran with other output, or the file was edited or removed), and so " +
    "is everything downstream of it.\n" +
    "JSON (--format json or --json): { summary: { steps, stale }, steps: [{ step, uid, command, state: active|stale|superseded, " +
    "dependencies: [step], consumed, produced, reasons }], artifacts: [{ path, hash, state: current|modified|missing, " +
    "producer, consumers: [step], terminal }] }, steps in pipeline order.";
  static override examples = [
    "<%= config.bin %> dag",
    "<%= config.bin %> dag --stale-only",
    "<%= config.bin %> dag --format dot | dot -Tsvg > pipeline.svg",
    "<%= config.bin %> dag --format mermaid --artifacts",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    format: Flags.string({
      options: ["text", "json", "dot", "mermaid"],
      default: "text",
      description: "Output format.",
    }),
    "stale-only": Flags.boolean({ description: "Only the stale steps." }),
    expanded: Flags.boolean({ description: "Include superseded (older) runs of each step." }),
    artifacts: Flags.boolean({ description: "Include the files between the steps." }),
  };

  async run(): Promise<DagData> {
    const { flags } = await this.parse(Dag);
    return dagQuery(flags, { json: this.jsonEnabled(), log: (text) => this.log(text) });
  }
}
