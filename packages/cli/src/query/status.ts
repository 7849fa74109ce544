import { createIndexedDiskCheck, recordedHashFromDb } from "../lineage/disk-check.js";
import { loadLineageModel, modelCachePath } from "../lineage/model-cache.js";
import { buildStatusData, type StatusData } from "../lineage/status-data.js";
import { requireProject } from "../project/find-root.js";
import { openDatabase } from "../store/open-database.js";
import { terminalWidth, useColour } from "../views/format.js";
import { renderStatus } from "../views/status.js";
import type { QueryOutput } from "./output.js";

export function statusQuery(out: QueryOutput): StatusData {
  const project = requireProject(process.cwd());
  // The database alone: the Store API (and the hashing it loads) is for recording.
  const db = openDatabase(project.dbPath, { readonly: true });
  let data: StatusData;
  try {
    const model = loadLineageModel(db, { cacheFile: modelCachePath(project.roarDir) });
    const disk = createIndexedDiskCheck(project.root, db, model);
    data = buildStatusData(model, disk, recordedHashFromDb(db));
  } finally {
    db.close();
  }
  if (!out.json)
    out.log(renderStatus(data, { colour: useColour(), width: process.stdout.isTTY ? terminalWidth() : 80 }));
  return data;
}
