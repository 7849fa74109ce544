import { hasDefault, schemaVersionOf, typesOf } from "./schema-walk.mjs";

// A deliberately small JSON Schema → TypeScript emitter for the subset the shard schema uses:
// object / array / string / integer / number / boolean, null in type unions, enum, required, default.
// Types describe a shard *after* the reader filled defaults, so a property with a default is required.

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function emitTypes(schema, { source }) {
  const decls = [];
  const declared = new Set();

  const declare = (node) => {
    if (declared.has(node.title)) return node.title;
    declared.add(node.title);
    const slot = decls.length;
    decls.push("");
    decls[slot] = Array.isArray(node.enum) ? enumDecl(node) : interfaceDecl(node);
    return node.title;
  };

  const typeOf = (node) => {
    if (node.title) return withNull(declare(node), node, Array.isArray(node.enum));
    if (Array.isArray(node.enum)) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
    const parts = [];
    for (const t of typesOf(node)) {
      if (t === "object") parts.push(objectBody(node, ""));
      else if (t === "array") parts.push(arrayOf(node.items ? typeOf(node.items) : "unknown"));
      else if (t === "string") parts.push("string");
      else if (t === "integer" || t === "number") parts.push("number");
      else if (t === "boolean") parts.push("boolean");
      else if (t === "null") parts.push("null");
      else throw new Error(`unsupported JSON Schema type ${JSON.stringify(t)}`);
    }
    return parts.length ? parts.join(" | ") : "unknown";
  };

  const withNull = (name, node, isEnum) => {
    if (!isEnum && typesOf(node).includes("null")) return `${name} | null`;
    return name;
  };

  const objectBody = (node, indent) => {
    const required = new Set(node.required ?? []);
    const lines = ["{"];
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const doc = docComment(child, `${indent}  `);
      if (doc) lines.push(doc);
      const optional = required.has(name) || hasDefault(child) ? "" : "?";
      const key = IDENT.test(name) ? name : JSON.stringify(name);
      lines.push(`${indent}  ${key}${optional}: ${typeOf(child)};`);
    }
    lines.push(`${indent}}`);
    return lines.join("\n");
  };

  // A nullable titled object is declared without null; the property that uses it adds `| null`.
  const interfaceDecl = (node) => {
    const doc = docComment(node, "", false);
    return (doc ? `${doc}\n` : "") + `export interface ${node.title} ${objectBody(node, "")}`;
  };

  const enumDecl = (node) => {
    const doc = docComment(node, "", false);
    const values = node.enum.map((v) => JSON.stringify(v));
    const head = `export const ${upperSnake(node.title)}_VALUES: readonly ${node.title}[] = [`;
    const list =
      head.length + values.join(", ").length + 2 <= 110
        ? `${head}${values.join(", ")}];`
        : `${head}\n${values.map((v) => `  ${v},`).join("\n")}\n];`;
    return [
      (doc ? `${doc}\n` : "") + `export type ${node.title} = ${values.join(" | ")};`,
      "",
      `/** Every ${node.title}, in schema order. */`,
      list,
    ].join("\n");
  };

  if (!schema.title) throw new Error("the root schema needs a title (it names the shard type)");
  declare(schema);
  const version = schemaVersionOf(schema);
  const header = [
    `// generated from ${source} by packages/inject-log/scripts/generate.mjs — do not edit.`,
    "// Change the schema, then run `pnpm --filter @roar/inject-log generate`.",
    "",
    `/** The inject-log schema version these types describe (the number in the schema's $id). */`,
    `export const SCHEMA_VERSION = ${version};`,
    "",
    `export const SCHEMA_ID = ${JSON.stringify(schema.$id)};`,
  ].join("\n");
  return `${header}\n\n${decls.join("\n\n")}\n`;
}

function docComment(node, indent, withDefault = true) {
  const text = node.description;
  const extra = withDefault && hasDefault(node) ? `Default: \`${JSON.stringify(node.default)}\`.` : "";
  const all = [text, extra].filter(Boolean).join(" ");
  if (!all) return "";
  const safe = all.replace(/\*\//g, "*\\/");
  const lines = wrap(safe, 100 - indent.length - 3);
  if (lines.length === 1) return `${indent}/** ${lines[0]} */`;
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`].join("\n");
}

function wrap(text, width) {
  const out = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

function arrayOf(item) {
  return /[|&]/.test(item) && !item.startsWith("{") ? `(${item})[]` : `${item}[]`;
}

export function upperSnake(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
}
