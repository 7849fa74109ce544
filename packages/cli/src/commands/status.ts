import { RoarCommand } from "../base-command.js";
import { createDiskCheck, recordedHashFromDb } from "../lineage/disk-check.js";
import { loadSnapshot } from "../lineage/load-snapshot.js";
import { buildStatusData, type StatusData } from "../lineage/status-data.js";
import { requireProject } from "../project/find-root.js";
import { openStore } from "../store/store.js";
import { colourEnabled, terminalWidth } from "../views/paint.js";
import { renderStatus } from "../views/status.js";

export default class Status extends RoarCommand {
  static override description =
    "Show what changed since roar recorded it, which steps are stale, and what to re-run, in pipeline order.\n" +
    "JSON: { upToDate, changedOutputs: [{ path, state: modified|missing, step }], staleSteps: [{ step, uid, command, " +
    "reasons }], rerun: [{ step, command, cwd }] }.";
  static override examples = ["<%= config.bin %> status", "<%= config.bin %> status --json"];
  static override enableJsonFlag = true;

  async run(): Promise<StatusData> {
    await this.parse(Status);
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
    if (!this.jsonEnabled())
      this.log(renderStatus(data, { colour: colourEnabled(), width: terminalWidth() }));
    return data;
  }
}
