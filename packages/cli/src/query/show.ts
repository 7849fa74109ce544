import { requireProject } from "../project/find-root.js";
import { resolveRef } from "../store/resolve-ref.js";
import { openStore } from "../store/store.js";
import { type ArtifactShowData, artifactShowData, renderArtifacts } from "../views/artifact.js";
import { colours, terminalWidth, useColour } from "../views/format.js";
import { type JobShowData, jobShowData, renderJob } from "../views/job.js";
import type { QueryOutput } from "./output.js";

export function showQuery(ref: string | undefined, out: QueryOutput): JobShowData | ArtifactShowData {
  const project = requireProject(process.cwd());
  const store = openStore(project, { readonly: true });
  try {
    const target = resolveRef(store, project, ref, process.cwd());
    const c = colours(useColour());
    if (target.kind === "job") {
      const data = jobShowData(target.job, store.jobIO(target.job.id));
      if (!out.json) out.log(renderJob(data, c));
      return data;
    }
    const sizeOf = (hash: string) => store.findArtifacts(hash)[0]?.size ?? 0;
    const data =
      target.kind === "path"
        ? artifactShowData({ path: target.path }, store.jobsForPath(target.path), sizeOf)
        : artifactShowData(
            { hash: target.artifacts[0]!.hash },
            store.jobsForHash(target.artifacts[0]!.hash),
            sizeOf,
            target.artifacts,
          );
    if (!out.json) out.log(renderArtifacts(data, c, terminalWidth()));
    return data;
  } finally {
    store.close();
  }
}
