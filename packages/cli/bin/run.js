#!/usr/bin/env node
// bin/roar (the installed `roar`) starts this Node without NODE_EXTRA_CA_CERTS and hands the value
// over here: back into the environment before anything runs, so every child sees it as it was.
const SAVED_CA = "ROAR_SAVED_NODE_EXTRA_CA_CERTS";
if (process.env[SAVED_CA] !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env[SAVED_CA];
  delete process.env[SAVED_CA];
}
// `roar run` bypasses oclif: its start-up time is paid by every job, and the command's own flags
// (even --help) must reach the command untouched. It loads from bundle/ (tsup.config.ts): the run
// path in a few files rather than dozens of modules to resolve and compile one by one.
if (process.argv[2] === "run") {
  const { runMain } = await import("../bundle/main.js");
  // Exit at once: letting Node wind down on its own (native addons, module teardown) costs ≈ 15–20 ms
  // per job. Nothing is left to flush: runMain has awaited the recording, and stdout/stderr writes
  // are synchronous on Linux (files, pipes, TTYs).
  process.exit(await runMain(process.argv.slice(3)));
} else {
  // Query commands (log, show, dag, lineage, status) skip oclif's start-up when their argv is plain;
  // queryMain returns null for anything it does not fully understand (help, --debug, bad flags).
  const query = ["log", "show", "dag", "lineage", "status"].includes(process.argv[2])
    ? await (await import("../bundle/query.js")).queryMain(process.argv.slice(2))
    : null;
  if (query !== null) process.exitCode = query;
  else {
    const { execute } = await import("@oclif/core");
    await execute({ dir: import.meta.url });
  }
}
