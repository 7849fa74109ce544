// The reader validates with code ajv generates here, at build time, instead of importing and
// compiling ajv when the CLI starts: measured on this machine, `import("ajv")` costs 60–200 ms and
// compiling the shard schema another 80–160 ms, against a +150 ms budget for all of `roar run`.
// The options here are the reader's options; change them only together with src/validate.ts.

export async function emitValidator(schema, { source }) {
  const { default: Ajv } = await import("ajv");
  const { default: standaloneCode } = await import("ajv/dist/standalone/index.js");
  const ajv = new Ajv({
    allErrors: true, // report every problem of an invalid shard, not only the first
    useDefaults: true, // fill defaults of optional fields, so older/leaner writers' shards load
    allowUnionTypes: true, // ["string", "null"]
    code: { source: true, esm: true, lines: true },
  });
  const validate = ajv.compile(schema);
  const code = standaloneCode(ajv, validate);
  if (/\brequire\(|^import /m.test(code)) {
    // Runtime helpers would make ajv a runtime dependency again; the schema avoids keywords needing them.
    throw new Error("ajv's standalone code for the shard schema imports ajv runtime helpers");
  }
  return [
    `// generated from ${source} by packages/inject-log/scripts/generate.mjs (ajv standalone) — do not edit.`,
    "// @ts-nocheck",
    code,
    "",
  ].join("\n");
}
