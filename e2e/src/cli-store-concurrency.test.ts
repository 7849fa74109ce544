// Several roar processes recording into one brand-new project at once (a pipeline launched with
// `make -j`): every job must land, with distinct step numbers, and migrations must run once.
import { spawn } from "node:child_process";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { cliDist, requireBuiltCli, roar, tmpDir } from "./cli-helpers.js";

beforeAll(requireBuiltCli);

function recordInChild(root: string, n: number): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const { openStore } = await import(${JSON.stringify(path.join(cliDist, "store", "store.js"))});
    const { projectAt } = await import(${JSON.stringify(path.join(cliDist, "project", "find-root.js"))});
    const store = openStore(projectAt(${JSON.stringify(root)}));
    store.recordJob({
      uid: "c${n}".padEnd(12, "0"), name: null, argv: ["python3", "step${n}.py"], command: "python3 step${n}.py",
      cwd: ${JSON.stringify(root)}, startedAt: Date.now(), durationMs: 1, exitCode: 0, signal: null,
      git: { commit: null, branch: null, dirty: null }, tracer: { backend: "python", blindSpots: [], notes: [] },
      pythons: [], packages: [], readWrite: [], os: { platform: "linux", release: "", arch: "x64" },
      inputs: [{ path: "step${n}.py", hash: "a".repeat(64), size: 1 }],
      outputs: [{ path: "out${n}.csv", hash: "${n}".repeat(64), size: ${n} }],
    });
    store.close();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

it("records jobs from concurrent processes into a new project", async () => {
  const root = tmpDir();
  (await import("node:fs")).mkdirSync(path.join(root, ".roar"));
  const results = await Promise.all([1, 2, 3, 4].map((n) => recordInChild(root, n)));
  for (const r of results) expect(r.code, r.stderr).toBe(0);
  const log = JSON.parse(roar(["log", "--json"], root).stdout) as { jobs: { step: number }[] };
  expect(log.jobs.map((j) => j.step).sort()).toEqual([1, 2, 3, 4]);
});
