import path from "node:path";
import { describe, expect, it } from "vitest";
import { preloadLibraryPath } from "./library-path.js";
import { LOG_DIR_VARIABLE, preloadEnv } from "./preload-env.js";

describe("preloadEnv", () => {
  const lib = preloadLibraryPath()!;

  it("finds the library built for this platform inside the package", () => {
    expect(lib).toMatch(/\/lib\/linux-[a-z0-9]+-(glibc|musl)\/libroar_preload\.so$/);
  });

  it("puts our library first, keeps the user's preloads, and sets an absolute log dir", () => {
    const env = { PATH: "/usr/bin", LD_PRELOAD: "/opt/a.so /opt/b.so" };
    const out = preloadEnv("relative/logs", env);
    expect(out.LD_PRELOAD).toBe(`${lib}:/opt/a.so:/opt/b.so`);
    expect(out[LOG_DIR_VARIABLE]).toBe(path.resolve("relative/logs"));
    expect(out.PATH).toBe("/usr/bin");
    expect(env).toEqual({ PATH: "/usr/bin", LD_PRELOAD: "/opt/a.so /opt/b.so" }); // input untouched
  });

  it("never lists our library twice (nested roar runs)", () => {
    const once = preloadEnv("/tmp/x", {});
    expect(once.LD_PRELOAD).toBe(lib);
    expect(preloadEnv("/tmp/y", { LD_PRELOAD: `/opt/a.so:${lib}` }).LD_PRELOAD).toBe(`${lib}:/opt/a.so`);
  });
});
