#!/usr/bin/env node
// `roar run` bypasses oclif: its start-up time is paid by every job, and the command's own flags
// (even --help) must reach the command untouched.
if (process.argv[2] === "run") {
  const { runMain } = await import("../dist/run/main.js");
  process.exitCode = await runMain(process.argv.slice(3));
} else {
  const { execute } = await import("@oclif/core");
  await execute({ dir: import.meta.url });
}
