import { buildDag, buildDagData, type DagData } from "../lineage/dag-data.js";
import { createIndexedDiskCheck, recordedHashFromDb } from "../lineage/disk-check.js";
import { loadLineageModel, modelCachePath } from "../lineage/model-cache.js";
import { addHistory } from "../lineage/model-from-db.js";
import { requireProject } from "../project/find-root.js";
import { openDatabase } from "../store/open-database.js";
import { renderDagDot, renderDagMermaid, renderDagText } from "../views/dag.js";
import { dagJsonChunks, writeChunks } from "../views/dag-json.js";
import { terminalWidth, useColour } from "../views/format.js";
import type { QueryOutput } from "./output.js";

export interface DagFlags {
  format: string;
  "stale-only": boolean;
  expanded: boolean;
  artifacts: boolean;
}

/**
 * `roar dag`. With `--format json` (and not `--json`, whose result the caller prints) the document is
 * written here as the files are checked, and the returned data has no artifact list.
 */
export async function dagQuery(flags: DagFlags, out: QueryOutput): Promise<DagData> {
  const project = requireProject(process.cwd());
  // Read-only: a query never waits on (or blocks) a `roar run` that is recording.
  // The database alone: the Store API (and the hashing it loads) is for recording.
  const db = openDatabase(project.dbPath, { readonly: true });
  let data: DagData;
  try {
    // The artifact list costs a look at every tracked file: only when it is shown.
    const artifacts = flags.artifacts || flags.format === "json" || out.json;
    const options = { staleOnly: flags["stale-only"], artifacts };
    // One read transaction: the history and the (maybe cached) current runs from one state of the store.
    const model = db.transaction(() => {
      const current = loadLineageModel(db, { cacheFile: modelCachePath(project.roarDir), artifacts });
      // History is rarely asked for: added from the store each time, not cached.
      return flags.expanded ? addHistory(db, current) : current;
    })();
    const disk = createIndexedDiskCheck(project.root, db, model);
    if (flags.format === "json" && !out.json) {
      const dag = buildDag(model, disk, recordedHashFromDb(db), options);
      await writeChunks(dagJsonChunks(dag.data, dag.artifacts()), process.stdout);
      return dag.data;
    }
    data = buildDagData(model, disk, recordedHashFromDb(db), options);
  } finally {
    db.close();
  }
  if (out.json) return data;
  switch (flags.format) {
    case "json":
      await writeChunks(dagJsonChunks(data), process.stdout);
      break;
    case "dot":
      out.log(renderDagDot(data, { artifacts: flags.artifacts }));
      break;
    case "mermaid":
      out.log(renderDagMermaid(data, { artifacts: flags.artifacts }));
      break;
    default:
      out.log(
        renderDagText(data, {
          colour: useColour(),
          width: process.stdout.isTTY ? terminalWidth() : 80,
          artifacts: flags.artifacts,
        }) + (data.summary.steps ? "" : "\nhint: record a step with 'roar run <command>'"),
      );
  }
  return data;
}
