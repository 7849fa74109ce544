import { describe, expect, it } from "vitest";
import { runEnv } from "./run-env.js";

describe("runEnv", () => {
  it("puts the shim first on PYTHONPATH, keeps the user's entries after it, and arms the shim", () => {
    const env = runEnv(
      { PATH: "/bin", PYTHONPATH: "/mine:/other", ROAR_GATE_WARNED: "1" },
      {
        shimDir: "/shim",
        shardDir: "/s",
        jobId: "abc",
        runtimePath: "/rt/site-packages",
        runtimeExpected: true,
      },
    );
    expect(env).toEqual({
      PATH: "/bin",
      PYTHONPATH: "/shim:/mine:/other",
      ROAR_WRAP: "1",
      ROAR_SHARD_DIR: "/s",
      ROAR_JOB_ID: "abc",
      ROAR_SHIM_DIR: "/shim",
      ROAR_RUNTIME_PYTHONPATH: "/rt/site-packages",
      ROAR_RUNTIME_EXPECTED: "1",
    });
  });
  it("sets no runtime variables when there is no runtime", () => {
    const env = runEnv(
      {},
      { shimDir: "/shim", shardDir: "/s", jobId: "j", runtimePath: null, runtimeExpected: false },
    );
    expect(env.PYTHONPATH).toBe("/shim");
    expect(env.ROAR_RUNTIME_PYTHONPATH).toBeUndefined();
    expect(env.ROAR_RUNTIME_EXPECTED).toBeUndefined();
  });
  it("drops an outer roar's ROAR_FILE_AUDIT: each job's tracer decides", () => {
    const env = runEnv(
      { ROAR_FILE_AUDIT: "0" },
      { shimDir: "/shim", shardDir: "/s", jobId: "j", runtimePath: null, runtimeExpected: false },
    );
    expect(env.ROAR_FILE_AUDIT).toBeUndefined();
  });
});
