// One roar-like process: waits for the start signal, runs ensureRuntime from the built package,
// logs its events (one JSON line each) and prints its result. Used by the cross-process tests.
import fs from "node:fs";

const [distPath, identityFile, optionsFile, eventLog, goFile] = process.argv.slice(2);
const { ensureRuntime } = await import(distPath);
const identity = JSON.parse(fs.readFileSync(identityFile, "utf8"));
const options = JSON.parse(fs.readFileSync(optionsFile, "utf8"));
while (goFile && !fs.existsSync(goFile)) await new Promise((r) => setTimeout(r, 2));
const result = await ensureRuntime(identity, {
  ...options,
  onEvent: (event) => fs.appendFileSync(eventLog, `${JSON.stringify({ pid: process.pid, ...event })}\n`),
});
process.stdout.write(JSON.stringify(result));
