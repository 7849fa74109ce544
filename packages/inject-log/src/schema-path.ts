import { fileURLToPath } from "node:url";

/**
 * Absolute path of the shipped JSON Schema (draft-07) of one shard, for tools that validate shards
 * themselves. The same file is importable as `@roar/inject-log/schema` (with `{ type: "json" }`).
 */
// Resolved from this module's URL: dist/index.js and src/schema-path.ts both sit one level below the package.
export const schemaPath: string = fileURLToPath(new URL("../schema/inject-log.schema.json", import.meta.url));
