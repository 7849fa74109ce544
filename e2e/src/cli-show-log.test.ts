// `roar show` and `roar log` through the built CLI, on a store filled with the store's own
// recordJob (what `roar run` calls), in a real project directory.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cliDist, expectNoStack, requireBuiltCli, roar, tmpDir } from "./cli-helpers.js";

let dir = "";
const uids = { prep: "a1b2c3d4e5f6", train1: "b00000000001", train2: "b00000000002", eval: "c0ffee000001" };
const H = {
  raw: "1".repeat(64),
  data: "2".repeat(64),
  model1: "3".repeat(64),
  model2: "4".repeat(64),
  metrics: "5".repeat(64),
};

beforeAll(async () => {
  requireBuiltCli();
  dir = tmpDir();
  expect(roar(["init"], dir).code).toBe(0);
  const { openStore } = await import(path.join(cliDist, "store", "store.js"));
  const { projectAt } = await import(path.join(cliDist, "project", "find-root.js"));
  const store = openStore(projectAt(dir));
  const py = (pid: number, ppid: number) => ({
    pid,
    ppid,
    argv: ["train.py"],
    executable: "/root/.pyenv/versions/3.12.1/bin/python3.12",
    version: "3.12.1",
    implementation: "CPython",
    abiTag: "cp312",
    extSuffix: ".cpython-312-x86_64-linux-gnu.so",
    prefix: "/root/.pyenv/versions/3.12.1",
    basePrefix: "/root/.pyenv/versions/3.12.1",
    virtualEnv: false,
    auditBackend: "native",
    gate: { outcome: "native", reason: null },
  });
  const base = {
    name: null,
    cwd: dir,
    durationMs: 1500,
    exitCode: 0,
    signal: null,
    git: { commit: "0123456789abcdef0123456789abcdef01234567", branch: "main", dirty: true },
    tracer: { backend: "python", blindSpots: ["native (C-level) file I/O"], notes: [] },
    pythons: [py(100, 1)],
    packages: [{ name: "numpy", version: "1.26.4" }],
    readWrite: [],
    os: { platform: "linux", release: "6.1.0", arch: "x64" },
  };
  const t0 = Date.now() - 3_600_000;
  store.recordJob({
    ...base,
    uid: uids.prep,
    argv: ["python3", "prep.py"],
    command: "python3 prep.py",
    startedAt: t0,
    inputs: [{ path: "raw.csv", hash: H.raw, size: 10_000 }],
    outputs: [{ path: "data.csv", hash: H.data, size: 2048 }],
  });
  for (const [uid, hash, at] of [
    [uids.train1, H.model1, t0 + 60_000],
    [uids.train2, H.model2, t0 + 120_000],
  ] as const) {
    store.recordJob({
      ...base,
      uid,
      argv: ["/usr/bin/python3", "train.py", "--epochs", "3"],
      command: "python3 train.py --epochs 3",
      startedAt: at,
      durationMs: 754_000,
      pythons: [py(200, 1), py(201, 200), py(202, 200), py(203, 200)],
      packages: [
        { name: "numpy", version: "1.26.4" },
        { name: "torch", version: "2.3.0" },
      ],
      inputs: [{ path: "data.csv", hash: H.data, size: 2048 }],
      outputs: [{ path: "model.pt", hash, size: 5 * 1024 * 1024 }],
    });
  }
  store.recordJob({
    ...base,
    uid: uids.eval,
    argv: ["python3", "eval.py"],
    command: "python3 eval.py",
    startedAt: t0 + 180_000,
    exitCode: null,
    signal: "SIGINT",
    tracer: { backend: "python", blindSpots: [], notes: ["shard-1.json was unreadable and was skipped"] },
    inputs: [
      { path: "model.pt", hash: H.model2, size: 5 * 1024 * 1024 },
      { path: "metrics.json", hash: H.metrics, size: 10 },
    ],
    outputs: [{ path: "metrics.json", hash: H.raw, size: 10_000 }],
    readWrite: ["metrics.json"],
  });
  store.close();
});

describe("roar log", () => {
  it("lists jobs newest last in aligned columns, marking superseded runs", () => {
    const r = roar(["log"], dir);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^@1 {4}a1b2c3d4 {2}1 h ago +1\.50s {2}Success {10}python3 prep\.py$/);
    expect(lines[1]).toMatch(/^\(@2\) {2}b0000000 .* 12m34s {2}Success {10}python3 train\.py --epochs 3$/);
    expect(lines[2]).toMatch(/^@2 {4}b0000000 /);
    expect(lines[3]).toMatch(/ Killed \(SIGINT\) {2}python3 eval\.py$/);
    expect(lines[4]).toBe("(@N): an older run, superseded by a later run of the same step");
    // Columns line up: the command starts at the same offset on every job line.
    const offsets = lines.slice(0, 4).map((l) => l.indexOf("python3"));
    expect(new Set(offsets).size).toBe(1);
  });

  it("-n keeps the newest, and --json has the documented shape", () => {
    expect(roar(["log", "-n", "1"], dir).stdout).toMatch(/^… 3 older jobs \(roar log -n 4\)\n@3 +c0ffee00 /);
    const r = roar(["log", "--json"], dir);
    const data = JSON.parse(r.stdout);
    expect(data.total).toBe(4);
    expect(data.jobs.map((j: { uid: string }) => j.uid)).toEqual([
      uids.prep,
      uids.train1,
      uids.train2,
      uids.eval,
    ]);
    expect(data.jobs[3]).toEqual({
      step: 3,
      uid: uids.eval,
      current: true,
      name: null,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      durationMs: 1500,
      status: "killed",
      exitCode: null,
      signal: "SIGINT",
      command: "python3 eval.py",
    });
    expect(data.jobs[1].current).toBe(false);
  });
});

describe("roar show", () => {
  it("shows the latest job by default, with its environment and files", () => {
    const r = roar(["show"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Job @3  ${uids.eval}`);
    expect(r.stdout).toMatch(/Status: +Killed \(SIGINT\)/);
    expect(r.stdout).toMatch(
      /Python: +Python 3\.12\.1 \(CPython, cp312\) {2}\/root\/\.pyenv\/versions\/3\.12\.1\/bin\/python3\.12 {2}pid 100/,
    );
    expect(r.stdout).toMatch(/metrics\.json +10 B +555555555555 +read-write/);
    expect(r.stdout).toContain("Notes\n  - shard-1.json was unreadable and was skipped");
  });

  it("groups identical Python processes of a worker tree and lists packages", () => {
    const r = roar(["show", "@2"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Job @2  ${uids.train2}`);
    expect(r.stdout).toMatch(/Status: +Success/);
    expect(r.stdout).toMatch(/Git: +0123456789ab \(main\) dirty/);
    expect(r.stdout).toMatch(/Duration: +12m34s/);
    expect(r.stdout).toContain("×4 (pids 200, 201, 202, 203)");
    expect(r.stdout).toMatch(/audit hook: native/);
    expect(r.stdout).toMatch(/Tracer: +python\n +cannot see: native \(C-level\) file I\/O/);
    expect(r.stdout).toContain("Packages: numpy==1.26.4, torch==2.3.0");
    expect(r.stdout).toMatch(/Inputs \(1\)\n {2}data\.csv +2\.0 KiB +222222222222/);
    expect(r.stdout).toMatch(/Outputs \(1\)\n {2}model\.pt +5\.0 MiB +444444444444/);
  });

  it("finds jobs by uid prefix and old runs by uid, and says when a run was superseded", () => {
    expect(roar(["show", "a1b2"], dir).stdout).toContain(`Job @1  ${uids.prep}`);
    const old = roar(["show", uids.train1], dir);
    expect(old.stdout).toContain(`Job @2  ${uids.train1}  (superseded by ${uids.train2})`);
    const json = JSON.parse(roar(["show", uids.train1, "--json"], dir).stdout);
    expect(json).toMatchObject({ kind: "job", job: { step: 2, current: false, supersededBy: uids.train2 } });
    expect(json.job.pythons).toEqual([
      expect.objectContaining({ version: "3.12.1", abiTag: "cp312", count: 4, pids: [200, 201, 202, 203] }),
    ]);
  });

  it("shows a path with every recorded version and the jobs that wrote and read it", () => {
    const r = roar(["show", "model.pt"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^model\.pt {2}\(2 versions recorded, newest first\)\n\n {2}444444444444 {2}5\.0 MiB\n/,
    );
    expect(r.stdout).toMatch(/written by +@2 +b0000000 .*python3 train\.py --epochs 3/);
    expect(r.stdout).toMatch(/read by +@3 +c0ffee00/);
    expect(r.stdout).toMatch(/333333333333 {2}5\.0 MiB\n +written by +\(@2\) +b0000000/);
    const json = JSON.parse(roar(["show", "model.pt", "--json"], dir).stdout);
    expect(json.kind).toBe("artifact");
    expect(json.artifacts.map((a: { hash: string }) => a.hash)).toEqual([H.model2, H.model1]);
  });

  it("shows an artifact by hash prefix", () => {
    const r = roar(["show", "2222", "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.artifacts).toHaveLength(1);
    expect(json.artifacts[0]).toMatchObject({ hash: H.data, size: 2048, paths: ["data.csv"] });
    expect(json.artifacts[0].producedBy.map((j: { step: number }) => j.step)).toEqual([1]);
    expect(json.artifacts[0].consumedBy.map((j: { uid: string }) => j.uid)).toEqual([
      uids.train1,
      uids.train2,
    ]);
  });

  it("says exactly what is missing, exit 1, no stack trace", () => {
    const missing = roar(["show", "@99"], dir);
    expect(missing).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "roar: No job @99 (latest is @3)\n  hint: roar log lists the recorded jobs\n",
    });
    const ambiguous = roar(["show", "b0000"], dir);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toBe(
      `roar: 'b0000' matches 2 jobs or files\n  hint: use a longer prefix: ${uids.train1} (@2), ${uids.train2} (@2)\n`,
    );
    const nothing = roar(["show", "no-such-thing.txt"], dir);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^roar: No job, file or hash matches 'no-such-thing.txt'\n/);
    for (const r of [missing, ambiguous, nothing]) expectNoStack(r);
  });
});
