import type BetterSqlite3 from "better-sqlite3";
import { addonOptionsFor, installedSqlite, requireHere } from "./sqlite-addon.js";

// better-sqlite3 is CommonJS: required, not imported. Node 20's ESM loader first lexes a CommonJS
// package for its export names, which made `import` of this one ≈10 ms slower than `require`.
// The run bundle (tsup.config.ts) swaps in sqlite-module.bundled.ts instead.
const installed = installedSqlite();

export const Database = requireHere("better-sqlite3") as typeof BetterSqlite3;

/** Options every `new Database` takes (see addonOptionsFor). */
export const addonOptions = addonOptionsFor(installed);
