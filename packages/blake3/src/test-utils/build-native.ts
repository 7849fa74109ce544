import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The addon is what the tests exercise: rebuild it from native/ before every run. */
export default function setup(): void {
  const script = fileURLToPath(new URL("../../scripts/build-native.mjs", import.meta.url));
  execFileSync(process.execPath, [script], { stdio: "inherit" });
}
