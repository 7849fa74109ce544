import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InjectLogError } from "./inject-log-error.js";
import { parseInjectLog, readInjectLog, readInjectLogSync } from "./read-inject-log.js";
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

async function problemOf(file: string): Promise<InjectLogError> {
  const error = await readInjectLog(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InjectLogError);
  return error as InjectLogError;
}

describe("readInjectLog", () => {
  it("returns a full valid shard unchanged", async () => {
    const shard = fullShard();
    const log = await readInjectLog(writeShard(dir(), "shard-1000-a.json", shard));
    expect(log).toEqual(shard);
  });

  it("fills defaults for a minimal shard from an older writer", async () => {
    const log = await readInjectLog(writeShard(dir(), "shard-2000-a.json", minimalShard()));
    expect(log.job_id).toBeNull();
    expect(log.cwd).toBeNull();
    expect(log.exit).toBeNull();
    expect(log.spawned).toEqual([]);
    expect(log.abi).toMatchObject({ extension_suffixes: [], soabi: null, debug: false, machine: null });
    expect(log.files[0]).toEqual({ op: "read", path: "/data/in.txt", dest: null, count: 1 });
    expect(log.capture).toEqual({
      audit_backend: "python",
      gate: { outcome: "no-runtime", reason: null },
      runtime_expected: false,
      runtime_path: null,
      sys_path_skipped: [],
      events_dropped: 0,
      errors: [],
    });
  });

  it("keeps fields it does not know, so a newer writer's extra optional fields survive", async () => {
    const log = await readInjectLog(writeShard(dir(), "s.json", minimalShard({ gpu: "A100" })));
    expect((log as unknown as Record<string, unknown>).gpu).toBe("A100");
  });

  it("gives each default its own array, so mutating one shard never changes another", () => {
    const a = parseInjectLog(JSON.stringify(minimalShard()));
    const b = parseInjectLog(JSON.stringify(minimalShard()));
    a.spawned.push({ event: "os.system", executable: null, argv: null });
    expect(b.spawned).toEqual([]);
  });

  it("rejects a truncated file as truncated, naming the file", async () => {
    const text = JSON.stringify(fullShard());
    const file = writeShard(dir(), "shard-1-cut.json", text.slice(0, Math.floor(text.length / 2)));
    const error = await problemOf(file);
    expect(error.problem).toBe("truncated");
    expect(error.path).toBe(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain("truncated");
  });

  it("rejects an empty file as truncated", async () => {
    expect((await problemOf(writeShard(dir(), "shard-e.json", ""))).problem).toBe("truncated");
  });

  it("rejects text that was never JSON as not-json", async () => {
    expect((await problemOf(writeShard(dir(), "shard-x.json", "pid=3 ok\n"))).problem).toBe("not-json");
    expect((await problemOf(writeShard(dir(), "shard-y.json", '{"pid": 3,, }'))).problem).toBe("not-json");
  });

  it("rejects wrong types as invalid and says where", async () => {
    const file = writeShard(
      dir(),
      "s.json",
      fullShard({ pid: "1000", files: [{ op: "chmod", path: "/x" }] }),
    );
    const error = await problemOf(file);
    expect(error.problem).toBe("invalid");
    expect(error.issues.map((i) => i.pointer)).toEqual(expect.arrayContaining(["/pid", "/files/0/op"]));
    expect(error.message).toContain("/pid must be integer");
    expect(error.message).toMatch(/\/files\/0\/op must be one of "read", "write"/);
  });

  it("rejects a shard missing a required field as invalid", async () => {
    const shard = fullShard();
    delete shard.executable;
    const error = await problemOf(writeShard(dir(), "s.json", shard));
    expect(error.problem).toBe("invalid");
    expect(error.details).toContain("must have required property 'executable'");
  });

  it("rejects JSON that is not an object as invalid", async () => {
    expect((await problemOf(writeShard(dir(), "s.json", "[1, 2]"))).problem).toBe("invalid");
  });

  it("rejects a shard from a newer schema with unsupported-version and says to upgrade", async () => {
    // A future writer may have renamed required fields: the version check comes before the schema.
    const error = await problemOf(writeShard(dir(), "s.json", { schema_version: 2, pid: 5, renamed: true }));
    expect(error.problem).toBe("unsupported-version");
    expect(error.message).toMatch(/schema_version 2.*reads up to 1.*upgrade roar/);
  });

  it("reports a missing file as unreadable", async () => {
    const file = path.join(dir(), "shard-gone.json");
    const error = await problemOf(file);
    expect(error.problem).toBe("unreadable");
    expect(error.message).toContain(file);
  });

  it("has a sync variant with the same behaviour", () => {
    const d = dir();
    expect(readInjectLogSync(writeShard(d, "ok.json", minimalShard())).exit).toBeNull();
    expect(() => readInjectLogSync(writeShard(d, "bad.json", "{"))).toThrow(
      expect.objectContaining({ problem: "truncated" }),
    );
  });
});
