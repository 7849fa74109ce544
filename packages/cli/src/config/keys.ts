/**
 * Every key `.roar/config.toml` understands: its type, default and what it does. `roar config`,
 * the commented defaults written by `roar init`, and validation all read this one table.
 */
export interface ConfigKeySpec {
  key: string;
  type: "enum" | "string" | "string?" | "string[]" | "integer";
  values?: readonly string[];
  default: string | number | string[] | null;
  description: string;
  /** Environment variable that overrides the file. */
  env?: string;
}

export const CONFIG_KEYS = [
  {
    key: "tracer.backend",
    type: "enum",
    values: ["auto", "preload", "strace", "python"],
    default: "auto",
    description: "How file I/O is captured; auto picks the best backend whose preflight passes here.",
  },
  {
    key: "filters.ignore_paths",
    type: "string[]",
    default: [],
    description:
      "Glob patterns (relative to the project root, or absolute) never recorded as inputs or outputs.",
  },
  {
    key: "runtime.install",
    type: "enum",
    values: ["auto", "skip"],
    default: "auto",
    env: "ROAR_RUNTIME_INSTALL",
    description:
      "auto: install the shim's compiled runtime for a new Python on first use; skip: never install.",
  },
  {
    key: "runtime.index_url",
    type: "string?",
    default: null,
    env: "ROAR_RUNTIME_INDEX_URL",
    description: "Package index to fetch roar-runtime wheels from when the shipped wheelhouse has none.",
  },
  {
    key: "runtime.find_links",
    type: "string[]",
    default: [],
    env: "ROAR_RUNTIME_FIND_LINKS",
    description: "Extra directories or URLs with roar-runtime wheels.",
  },
  {
    key: "runtime.installer",
    type: "enum",
    values: ["auto", "pip", "uv"],
    default: "auto",
    description: "auto: uv when it is on PATH, else the target Python's own pip.",
  },
  {
    key: "runtime.install_timeout",
    type: "integer",
    default: 180,
    description: "Seconds a runtime install may take before roar gives up and captures in pure Python.",
  },
] as const satisfies readonly ConfigKeySpec[];

export type ConfigKey = (typeof CONFIG_KEYS)[number]["key"];

export interface RoarConfig {
  tracer: { backend: "auto" | "preload" | "strace" | "python" };
  filters: { ignore_paths: string[] };
  runtime: {
    install: "auto" | "skip";
    index_url: string | null;
    find_links: string[];
    installer: "auto" | "pip" | "uv";
    install_timeout: number;
  };
}
