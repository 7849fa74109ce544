import BundledDatabase from "better-sqlite3";
import { addonOptionsFor, installedSqlite, requireHere } from "./sqlite-addon.js";

/** better-sqlite3's version whose JavaScript the run bundle carries (set by tsup.config.ts). */
declare const ROAR_BUNDLED_BETTER_SQLITE3: string;

// The run bundle's better-sqlite3: its JavaScript is bundled (one file instead of Node loading
// thirteen CommonJS modules, ≈5 ms of every `roar run`), its compiled addon is the installed one.
// The two must be the same release, so the bundled code serves only when the installed package has
// exactly the bundled version and an addon file to name; otherwise the installed package is required.
const installed = installedSqlite();
const sameRelease = installed.addon !== null && installed.version === ROAR_BUNDLED_BETTER_SQLITE3;

export const Database: typeof BundledDatabase = sameRelease
  ? BundledDatabase
  : (requireHere("better-sqlite3") as typeof BundledDatabase);

/** Options every `new Database` takes (see addonOptionsFor). */
export const addonOptions = addonOptionsFor(installed);
