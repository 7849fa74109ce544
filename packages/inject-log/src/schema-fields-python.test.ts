import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPythons } from "@roar/abi-probe";
import { describe, expect, it } from "vitest";

// The shim imports the generated schema_fields.py at every interpreter start on 3.8+, so it must load
// on every local Python and agree with the schema the reader validates against.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fieldsFile = path.resolve(packageDir, "../../python-shim/_roar_shim/schema_fields.py");
const schema = JSON.parse(fs.readFileSync(path.join(packageDir, "schema/inject-log.schema.json"), "utf8"));
const pythons = discoverPythons();
if (pythons.length === 0) console.warn("schema_fields.py test skipped: no local CPython 3.8+ found");

// Loaded by path (not `import _roar_shim…`) so the test exercises only the generated module, under -I so
// no sitecustomize or user site runs.
const LOAD = `
import ast, importlib.util, json, sys
path = sys.argv[1]
tree = ast.parse(open(path, encoding="utf-8").read())
imports = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
spec = importlib.util.spec_from_file_location("schema_fields", path)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
print(json.dumps({
    "imports": imports,
    "version": m.SCHEMA_VERSION,
    "top_required": list(m.TOP_LEVEL_REQUIRED),
    "shapes": {k: [list(r), list(f), d] for k, (r, f, d) in m.SHAPES.items()},
    "enums": {"FILE_OPS": list(m.FILE_OPS), "GATE_OUTCOMES": list(m.GATE_OUTCOMES),
              "AUDIT_BACKENDS": list(m.AUDIT_BACKENDS), "EXIT_HOW": list(m.EXIT_HOW)},
}))
`;

/** The schema's object at a SHAPES path ("", "abi", "files[]", "capture.gate"). */
function shapeAt(dotted: string): { required?: string[]; properties: Record<string, { default?: unknown }> } {
  let node = schema;
  for (const part of dotted.split(".").filter(Boolean)) {
    const name = part.replace(/\[\]$/, "");
    node = node.properties[name];
    if (part.endsWith("[]")) node = node.items;
  }
  return node;
}

describe.skipIf(pythons.length === 0)("schema_fields.py", () => {
  it.each(pythons)(
    "imports on %s and matches the schema",
    (python) => {
      const out = execFileSync(python, ["-I", "-B", "-c", LOAD, fieldsFile], {
        encoding: "utf8",
        timeout: 60_000,
      });
      const loaded = JSON.parse(out);
      expect(loaded.imports).toEqual([]);
      expect(loaded.version).toBe(1);
      expect(loaded.top_required).toEqual(schema.required);
      expect(Object.keys(loaded.shapes)).toEqual(
        expect.arrayContaining([
          "",
          "abi",
          "exit",
          "files[]",
          "spawned[]",
          "packages[]",
          "capture",
          "capture.gate",
        ]),
      );
      for (const [dotted, [required, fields, defaults]] of Object.entries<[string[], string[], object]>(
        loaded.shapes,
      )) {
        const node = shapeAt(dotted);
        expect(required, dotted).toEqual(node.required ?? []);
        expect(fields, dotted).toEqual(Object.keys(node.properties));
        const expected = Object.fromEntries(
          Object.entries(node.properties)
            .filter(([, p]) => "default" in p)
            .map(([k, p]) => [k, p.default]),
        );
        expect(defaults, dotted).toEqual(expected);
      }
      expect(loaded.enums.FILE_OPS).toEqual(schema.properties.files.items.properties.op.enum);
      expect(loaded.enums.GATE_OUTCOMES).toEqual(
        schema.properties.capture.properties.gate.properties.outcome.enum,
      );
      expect(loaded.enums.AUDIT_BACKENDS).toEqual(schema.properties.capture.properties.audit_backend.enum);
      expect(loaded.enums.EXIT_HOW).toEqual(schema.properties.exit.properties.how.enum);
    },
    120_000,
  );
});
