#!/usr/bin/env node
// Set up a fresh clone: pnpm (from npm if absent), dependencies, build. Plain Node on purpose:
// it runs before any dependency (zx included) is installed.
import { execFileSync, spawnSync } from "node:child_process";

const PNPM = "pnpm@10";

function run(cmd, args) {
  console.error(`$ ${[cmd, ...args].join(" ")}`);
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`bootstrap: '${[cmd, ...args].join(" ")}' failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function hasPnpm() {
  try {
    const version = execFileSync("pnpm", ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return Number(version.split(".")[0]) >= 10;
  } catch {
    return false;
  }
}

if (!hasPnpm()) {
  // corepack's pnpm fails its signature check on this kind of machine; npm's works.
  run("npm", ["install", "--global", "--no-fund", "--no-audit", PNPM]);
}
run("pnpm", ["install", "--frozen-lockfile", "--reporter=append-only"]);
run("pnpm", ["run", "build"]);
