import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/config.js";
import { shimDir, wheelhouseDir } from "../paths.js";
import { printRuntimeEvent, runtimeOptionsFromConfig } from "./runtime-options.js";

describe("runtimeOptionsFromConfig", () => {
  it("turns the defaults into an offline-first plan: shipped wheelhouse, then index, then shipped source", () => {
    const { options, warnings, mode } = runtimeOptionsFromConfig(defaultConfig(), {});
    expect(warnings).toEqual([]);
    expect(mode).toEqual({ mode: "auto", source: "default" });
    expect(options).toMatchObject({
      mode: "auto",
      wheelhouse: [wheelhouseDir()],
      findLinks: [],
      indexUrl: null,
      useDefaultIndex: true,
      sourceDirs: [`${shimDir()}/roar-runtime`],
      installer: "auto",
      timeoutMs: 180_000,
      shimDir: shimDir(),
    });
    expect(options.roarVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lets the environment override config, and warns about an unknown mode", () => {
    const config = defaultConfig();
    config.runtime.install = "skip";
    config.runtime.find_links = ["/from/config"];
    config.runtime.index_url = "https://config/simple";
    config.runtime.install_timeout = 30;
    const env = {
      ROAR_RUNTIME_INSTALL: "sometimes",
      ROAR_RUNTIME_FIND_LINKS: "/a:/b https://h:8080/w",
      ROAR_RUNTIME_INDEX_URL: "https://env/simple",
    };
    const { options, warnings, sourcesFrom } = runtimeOptionsFromConfig(config, env);
    expect(options.mode).toBe("auto");
    expect(warnings).toEqual(['ROAR_RUNTIME_INSTALL="sometimes" is not one of auto, skip; using auto']);
    expect(options.findLinks).toEqual(["/a", "/b", "https://h:8080/w"]);
    expect(options.indexUrl).toBe("https://env/simple");
    expect(options.timeoutMs).toBe(30_000);
    expect(sourcesFrom).toEqual({ findLinks: "env", indexUrl: "env" });
    expect(runtimeOptionsFromConfig(config, {}).options).toMatchObject({
      mode: "skip",
      findLinks: ["/from/config"],
      indexUrl: "https://config/simple",
    });
  });

  it("reads index 'none' as: never ask any index", () => {
    const { options } = runtimeOptionsFromConfig(defaultConfig(), { ROAR_RUNTIME_INDEX_URL: "none" });
    expect(options).toMatchObject({ indexUrl: null, useDefaultIndex: false });
  });
});

describe("printRuntimeEvent", () => {
  function printed(event: Parameters<typeof printRuntimeEvent>[0]): string {
    const stream = new PassThrough();
    printRuntimeEvent(event, stream);
    return stream.read()?.toString() ?? "";
  }

  it("prints the install line and failures, and stays silent otherwise", () => {
    expect(printed({ type: "install-start", abiTag: "cp312", key: "k" })).toBe(
      "🦖 installing roar runtime for cp312 ... (one-time per Python; cached)\n",
    );
    expect(printed({ type: "install-failed", key: "k", reason: "no wheel", hint: "set find_links" })).toBe(
      "🦖 install failed: no wheel\n  hint: set find_links\n",
    );
    expect(printed({ type: "install-done", key: "k", ms: 900, source: "wheelhouse" })).toBe("");
    expect(printed({ type: "lock-wait", key: "k", lockPath: "/l" })).toBe("");
  });
});
