// Shared by the emitters: a schema node's JSON types, and the object schemas in document order.

/** The node's `type` as an array (`"string"` → `["string"]`, absent → `[]`). */
export function typesOf(node) {
  if (node.type === undefined) return [];
  return Array.isArray(node.type) ? node.type : [node.type];
}

export function hasDefault(node) {
  return Object.hasOwn(node, "default");
}

/**
 * Every object schema and every enum in the schema, depth first in document order, each with its
 * dotted path: "" is the shard, "abi", "files[]" (items of the files array), "capture.gate".
 */
export function collectShapes(schema) {
  const objects = [];
  const enums = [];
  const visit = (node, path) => {
    const types = typesOf(node);
    if (Array.isArray(node.enum)) enums.push({ path, node });
    if (types.includes("object") || node.properties) {
      objects.push({ path, node });
      for (const [name, child] of Object.entries(node.properties ?? {})) {
        visit(child, path === "" ? name : `${path}.${name}`);
      }
    }
    if ((types.includes("array") || node.items) && node.items && !Array.isArray(node.items)) {
      visit(node.items, `${path}[]`);
    }
  };
  visit(schema, "");
  return { objects, enums };
}

/** The schema version is carried by the `$id` (`…/v1.json`), so the file stays plain draft-07. */
export function schemaVersionOf(schema) {
  const m = /\/v(\d+)\.json$/.exec(schema.$id ?? "");
  if (!m) throw new Error(`schema $id must end in /v<N>.json, got ${JSON.stringify(schema.$id)}`);
  return Number(m[1]);
}
