#!/usr/bin/env node
// How much `import("@roar/inject-log")` adds to a process start, next to what validating with ajv at
// run time would cost (import ajv + compile the schema). Run after `pnpm --filter @roar/inject-log build`:
//   node scripts/bench-import.mjs [runs]
// Each variant is a fresh `node` process timing itself, interleaved so machine load hits all alike.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 15);
const timed = (body) =>
  `const t0 = performance.now(); ${body}; process.stdout.write(String(performance.now() - t0));`;
const variants = {
  "node:fs only (floor)": timed(`await import("node:fs")`),
  "@roar/inject-log (standalone validator)": timed(
    `const m = await import("@roar/inject-log"); m.validateShard({})`,
  ),
  "ajv import + compile (the alternative)": timed(
    `const { default: Ajv } = await import("ajv"); const fs = await import("node:fs");
     new Ajv({ allErrors: true, useDefaults: true, allowUnionTypes: true })
       .compile(JSON.parse(fs.readFileSync("schema/inject-log.schema.json", "utf8")))`,
  ),
};
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, code] of Object.entries(variants)) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", code], {
      cwd: packageDir,
      encoding: "utf8",
    });
    samples[name].push(Number(out));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = median(Object.values(samples)[0]);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(`${name.padEnd(42)} median ${m.toFixed(1).padStart(6)} ms   ${(m / floor).toFixed(1)}× floor`);
}
