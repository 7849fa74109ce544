#!/usr/bin/env zx
// Run every benchmark in this folder, one after the other (they measure side by side inside each
// script; running two at once on a 2-core machine would spoil both). Needs a built tree (pnpm build).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { $, fs } from "zx";

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith("-") && !a.endsWith("all.mjs"));
const scripts = (await fs.readdir(here))
  .filter((f) => f.endsWith(".mjs") && f !== "all.mjs")
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== bench/${script}`);
  const result = await $({ cwd: here, stdio: "inherit", nothrow: true })`node ${script}`;
  if (result.exitCode !== 0) failed++;
}
process.exit(failed ? 1 : 0);
