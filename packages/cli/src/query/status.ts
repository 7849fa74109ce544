import { createDiskCheck, recordedHashFromDb } from "../lineage/disk-check.js";
import { loadSnapshot } from "../lineage/load-snapshot.js";
import { buildStatusData, type StatusData } from "../lineage/status-data.js";
import { requireProject } from "../project/find-root.js";
import { openStore } from "../store/store.js";
import { terminalWidth, useColour } from "../views/format.js";
import { renderStatus } from "../views/status.js";
import type { QueryOutput } from "./output.js";

export function statusQuery(out: QueryOutput): StatusData {
  const project = requireProject(process.cwd());
  const store = openStore(project, { readonly: true });
  const db = store.db;
  let data: StatusData;
  try {
    data = buildStatusData(
      loadSnapshot(db, { withOutputs: true }),
      createDiskCheck(project.root, db),
      recordedHashFromDb(db),
    );
  } finally {
    store.close();
  }
  if (!out.json)
    out.log(renderStatus(data, { colour: useColour(), width: process.stdout.isTTY ? terminalWidth() : 80 }));
  return data;
}
