#!/usr/bin/env zx
// The README's quick-start demo: a two-step pipeline recorded by roar in a scratch directory.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { $, fs } from "zx";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const roar = path.join(repo, "packages/cli/bin/roar");
const work = await fs.mkdtemp(path.join(os.tmpdir(), "roar-demo-"));

await fs.copy(path.join(repo, "examples/demo"), work);
await fs.ensureDir(path.join(work, "data"));
await fs.move(path.join(work, "raw.csv"), path.join(work, "data/raw.csv"));

$.cwd = work;
$.verbose = true;
const python = process.env.PYTHON ?? "python3";
console.log(`\n🦖 demo pipeline in ${work}\n`);
await $`git init -q && git add -A && git -c user.name=demo -c user.email=demo@example.invalid commit -qm demo`;
await $`${roar} init -y`;
await $`${roar} run ${python} prepare.py`;
await $`${roar} run ${python} train.py`;
await $`${roar} log`;
await $`${roar} show @2`;
await $`${roar} dag`;
await $`${roar} lineage model.json`;
console.log(`\nThe demo project stays in ${work}: cd there and try '${roar} status'.`);
