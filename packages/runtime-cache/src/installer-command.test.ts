import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chooseInstaller, installerCommand, installerEnv } from "./installer-command.js";
import { tmpDir } from "./test-utils/pythons.js";

const userEnv = {
  PATH: "/usr/bin",
  HOME: "/home/u",
  PIP_INDEX_URL: "https://mirror.example/simple",
  UV_INDEX_URL: "https://mirror.example/simple",
  SSL_CERT_FILE: "/etc/ssl/corp.pem",
  PYTHONPATH: "/opt/roar/python-shim:/home/u/lib",
  ROAR_WRAP: "1",
  ROAR_SHARD_DIR: "/tmp/shards",
  ROAR_SHIM_DIR: "/opt/roar/python-shim",
  ROAR_RUNTIME_PYTHONPATH: "/c/roar/runtime/k/site-packages",
};

describe("installerCommand", () => {
  it("runs uv against the target interpreter with exactly these arguments", () => {
    const command = installerCommand({
      installer: { name: "uv", path: "/usr/local/bin/uv" },
      python: "/envs/a/bin/python",
      target: "/c/.tmp-k-1-x/site-packages",
      source: { kind: "wheelhouse", dirs: ["/opt/roar/wheelhouse", "/extra"] },
      requirement: "roar-runtime",
      env: userEnv,
      shimDirs: ["/opt/roar/python-shim"],
    });
    expect(command.file).toBe("/usr/local/bin/uv");
    expect(command.args).toEqual([
      "pip",
      "install",
      "--target",
      "/c/.tmp-k-1-x/site-packages",
      "--python",
      "/envs/a/bin/python",
      "--no-deps",
      "--link-mode",
      "copy",
      "--quiet",
      "--no-index",
      "--only-binary",
      ":all:",
      "--find-links",
      "/opt/roar/wheelhouse",
      "--find-links",
      "/extra",
      "roar-runtime",
    ]);
    // roar's variables and its shim are gone; the user's mirrors and certificates are kept.
    expect(command.env).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/u",
      PIP_INDEX_URL: "https://mirror.example/simple",
      UV_INDEX_URL: "https://mirror.example/simple",
      SSL_CERT_FILE: "/etc/ssl/corp.pem",
      PYTHONPATH: "/home/u/lib",
    });
  });

  it("gives uv a configured index, and a short network timeout for the default index", () => {
    const base = {
      installer: { name: "uv", path: "/bin/uv" } as const,
      python: "/p",
      target: "/t",
      requirement: "roar-runtime",
      env: { PATH: "/bin" },
      shimDirs: [],
    };
    const configured = installerCommand({
      ...base,
      source: { kind: "configured", findLinks: ["/w"], indexUrl: "https://i/simple" },
    });
    expect(configured.args.slice(10)).toEqual([
      "--find-links",
      "/w",
      "--index-url",
      "https://i/simple",
      "roar-runtime",
    ]);
    const linksOnly = installerCommand({
      ...base,
      source: { kind: "configured", findLinks: ["/w"], indexUrl: null },
    });
    expect(linksOnly.args.slice(10)).toEqual(["--find-links", "/w", "--no-index", "roar-runtime"]);
    const fallback = installerCommand({ ...base, source: { kind: "default-index" } });
    expect(fallback.args.slice(10)).toEqual(["--only-binary", ":all:", "roar-runtime"]);
    expect(fallback.env).toEqual({ PATH: "/bin", UV_HTTP_TIMEOUT: "10" });
    const userTimeout = installerCommand({
      ...base,
      env: { UV_HTTP_TIMEOUT: "99" },
      source: { kind: "default-index" },
    });
    expect(userTimeout.env.UV_HTTP_TIMEOUT).toBe("99");
  });

  it("runs the target interpreter's own pip (never one on PATH), offline for the wheelhouse", () => {
    const command = installerCommand({
      installer: { name: "pip" },
      python: "/envs/a/bin/python",
      target: "/t",
      source: { kind: "wheelhouse", dirs: ["/w"] },
      requirement: "roar-runtime",
      env: userEnv,
      shimDirs: [],
    });
    expect(command.file).toBe("/envs/a/bin/python");
    expect(command.args).toEqual([
      "-m",
      "pip",
      "install",
      "--target",
      "/t",
      "--no-deps",
      "--disable-pip-version-check",
      "--no-warn-script-location",
      "--no-input",
      "--progress-bar",
      "off",
      "--quiet",
      "--no-index",
      "--only-binary",
      ":all:",
      "--find-links",
      "/w",
      "roar-runtime",
    ]);
    expect(command.env.PIP_INDEX_URL).toBe("https://mirror.example/simple");
    expect(command.env.PYTHONPATH).toBe("/home/u/lib"); // ROAR_SHIM_DIR is recognised even when not passed
    expect(Object.keys(command.env).filter((k) => k.startsWith("ROAR_"))).toEqual([]);
  });

  it("bounds pip's default-index attempt and builds source without fetching", () => {
    const base = {
      installer: { name: "pip" } as const,
      python: "/p",
      target: "/t",
      requirement: "roar-runtime",
      env: {},
      shimDirs: [],
    };
    expect(installerCommand({ ...base, source: { kind: "default-index" } }).args.slice(12)).toEqual([
      "--only-binary",
      ":all:",
      "--retries",
      "1",
      "--timeout",
      "10",
      "roar-runtime",
    ]);
    expect(
      installerCommand({ ...base, source: { kind: "source", path: "/src/roar-runtime" } }).args.slice(12),
    ).toEqual(["--no-index", "--no-build-isolation", "/src/roar-runtime"]);
  });
});

describe("installerEnv", () => {
  it("drops PYTHONPATH entirely when the shim was its only entry", () => {
    expect(installerEnv({ PYTHONPATH: "/s", A: "1" }, ["/s"])).toEqual({ A: "1" });
  });
});

describe("chooseInstaller", () => {
  it("prefers uv on PATH for auto, falls back to pip, and refuses uv when it is missing", () => {
    const bin = tmpDir("bin");
    const noUv = { PATH: tmpDir("empty-bin") };
    expect(chooseInstaller("auto", noUv)).toEqual({ installer: { name: "pip" } });
    expect(chooseInstaller("uv", noUv)).toMatchObject({ error: expect.stringMatching(/uv is not on PATH/) });
    fs.writeFileSync(path.join(bin, "uv"), "#!/bin/sh\n", { mode: 0o755 });
    expect(chooseInstaller("auto", { PATH: bin })).toEqual({
      installer: { name: "uv", path: path.join(bin, "uv") },
    });
    expect(chooseInstaller("pip", { PATH: bin })).toEqual({ installer: { name: "pip" } });
  });
});
