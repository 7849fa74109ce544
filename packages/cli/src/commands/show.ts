import { Args } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import { requireProject } from "../project/find-root.js";
import { resolveRef } from "../store/resolve-ref.js";
import { openStore } from "../store/store.js";
import { type ArtifactShowData, artifactShowData, renderArtifacts } from "../views/artifact.js";
import { colours, terminalWidth, useColour } from "../views/format.js";
import { type JobShowData, jobShowData, renderJob } from "../views/job.js";

export default class Show extends RoarCommand {
  static override description =
    "Show a job (what ran, the Python and packages it used, what it read and wrote) or a file (which jobs " +
    "wrote and read each recorded version). REF is @N, a job uid (or unique prefix), a content-hash prefix, " +
    "or a path; default: the latest job.\n" +
    "JSON: a job is { kind: 'job', job: { uid, step, name, current, supersededBy, startedAt, durationMs, status, " +
    "exitCode, signal, command, argv, cwd, git, os, tracer: { backend, blindSpots, notes }, pythons: [{ version, " +
    "implementation, abiTag, executable, auditBackend, gate, virtualEnv, count, pids }], packages, inputs, outputs: " +
    "[{ path, hash, size, readWrite }] } }; a file is { kind: 'artifact', query, artifacts: [{ hash, size, paths, " +
    "producedBy, consumedBy: [{ step, uid, current, path, command, startedAt, status }] }] }.";
  static override examples = [
    "<%= config.bin %> show",
    "<%= config.bin %> show @2",
    "<%= config.bin %> show model.pt",
    "<%= config.bin %> show 3fa9c1 --json",
  ];
  static override enableJsonFlag = true;
  static override args = {
    ref: Args.string({ required: false, description: "@N, job uid, hash prefix or path." }),
  };

  async run(): Promise<JobShowData | ArtifactShowData> {
    const { args } = await this.parse(Show);
    const project = requireProject(process.cwd());
    const store = openStore(project, { readonly: true });
    try {
      const target = resolveRef(store, project, args.ref, process.cwd());
      const c = colours(useColour());
      if (target.kind === "job") {
        const data = jobShowData(target.job, store.jobIO(target.job.id));
        if (!this.jsonEnabled()) this.log(renderJob(data, c));
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
      if (!this.jsonEnabled()) this.log(renderArtifacts(data, c, terminalWidth()));
      return data;
    } finally {
      store.close();
    }
  }
}
