import type BetterSqlite3 from "better-sqlite3";
import { installedSqlite, requireHere } from "./sqlite-addon.js";

// better-sqlite3 is CommonJS: required, not imported. Node 20's ESM loader first lexes a CommonJS
// package for its export names, which made `import` of this one ≈10 ms slower than `require`.
// The run bundle (tsup.config.ts) swaps in sqlite-module.bundled.ts instead.
const installed = installedSqlite();

export const Database = requireHere("better-sqlite3") as typeof BetterSqlite3;

/** Options every `new Database` takes: the addon named outright when it was found. */
export const addonOptions: { nativeBinding?: string } = installed.addon
  ? { nativeBinding: installed.addon }
  : {};
