import { collectShapes, hasDefault, schemaVersionOf } from "./schema-walk.mjs";

// The shim's writer imports this module at every interpreter start, so the output is plain
// constants (no imports, Python 3.8 syntax) and every collection is a tuple or a dict of immutable
// values: a writer cannot mutate a shared default by accident, and json.dumps writes tuples as arrays.

// Names the shim's writer uses; a shape or enum added to the schema later gets a derived name.
const OBJECT_NAMES = {
  "": "TOP_LEVEL",
  abi: "ABI",
  exit: "EXIT",
  "files[]": "FILE",
  "spawned[]": "SPAWNED",
  "packages[]": "PACKAGE",
  capture: "CAPTURE",
  "capture.gate": "GATE",
  "capture.errors[]": "CAPTURE_ERROR",
};
const ENUM_NAMES = {
  "exit.how": "EXIT_HOW",
  "files[].op": "FILE_OPS",
  "capture.audit_backend": "AUDIT_BACKENDS",
  "capture.gate.outcome": "GATE_OUTCOMES",
};

function derivedName(path) {
  return path
    .replace(/\[\]/g, "_ITEM")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .toUpperCase();
}

export function emitPython(schema, { source }) {
  const { objects, enums } = collectShapes(schema);
  const out = [
    `# generated from ${source} by packages/inject-log/scripts/generate.mjs — do not edit.`,
    "# Change the schema, then run `pnpm --filter @roar/inject-log generate`.",
    `"""Field lists of one inject-log shard, for the shim's writer.`,
    "",
    "Each shape (the shard, and every object nested in it) has <NAME>_REQUIRED (fields a record",
    "must carry), <NAME>_FIELDS (every field the schema names, in schema order) and <NAME>_DEFAULTS",
    "(what the reader fills in when an optional field is missing). SHAPES maps a dotted path",
    '("" is the shard, "files[]" an item of the files list) to (required, fields, defaults).',
    '"""',
    "",
    `SCHEMA_VERSION = ${schemaVersionOf(schema)}`,
    `SCHEMA_ID = ${pyLiteral(schema.$id)}`,
  ];

  const shapeRows = [];
  for (const { path, node } of objects) {
    const name = OBJECT_NAMES[path] ?? derivedName(path);
    const fields = Object.keys(node.properties ?? {});
    const defaults = {};
    for (const [field, child] of Object.entries(node.properties ?? {})) {
      if (hasDefault(child)) defaults[field] = child.default;
    }
    out.push(
      "",
      `# ${path === "" ? "the shard" : path}${node.title ? ` (${node.title})` : ""}`,
      `${name}_REQUIRED = ${pyLiteral(node.required ?? [], name.length + 12)}`,
      `${name}_FIELDS = ${pyLiteral(fields, name.length + 10)}`,
      `${name}_DEFAULTS = ${pyLiteral(defaults, name.length + 12)}`,
    );
    shapeRows.push(`    ${pyLiteral(path)}: (${name}_REQUIRED, ${name}_FIELDS, ${name}_DEFAULTS),`);
  }

  out.push("");
  for (const { path, node } of enums) {
    const name = ENUM_NAMES[path] ?? `${derivedName(path)}_VALUES`;
    out.push(`# ${path}`, `${name} = ${pyLiteral(node.enum, name.length + 3)}`);
  }

  out.push("", "SHAPES = {", ...shapeRows, "}", "");
  return out.join("\n");
}

/** A Python literal for a JSON value; arrays become tuples. Wraps one item per line past 100 columns. */
export function pyLiteral(value, used = 0, indent = "") {
  const flat = pyFlat(value);
  if (used + flat.length <= 100 || (!Array.isArray(value) && (value === null || typeof value !== "object"))) {
    return flat;
  }
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    return `(\n${value.map((v) => `${inner}${pyLiteral(v, inner.length, inner)},`).join("\n")}\n${indent})`;
  }
  const rows = Object.entries(value).map(
    ([k, v]) => `${inner}${pyFlat(k)}: ${pyLiteral(v, inner.length + k.length + 4, inner)},`,
  );
  return `{\n${rows.join("\n")}\n${indent}}`;
}

function pyFlat(value) {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return String(value);
  // JSON string escapes (\", \\, \n, \uXXXX) mean the same in a Python string literal.
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "()";
    if (value.length === 1) return `(${pyFlat(value[0])},)`;
    return `(${value.map(pyFlat).join(", ")})`;
  }
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${pyFlat(v)}`)
    .join(", ")}}`;
}
