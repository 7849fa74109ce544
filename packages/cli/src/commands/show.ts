import { Args } from "@oclif/core";
import { RoarCommand } from "../base-command.js";
import { showQuery } from "../query/show.js";
import type { ArtifactShowData } from "../views/artifact.js";
import type { JobShowData } from "../views/job.js";

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
    return showQuery(args.ref, { json: this.jsonEnabled(), log: (text) => this.log(text) });
  }
}
