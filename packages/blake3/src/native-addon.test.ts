import { execFileSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { addonPath, addonTag } from "./addon-path.js";

function hasCompiler(): boolean {
  try {
    execFileSync(process.env.CC || "cc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("nativeStatus", () => {
  it.skipIf(!hasCompiler())("is active once the addon was built, and says what it runs", async () => {
    vi.resetModules();
    const { nativeStatus } = await import("./native-addon.js");
    expect(nativeStatus()).toMatchObject({ active: true, path: addonPath(), blake3: "1.3.1" });
    const status = nativeStatus();
    if (status.active) {
      expect([1, 4, 8, 16]).toContain(status.simdDegree);
      expect(status.threads).toBeGreaterThanOrEqual(1);
    }
  });

  it("is inactive, with the reason, when ROAR_BLAKE3_NATIVE=0", async () => {
    vi.resetModules();
    vi.stubEnv("ROAR_BLAKE3_NATIVE", "0");
    try {
      const { nativeStatus } = await import("./native-addon.js");
      const { hashFile } = await import("./hash-file.js");
      expect(nativeStatus()).toEqual({ active: false, reason: "disabled by ROAR_BLAKE3_NATIVE=0" });
      // And hashing still works, through the fallback.
      expect((await hashFile(addonPath())).size).toBeGreaterThan(0);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it("names the platform, arch and libc the addon must match", () => {
    if (process.platform === "linux")
      expect(addonTag()).toMatch(new RegExp(`^linux-${process.arch}-(glibc|musl)$`));
    else expect(addonTag()).toBe(`${process.platform}-${process.arch}`);
    expect(addonPath()).toContain(`/lib/${addonTag()}/roar_blake3.node`);
  });
});
