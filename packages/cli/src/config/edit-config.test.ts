import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { configTemplate } from "./config-template.js";
import { parseConfigValue } from "./config-value.js";
import { setConfigText } from "./edit-config.js";
import { CONFIG_KEYS, type ConfigKeySpec } from "./keys.js";

const spec = (key: string) => (CONFIG_KEYS as readonly ConfigKeySpec[]).find((s) => s.key === key)!;

describe("setConfigText", () => {
  it("replaces a value in its own section only, keeping comments and a trailing comment", () => {
    const text = '[tracer]\nbackend = "auto" # keep me\n\n[other]\nbackend = "x"\n';
    expect(setConfigText(text, "tracer.backend", "strace")).toBe(
      '[tracer]\nbackend = "strace" # keep me\n\n[other]\nbackend = "x"\n',
    );
  });

  it("replaces a multi-line array, even with # and ] inside strings", () => {
    const text = '[filters]\nignore_paths = [\n  "a#b",  # why\n  "c]d",\n]\nafter = 1\n';
    expect(setConfigText(text, "filters.ignore_paths", ["x"])).toBe(
      '[filters]\nignore_paths = ["x"]\nafter = 1\n',
    );
  });

  it("inserts after the commented default, or after the header, or appends the section", () => {
    const template = configTemplate();
    const edited = setConfigText(template, "runtime.install_timeout", 300);
    expect(edited).toBe(
      template.replace("# install_timeout = 180\n", "# install_timeout = 180\ninstall_timeout = 300\n"),
    );
    expect(setConfigText("[runtime]\n# hello\n", "runtime.install", "skip")).toBe(
      '[runtime]\ninstall = "skip"\n# hello\n',
    );
    expect(setConfigText("# only a comment", "tracer.backend", "python")).toBe(
      '# only a comment\n\n[tracer]\nbackend = "python"\n',
    );
    expect(setConfigText("", "tracer.backend", "python")).toBe('[tracer]\nbackend = "python"\n');
  });

  it("keeps CRLF line endings", () => {
    expect(setConfigText('[tracer]\r\nbackend = "auto"\r\n', "tracer.backend", "python")).toBe(
      '[tracer]\r\nbackend = "python"\r\n',
    );
  });

  it("null removes the active line so the default applies again", () => {
    expect(setConfigText('[runtime]\n# c\nindex_url = "https://x"\nx = 1\n', "runtime.index_url", null)).toBe(
      "[runtime]\n# c\nx = 1\n",
    );
  });

  it("produces a file that parses to the value for every key of the template", () => {
    let text = configTemplate();
    text = setConfigText(text, "filters.ignore_paths", ['we"ird', "a\\b"]);
    text = setConfigText(text, "runtime.index_url", "https://example.com/simple");
    const table = parse(text) as Record<string, Record<string, unknown>>;
    expect(table.filters!.ignore_paths).toEqual(['we"ird', "a\\b"]);
    expect(table.runtime!.index_url).toBe("https://example.com/simple");
  });

  it("refuses to leave a file that would not hold the value (a dotted duplicate)", () => {
    expect(() => setConfigText('tracer.backend = "auto"\n[tracer]\n', "tracer.backend", "python")).toThrow(
      /could not edit config.toml safely/,
    );
  });
});

describe("parseConfigValue", () => {
  it("accepts comma lists and TOML arrays for lists", () => {
    expect(parseConfigValue(spec("filters.ignore_paths"), "a, b,")).toEqual(["a", "b"]);
    expect(parseConfigValue(spec("filters.ignore_paths"), '["a", "b,c"]')).toEqual(["a", "b,c"]);
    expect(parseConfigValue(spec("filters.ignore_paths"), "")).toEqual([]);
  });

  it("types integers and optional strings, and rejects what does not fit", () => {
    expect(parseConfigValue(spec("runtime.install_timeout"), "90")).toBe(90);
    expect(() => parseConfigValue(spec("runtime.install_timeout"), "1.5")).toThrow(/not a whole number/);
    expect(() => parseConfigValue(spec("runtime.install_timeout"), "0")).toThrow(/positive whole number/);
    expect(parseConfigValue(spec("runtime.index_url"), "")).toBeNull();
    expect(() => parseConfigValue(spec("tracer.backend"), "dtrace")).toThrow(
      /bad value for tracer.backend: "dtrace"$/,
    );
    expect(() => parseConfigValue(spec("filters.ignore_paths"), "[1, 2]")).toThrow(/list of strings/);
  });
});
