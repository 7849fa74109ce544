#!/usr/bin/env node
// Regenerates everything derived from schema/inject-log.schema.json, so the shim (writer) and the
// CLI (reader) cannot drift apart:
//   src/types.generated.ts                        TypeScript types of a shard (after defaults)
//   src/validate.generated.ts                     ajv standalone validator (no ajv import at run time)
//   ../../python-shim/_roar_shim/schema_fields.py the Python writer's field lists
//
// Usage: node scripts/generate.mjs [--check | --write] [--schema <file>]
//   --check   write nothing; exit 1 naming every generated file that is stale or missing
//   --write   write stale files even on CI
//   --schema  read another schema file (tests use it to prove --check notices a change)
//   --out     repository root to write under instead of this one (tests write into a temp dir)
// On CI (env CI set) the default is --check: the package build runs this script before the tests, so
// if it rewrote stale files there, a schema change committed without its generated files would pass.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { emitPython } from "./emit-python.mjs";
import { emitTypes } from "./emit-types.mjs";
import { emitValidator } from "./emit-validator.mjs";

const realPackageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const { values } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    write: { type: "boolean", default: false },
    schema: { type: "string" },
    out: { type: "string" },
  },
});
const repoDir = path.resolve(values.out ?? path.resolve(realPackageDir, "../.."));
const packageDir = path.join(repoDir, "packages/inject-log");
const onCI = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";
const checkOnly = values.check || (onCI && !values.write);
const schemaFile = path.resolve(values.schema ?? path.join(realPackageDir, "schema/inject-log.schema.json"));
// The header names the schema by its repository path, never an absolute one, so output is the same everywhere.
const source = "packages/inject-log/schema/inject-log.schema.json";
const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));

const outputs = [
  { file: path.join(packageDir, "src/types.generated.ts"), text: emitTypes(schema, { source }) },
  { file: path.join(packageDir, "src/validate.generated.ts"), text: await emitValidator(schema, { source }) },
  {
    file: path.join(repoDir, "python-shim/_roar_shim/schema_fields.py"),
    text: emitPython(schema, { source }),
  },
];

const read = (file) => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
};
const stale = outputs.filter(({ file, text }) => read(file) !== text);

if (checkOnly) {
  for (const { file } of stale) {
    const why = read(file) === null ? "missing" : "stale";
    process.stderr.write(
      `${path.relative(repoDir, file)} is ${why}: run \`pnpm --filter @roar/inject-log generate\`\n`,
    );
  }
  process.exit(stale.length ? 1 : 0);
}
for (const { file, text } of stale) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write-then-rename: a concurrent reader (another build, the shim importing schema_fields) never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  process.stdout.write(`wrote ${path.relative(repoDir, file)}\n`);
}
