import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mergeShards } from "./merge-shards.js";
import { processTree } from "./process-tree.js";
import { fullShard, minimalShard, tempDir, writeShard } from "./test-utils/shards.js";

const dirs: string[] = [];
const dir = (): string => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A job: python3.12 (pid 100, child of the CLI 50) runs two 3.11 workers; one worker's shard is corrupt. */
function writeJob(d: string): void {
  writeShard(
    d,
    "shard-100-aaaa.json",
    fullShard({
      pid: 100,
      ppid: 50,
      started_at: 10,
      files: [
        { op: "read", path: "/p/data.csv", dest: null, count: 1 },
        { op: "write", path: "/p/split/a.csv", dest: null, count: 1 },
      ],
      packages: [
        { name: "numpy", version: "1.26.4" },
        { name: "PyYAML", version: "6.0.1" },
      ],
    }),
  );
  writeShard(
    d,
    "shard-102-cccc.json",
    minimalShard({
      pid: 102,
      ppid: 100,
      started_at: 11,
      files: [
        { op: "read", path: "/p/data.csv", count: 3 },
        { op: "rename", path: "/p/out.tmp", dest: "/p/out.bin" },
      ],
      packages: [{ name: "numpy", version: "2.0.1" }],
    }),
  );
  writeShard(
    d,
    "shard-101-bbbb.json",
    minimalShard({
      pid: 101,
      ppid: 100,
      started_at: 11,
      packages: [{ name: "pyyaml", version: "6.0.1" }],
    }),
  );
  writeShard(d, "shard-103-dddd.json", '{"schema_version": 1, "pid": 103, "ppid": 100, "argv": ["pyt');
  // Still being written (the shim writes a temp file, then renames it): must be ignored, not reported.
  writeShard(d, "shard-104-eeee.json.tmp", '{"schema_version": 1, "pid"');
  writeShard(d, "notes.txt", "not a shard");
}

describe("mergeShards", () => {
  it("merges every shard, skipping temp files and reporting a corrupt shard without failing", async () => {
    const d = dir();
    writeJob(d);
    const job = await mergeShards(d);

    expect(job.processes.map((p) => p.pid)).toEqual([100, 101, 102]); // started_at, then pid
    expect(job.errors).toEqual([
      {
        file: path.join(d, "shard-103-dddd.json"),
        problem: "truncated",
        message: expect.stringContaining("shard-103-dddd.json"),
      },
    ]);
    expect(job.roots).toEqual([100]);
  });

  it("unions file events over processes and keeps which pids saw each", async () => {
    const d = dir();
    writeJob(d);
    const job = await mergeShards(d);
    expect(job.files).toEqual([
      { op: "read", path: "/p/data.csv", dest: null, count: 4, pids: [100, 102] },
      { op: "write", path: "/p/split/a.csv", dest: null, count: 1, pids: [100] },
      { op: "read", path: "/data/in.txt", dest: null, count: 1, pids: [101] },
      { op: "rename", path: "/p/out.tmp", dest: "/p/out.bin", count: 1, pids: [102] },
    ]);
  });

  it("unions packages by name and flags one name imported at two versions", async () => {
    const d = dir();
    writeJob(d);
    const job = await mergeShards(d);
    expect(job.packages).toEqual([
      { name: "numpy", version: "1.26.4", pids: [100], conflict: true },
      { name: "numpy", version: "2.0.1", pids: [102], conflict: true },
      { name: "PyYAML", version: "6.0.1", pids: [100, 101], conflict: false },
    ]);
  });

  it("reports every interpreter that ran: a 3.12 parent and its 3.11 children", async () => {
    const d = dir();
    writeJob(d);
    const job = await mergeShards(d);
    expect(job.pythons).toEqual([
      {
        executable: "/usr/bin/python3.12",
        python_version: "3.12.1",
        python_implementation: "CPython",
        abi_tag: "cp312",
        pids: [100],
      },
      {
        executable: "/usr/bin/python3.11",
        python_version: "3.11.2",
        python_implementation: "CPython",
        abi_tag: "cp311",
        pids: [101, 102],
      },
    ]);
    expect(job.spawned).toEqual([
      {
        event: "subprocess.Popen",
        executable: "/usr/bin/python3.11",
        argv: ["python3.11", "eval.py"],
        pid: 100,
      },
    ]);
  });

  it("gives an empty job for a shard directory that was never created", async () => {
    const job = await mergeShards(path.join(dir(), "never"));
    expect(job).toMatchObject({ processes: [], files: [], errors: [], roots: [] });
  });
});

describe("processTree", () => {
  it("hangs each process under its parent", async () => {
    const d = dir();
    writeJob(d);
    writeShard(d, "shard-200-ffff.json", minimalShard({ pid: 200, ppid: 101, started_at: 12 }));
    const tree = processTree(await mergeShards(d));
    const draw = (n: (typeof tree.roots)[number]): unknown => [n.process.pid, n.children.map(draw)];
    expect(tree.roots.map(draw)).toEqual([
      [
        100,
        [
          [101, [[200, []]]],
          [102, []],
        ],
      ],
    ]);
    expect(tree.children.get(100)?.map((p) => p.pid)).toEqual([101, 102]);
  });

  it("puts a child under the image of an exec'ed pid that was running when it started", () => {
    const base = (o: Record<string, unknown>) => minimalShard(o) as never;
    const before = base({ pid: 10, ppid: 1, started_at: 1, exit: { how: "exec", code: null } });
    const after = base({ pid: 10, ppid: 1, started_at: 5 });
    const early = base({ pid: 11, ppid: 10, started_at: 2 });
    const late = base({ pid: 12, ppid: 10, started_at: 6 });
    const tree = processTree({ processes: [before, early, after, late] });
    expect(tree.roots.map((n) => [n.process.started_at, n.children.map((c) => c.process.pid)])).toEqual([
      [1, [11]],
      [5, [12]],
    ]);
  });

  it("still shows every process when recycled pids form a cycle", () => {
    const a = minimalShard({ pid: 7, ppid: 8, started_at: 1 }) as never;
    const b = minimalShard({ pid: 8, ppid: 7, started_at: 2 }) as never;
    const tree = processTree({ processes: [a, b] });
    expect(tree.roots.map((n) => [n.process.pid, n.children.map((c) => c.process.pid)])).toEqual([[7, [8]]]);
  });
});
