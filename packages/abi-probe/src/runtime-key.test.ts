import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ProbeOutputError } from "./errors.js";
import { identityFromProbeOutput } from "./identity-from-probe.js";
import { runtimeKey } from "./runtime-key.js";

// Recorded probe outputs of interpreters this machine does not have (see the file for which).
const outputs: Record<string, Record<string, unknown>> = JSON.parse(
  fs.readFileSync(new URL("./fixtures/probe-outputs.json", import.meta.url), "utf8"),
);
const identity = (name: string) => identityFromProbeOutput(outputs[name]);

describe("identity and runtimeKey from recorded probe outputs", () => {
  it.each([
    ["cp312-linux-x86_64-glibc", "cp312", "cp312", "cp312-cp312-linux_x86_64-glibc"],
    ["cp313t-linux-aarch64-musl", "cp313", "cp313t", "cp313-cp313t-linux_aarch64-musl"],
    ["cp313-linux-aarch64-musl", "cp313", "cp313", "cp313-cp313-linux_aarch64-musl"],
    ["cp313-linux-aarch64-glibc", "cp313", "cp313", "cp313-cp313-linux_aarch64-glibc"],
    ["cp313-linux-x86_64-glibc", "cp313", "cp313", "cp313-cp313-linux_x86_64-glibc"],
    ["cp312d-linux-x86_64-glibc", "cp312", "cp312d", "cp312-cp312d-linux_x86_64-glibc"],
    ["pypy310-linux-x86_64-glibc", "pp310", "pypy310_pp73", "pp310-pypy310_pp73-linux_x86_64-glibc"],
    ["cp312-darwin-arm64", "cp312", "cp312", "cp312-cp312-darwin_arm64"],
    ["cp311-linux-i686-glibc", "cp311", "cp311", "cp311-cp311-linux_i686-glibc"],
  ])("%s", (name, pythonTag, abiTag, key) => {
    const id = identity(name);
    expect([id.pythonTag, id.abiTag, id.runtimeKey]).toEqual([pythonTag, abiTag, key]);
    expect(id.runtimeKey).toMatch(/^[a-z0-9_.-]+$/);
  });

  it("separates every pair an extension cannot cross", () => {
    const pairs: Array<[string, string, string]> = [
      ["cp313-linux-aarch64-musl", "cp313t-linux-aarch64-musl", "GIL vs free-threaded (same cache_tag)"],
      ["cp312-linux-x86_64-glibc", "cp312d-linux-x86_64-glibc", "release vs debug"],
      ["cp313-linux-x86_64-glibc", "cp313-linux-aarch64-glibc", "x86_64 vs aarch64"],
      ["cp313-linux-aarch64-glibc", "cp313-linux-aarch64-musl", "glibc vs musl"],
      ["cp312-linux-x86_64-glibc", "cp313-linux-x86_64-glibc", "3.12 vs 3.13"],
      ["cp311-linux-x86_64-glibc", "cp311-linux-i686-glibc", "64-bit vs 32-bit build on one kernel"],
      ["cp312-linux-x86_64-glibc", "pypy310-linux-x86_64-glibc", "CPython vs PyPy"],
    ];
    for (const [a, b, why] of pairs) {
      expect(identity(a).runtimeKey, why).not.toBe(identity(b).runtimeKey);
    }
    expect(identity("cp313-linux-aarch64-musl").cacheTag).toBe(
      identity("cp313t-linux-aarch64-musl").cacheTag,
    );
  });

  it("gives a venv on a later patch release the key of its base", () => {
    const venv = identity("cp312-linux-x86_64-glibc-venv");
    expect(venv.isVirtualEnv).toBe(true);
    expect(venv.version).not.toBe(identity("cp312-linux-x86_64-glibc").version);
    expect(venv.runtimeKey).toBe(identity("cp312-linux-x86_64-glibc").runtimeKey);
  });

  it("is computable from a recorded identity's parts alone", () => {
    const id = identity("cp313t-linux-aarch64-musl");
    const { pythonTag, abiTag, platform, machine, libc } = id;
    expect(runtimeKey({ pythonTag, abiTag, platform, machine, libc })).toBe(id.runtimeKey);
    expect(
      runtimeKey({ ...id, platform: "win32", machine: "AMD64", libc: { family: "none", version: null } }),
    ).toBe("cp313-cp313t-win_amd64");
  });

  it("derives the ABI from flags when abiflags is missing (Windows builds)", () => {
    const { abiflags: _dropped, ...noFlags } = outputs["cp313t-linux-aarch64-musl"]!;
    expect(identityFromProbeOutput(noFlags).abiTag).toBe("cp313t");
  });

  it("names the field of a malformed output", () => {
    const broken = { ...outputs["cp312-linux-x86_64-glibc"], versionInfo: "3.12" };
    expect(() => identityFromProbeOutput(broken)).toThrow(ProbeOutputError);
    try {
      identityFromProbeOutput(broken);
    } catch (error) {
      expect((error as ProbeOutputError).field).toBe("versionInfo");
    }
    expect(() => identityFromProbeOutput("nope")).toThrow(/not a JSON object/);
    expect(() => identityFromProbeOutput({ ...outputs["cp312-linux-x86_64-glibc"], libc: "glibc" })).toThrow(
      expect.objectContaining({ field: "libc" }),
    );
  });
});
