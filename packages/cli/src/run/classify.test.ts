import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyEvents } from "./classify.js";
import type { FileEvent } from "./events.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "roar-classify-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const p = (name: string) => path.join(root, name);
const put = (name: string) => fs.writeFileSync(p(name), name);
const noNoise = () => false;
const ev = (op: FileEvent["op"], name: string, dest?: string): FileEvent =>
  dest ? { pid: 1, op, path: p(name), dest: p(dest) } : { pid: 1, op, path: p(name) };

describe("classifyEvents", () => {
  it("read → input, written → output, read then written → both, written then read → output", async () => {
    for (const f of ["in", "out", "rw", "wr"]) put(f);
    const got = await classifyEvents(
      [
        ev("read", "in"),
        ev("write", "out"),
        ev("read", "rw"),
        ev("write", "rw"),
        ev("write", "wr"),
        ev("read", "wr"),
      ],
      noNoise,
      { projectRoot: root },
    );
    expect(got.inputs).toEqual([p("in"), p("rw")]);
    expect(got.outputs).toEqual([p("out"), p("rw"), p("wr")]);
    expect(got.readWrite).toEqual([p("rw")]);
  });

  it("records a temp file renamed into place under its final name, and no deleted file", async () => {
    put("final");
    put("scratch");
    const got = await classifyEvents(
      [
        ev("write", "final.tmp"),
        ev("rename", "final.tmp", "final"),
        ev("write", "scratch"),
        ev("delete", "scratch"),
      ],
      noNoise,
      { projectRoot: root },
    );
    expect(got.outputs).toEqual([p("final")]);
    expect(got.inputs).toEqual([]);
  });

  it("drops directories, noise, and notes written files that vanished", async () => {
    fs.mkdirSync(p("adir"), { recursive: true });
    put("noisy");
    const got = await classifyEvents(
      [ev("read", "adir"), ev("read", "noisy"), ev("write", "never-there")],
      (q) => q.endsWith("noisy"),
      { projectRoot: root },
    );
    expect(got.inputs).toEqual([]);
    expect(got.outputs).toEqual([]);
    expect(got.notes.join("\n")).toContain("never-there");
  });
});
