import { describe, expect, it } from "vitest";
import { parseFindLinks, resolveInstallMode } from "./install-mode.js";

describe("resolveInstallMode", () => {
  it("uses config, and lets ROAR_RUNTIME_INSTALL override it case-insensitively", () => {
    expect(resolveInstallMode(undefined, {})).toEqual({ mode: "auto", source: "default" });
    expect(resolveInstallMode("skip", {})).toEqual({ mode: "skip", source: "config" });
    expect(resolveInstallMode("skip", { ROAR_RUNTIME_INSTALL: "AUTO" })).toEqual({
      mode: "auto",
      source: "env",
    });
    expect(resolveInstallMode("auto", { ROAR_RUNTIME_INSTALL: " Skip " })).toEqual({
      mode: "skip",
      source: "env",
    });
    expect(resolveInstallMode("skip", { ROAR_RUNTIME_INSTALL: "" })).toEqual({
      mode: "skip",
      source: "config",
    });
  });

  it("warns about an unknown value and falls back to auto", () => {
    const resolved = resolveInstallMode("skip", { ROAR_RUNTIME_INSTALL: "never" });
    expect(resolved.mode).toBe("auto");
    expect(resolved.warning).toBe('ROAR_RUNTIME_INSTALL="never" is not one of auto, skip; using auto');
  });
});

describe("parseFindLinks", () => {
  it("splits on os.pathsep and whitespace without breaking URLs", () => {
    expect(parseFindLinks("/a:/b  /c\n/d")).toEqual(["/a", "/b", "/c", "/d"]);
    expect(parseFindLinks("https://host:8080/wheels:/opt/w file:///x")).toEqual([
      "https://host:8080/wheels",
      "/opt/w",
      "file:///x",
    ]);
    expect(parseFindLinks("  ")).toEqual([]);
  });
});
