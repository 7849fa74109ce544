import path from "node:path";
import { Args } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import { RoarError } from "../errors.js";
import { currentFileHash } from "../lineage/disk-check.js";
import { sqliteLineageSource } from "../lineage/lineage-source.js";
import { toRecordedPath } from "../lineage/project-path.js";
import { type LineageData, traceLineage, UnknownPathError } from "../lineage/trace.js";
import { requireProject } from "../project/find-root.js";
import { openStore } from "../store/store.js";
import { renderLineage } from "../views/lineage.js";
import { colourEnabled, terminalWidth } from "../views/paint.js";

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
    const project = requireProject(process.cwd());
    const recorded = toRecordedPath(project.root, process.cwd(), args.path);
    const abs = path.resolve(process.cwd(), args.path);
    const store = openStore(project, { readonly: true });
    const db = store.db;
    let data: LineageData;
    try {
      data = traceLineage(sqliteLineageSource(db), recorded, currentFileHash(db, abs));
    } catch (error) {
      if (error instanceof UnknownPathError) throw notRecorded(args.path);
      throw error;
    } finally {
      store.close();
    }
    if (!this.jsonEnabled())
      this.log(renderLineage(data, { colour: colourEnabled(), width: terminalWidth() }));
    return data;
  }
}

function notRecorded(arg: string): RoarError {
  return new RoarError(`roar has no record of ${arg}`, {
    hint: "record the step that writes it with 'roar run <command>'; 'roar log' lists what roar has recorded",
  });
}
