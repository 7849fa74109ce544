import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readPreloadLogs } from "./read-logs.js";
import { tempDir } from "./test-utils/run-traced.js";

// Hand-written logs in the library's format, for the reader's edge cases; the interposer tests
// cover logs the real library writes.

function writeLog(dir: string, name: string, lines: string[], trailing = "\n"): void {
  fs.writeFileSync(path.join(dir, name), lines.join("\n") + trailing);
}

describe("readPreloadLogs", () => {
  it("skips a truncated last line (process killed mid-write) and keeps the rest", async () => {
    const dir = tempDir();
    writeLog(
      dir,
      "preload-10-aa.log",
      ["proc\t10\t1\tstart\t1\t/usr/bin/x\tx", "read\t10\t/data/in.csv", "write\t10\t/data/o"],
      "",
    );
    const logs = await readPreloadLogs(dir);
    expect(logs.events).toEqual([
      { pid: 10, op: "exec", path: "/usr/bin/x", argv: ["x"] },
      { pid: 10, op: "read", path: "/data/in.csv" },
    ]);
    expect(logs.errors).toEqual(["preload-10-aa.log: incomplete line skipped"]);
  });

  it("unescapes fields and normalises paths", async () => {
    const dir = tempDir();
    writeLog(dir, "preload-11-ab.log", [
      "read\t11\t/data/./a\\tb\\nc\\\\d",
      "rename\t11\t/d/x/../tmp\t/d/final",
    ]);
    const { events } = await readPreloadLogs(dir);
    expect(events).toEqual([
      { pid: 11, op: "read", path: "/data/a\tb\nc\\d" },
      { pid: 11, op: "rename", path: "/d/tmp", dest: "/d/final" },
    ]);
  });

  it("drops an exec that failed and resolves symlink targets against the link's directory", async () => {
    const dir = tempDir();
    writeLog(dir, "preload-12-ac.log", [
      "exec\t12\t1\t/usr/bin/missing\tmissing",
      "execfail\t12\t/usr/bin/missing",
      "symlink\t12\t../models/v3.pt\t/proj/current/model.pt",
      "exec\t12\t1\t/usr/bin/cat\tcat\tf",
    ]);
    const { events } = await readPreloadLogs(dir);
    expect(events).toEqual([
      { pid: 12, op: "symlink", path: "/proj/models/v3.pt", dest: "/proj/current/model.pt" },
      { pid: 12, op: "exec", path: "/usr/bin/cat", argv: ["cat", "f"] },
    ]);
  });

  it("reports one process per pid: its last image, its first parent", async () => {
    const dir = tempDir();
    writeLog(dir, "preload-20-01.log", [
      "proc\t20\t1\tstart\t100\t/usr/bin/env\tenv\tpython3",
      "exec\t20\t1\t/usr/bin/python3\tpython3",
    ]);
    writeLog(dir, "preload-20-02.log", [
      "proc\t20\t1\tstart\t200\t/usr/bin/python3.11\tpython3",
      "write\t20\t/o",
    ]);
    writeLog(dir, "preload-21-03.log", [
      "proc\t21\t20\tfork\t300\t/usr/bin/python3.11\tpython3",
      "write\t21\t/p",
    ]);
    const logs = await readPreloadLogs(dir);
    expect(logs.processes).toEqual([
      { pid: 20, ppid: 1, exe: "/usr/bin/python3.11", argv: ["python3"] },
      { pid: 21, ppid: 20, exe: "/usr/bin/python3.11", argv: ["python3"] },
    ]);
    // env's image was never exec'd by a traced parent (it is the job's command): announced by its log
    expect(logs.events.filter((e) => e.op === "exec").map((e) => e.path)).toEqual([
      "/usr/bin/env",
      "/usr/bin/python3",
    ]);
  });

  it("knows a process by its exec or spawn line alone, and keeps a spawned child's own exec", async () => {
    const dir = tempDir();
    const body = Buffer.from(
      [
        "proc\t50\t1\tstart\t0\t/usr/bin/bash\tbash",
        "exec\t51\t50\t/bin/true\t/bin/true",
        // 52 was spawned by 50, exec'd env before 50 logged the spawn
        "exec\t52\t50\t/usr/bin/env\tenv\tcat",
        "proc\t52\t50\tstart\t0\t/usr/bin/cat\tcat",
        "spawn\t52\t50\t/usr/bin/env\tenv\tcat",
        "",
      ].join("\n"),
    );
    const file = Buffer.alloc(64 + body.length);
    file.writeBigUInt64LE(0x0031504c52414f52n, 0);
    file.writeBigUInt64LE(BigInt(body.length), 8);
    body.copy(file, 64);
    fs.writeFileSync(path.join(dir, "preload.log"), file);
    const logs = await readPreloadLogs(dir);
    expect(logs.processes).toEqual([
      { pid: 50, ppid: 1, exe: "/usr/bin/bash", argv: ["bash"] },
      { pid: 51, ppid: 50, exe: fs.realpathSync("/bin/true"), argv: ["/bin/true"] },
      { pid: 52, ppid: 50, exe: "/usr/bin/cat", argv: ["cat"] },
    ]);
    expect(logs.events.filter((e) => e.op === "exec").map((e) => [e.pid, e.path])).toEqual([
      [50, "/usr/bin/bash"],
      [51, "/bin/true"],
      [52, "/usr/bin/env"],
      [52, "/usr/bin/cat"],
      [52, "/usr/bin/env"],
    ]);
    expect(logs.errors).toEqual([]);
  });

  it("reads only the written part of the shared log and reports dropped events", async () => {
    const dir = tempDir();
    const body = Buffer.from("read\t40\t/in\n\0\0\0write\t40\t/par\0\0write\t41\t/out\n");
    const file = Buffer.alloc(64 + body.length + 4096); // the tail past `used` is never read
    file.writeBigUInt64LE(0x0031504c52414f52n, 0);
    file.writeBigUInt64LE(BigInt(body.length), 8);
    file.writeBigUInt64LE(3n, 24);
    body.copy(file, 64);
    file.write("read\t99\t/beyond-used\n", 64 + body.length);
    fs.writeFileSync(path.join(dir, "preload.log"), file);
    const logs = await readPreloadLogs(dir);
    expect(logs.events).toEqual([
      { pid: 40, op: "read", path: "/in" },
      { pid: 41, op: "write", path: "/out" },
    ]);
    expect(logs.errors).toEqual([
      "preload.log: incomplete line skipped",
      "preload.log: 3 events dropped (log or disk full)",
    ]);
  });

  it("ignores other files, reports malformed lines, and survives a missing directory", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "notes.txt"), "garbage\n");
    writeLog(dir, "preload-30-ff.log", ["bogus\t30\t/x", "read\tnotapid\t/x", "read\t30\t/ok"]);
    const logs = await readPreloadLogs(dir);
    expect(logs.events).toEqual([{ pid: 30, op: "read", path: "/ok" }]);
    expect(logs.errors).toHaveLength(2);
    const missing = await readPreloadLogs(path.join(dir, "absent"));
    expect(missing.events).toEqual([]);
    expect(missing.errors[0]).toMatch(/cannot read/);
  });
});
