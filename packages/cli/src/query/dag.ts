import { buildDagData, type DagData } from "../lineage/dag-data.js";
import { createDiskCheck, recordedHashFromDb } from "../lineage/disk-check.js";
import { loadSnapshot } from "../lineage/load-snapshot.js";
import { requireProject } from "../project/find-root.js";
import { openStore } from "../store/store.js";
import { renderDagDot, renderDagMermaid, renderDagText } from "../views/dag.js";
import { terminalWidth, useColour } from "../views/format.js";
import type { QueryOutput } from "./output.js";

export interface DagFlags {
  format: string;
  "stale-only": boolean;
  expanded: boolean;
  artifacts: boolean;
}

export function dagQuery(flags: DagFlags, out: QueryOutput): DagData {
  const project = requireProject(process.cwd());
  // Read-only: a query never waits on (or blocks) a `roar run` that is recording.
  const store = openStore(project, { readonly: true });
  const db = store.db;
  let data: DagData;
  try {
    // The artifact list costs a look at every tracked file: only when it is shown.
    const artifacts = flags.artifacts || flags.format === "json" || out.json;
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
  if (out.json) return data;
  switch (flags.format) {
    case "json":
      writeJson(data);
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

/** Pretty JSON plus a newline, as oclif prints a --json result. */
export function writeJson(data: unknown): void {
  process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}
