import { requireProject } from "../project/find-root.js";
import { openStore } from "../store/store.js";
import { colours, terminalWidth, useColour } from "../views/format.js";
import { type LogData, logData, renderLog } from "../views/log.js";
import type { QueryOutput } from "./output.js";

export function logQuery(flags: { number?: number | undefined }, out: QueryOutput): LogData {
  const project = requireProject(process.cwd());
  const store = openStore(project, { readonly: true });
  try {
    const data = logData(store.listJobs({ limit: flags.number }), store.countJobs());
    if (!out.json) out.log(renderLog(data, colours(useColour()), terminalWidth()));
    return data;
  } finally {
    store.close();
  }
}
