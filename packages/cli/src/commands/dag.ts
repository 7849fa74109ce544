import { Flags } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import { buildDagData, type DagData } from "../lineage/dag-data.js";
import { createDiskCheck, recordedHashFromDb } from "../lineage/disk-check.js";
import { loadSnapshot } from "../lineage/load-snapshot.js";
import { requireProject } from "../project/find-root.js";
import { openStore } from "../store/store.js";
import { renderDagDot, renderDagMermaid, renderDagText } from "../views/dag.js";
import { colourEnabled, terminalWidth } from "../views/paint.js";

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
    const project = requireProject(process.cwd());
    // Read-only: a query never waits on (or blocks) a `roar run` that is recording.
    const store = openStore(project, { readonly: true });
    const db = store.db;
    let data: DagData;
    try {
      // The artifact list costs a look at every tracked file: only when it is shown.
      const artifacts = flags.artifacts || flags.format === "json" || this.jsonEnabled();
      const snapshot = loadSnapshot(db, {
        includeSuperseded: flags.expanded,
        withOutputs: artifacts,
        withHashes: artifacts,
      });
      data = buildDagData(snapshot, createDiskCheck(project.root, db), recordedHashFromDb(db), {
        expanded: flags.expanded,
        staleOnly: flags["stale-only"],
        artifacts,
      });
    } finally {
      store.close();
    }
    if (this.jsonEnabled()) return data;
    switch (flags.format) {
      case "json":
        process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
        break;
      case "dot":
        this.log(renderDagDot(data, { artifacts: flags.artifacts }));
        break;
      case "mermaid":
        this.log(renderDagMermaid(data, { artifacts: flags.artifacts }));
        break;
      default:
        this.log(
          renderDagText(data, {
            colour: colourEnabled(),
            width: terminalWidth(),
            artifacts: flags.artifacts,
          }) + (data.summary.steps ? "" : "\nhint: record a step with 'roar run <command>'"),
        );
    }
    return data;
  }
}
