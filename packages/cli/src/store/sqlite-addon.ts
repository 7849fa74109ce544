import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** The better-sqlite3 installed next to the CLI: its version and its compiled addon, when found. */
export interface InstalledSqlite {
  version: string | null;
  /** `build/Release/better_sqlite3.node`, or null when its default lookup must find the addon. */
  addon: string | null;
}

export const requireHere = createRequire(import.meta.url);

/**
 * Where better-sqlite3 is installed. The addon is named outright because its default lookup (the
 * `bindings` package) walks up for the module root and tries a dozen candidate paths on the first
 * open, ≈2 ms of every `roar run`. Only an npm-style build (build/Release, and nothing that
 * `bindings` would try first) is named; anything else keeps the default lookup.
 */
export function installedSqlite(): InstalledSqlite {
  try {
    const root = path.dirname(path.dirname(requireHere.resolve("better-sqlite3")));
    const file = (dir: string) => path.join(root, "build", dir, "better_sqlite3.node");
    const addon =
      fs.existsSync(file("Release")) && !fs.existsSync(file("Debug")) && !fs.existsSync(file(""))
        ? file("Release")
        : null;
    let version: string | null = null;
    try {
      version =
        (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version?: string })
          .version ?? null;
    } catch {
      // no readable version: never matched against a bundled copy
    }
    return { version, addon };
  } catch {
    return { version: null, addon: null }; // not resolvable from here: the default lookup it is
  }
}

/** Options every `new Database` takes: the addon named outright when it was found. */
export function addonOptionsFor(installed: InstalledSqlite): { nativeBinding?: string } {
  return installed.addon ? { nativeBinding: installed.addon } : {};
}
