import path from "node:path";
import { RoarError } from "../errors.js";
import { currentFileHash } from "../lineage/disk-check.js";
import { sqliteLineageSource } from "../lineage/lineage-source.js";
import { toRecordedPath } from "../lineage/project-path.js";
import { type LineageData, traceLineage, UnknownPathError } from "../lineage/trace.js";
import { requireProject } from "../project/find-root.js";
import { openStore } from "../store/store.js";
import { terminalWidth, useColour } from "../views/format.js";
import { renderLineage } from "../views/lineage.js";
import type { QueryOutput } from "./output.js";

export function lineageQuery(arg: string, out: QueryOutput): LineageData {
  const project = requireProject(process.cwd());
  const recorded = toRecordedPath(project.root, process.cwd(), arg);
  const abs = path.resolve(process.cwd(), arg);
  const store = openStore(project, { readonly: true });
  const db = store.db;
  let data: LineageData;
  try {
    data = traceLineage(sqliteLineageSource(db), recorded, currentFileHash(db, abs));
  } catch (error) {
    if (error instanceof UnknownPathError) throw notRecorded(arg);
    throw error;
  } finally {
    store.close();
  }
  if (!out.json)
    out.log(renderLineage(data, { colour: useColour(), width: process.stdout.isTTY ? terminalWidth() : 80 }));
  return data;
}

function notRecorded(arg: string): RoarError {
  return new RoarError(`no record of ${arg}`, {
    hint: "record the step that writes it with 'roar run <command>'; 'roar log' lists what roar has recorded",
  });
}
