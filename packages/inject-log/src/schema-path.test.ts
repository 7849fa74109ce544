import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { schemaPath } from "./schema-path.js";
import { SCHEMA_ID, SCHEMA_VERSION } from "./types.generated.js";

describe("schemaPath", () => {
  it("points at the shipped schema these types were generated from", () => {
    const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
    expect(schema.$id).toBe(SCHEMA_ID);
    expect(schema.$id).toMatch(new RegExp(`/v${SCHEMA_VERSION}\\.json$`));
  });

  it("is what the package's ./schema export resolves to", () => {
    expect(import.meta.resolve("@roar/inject-log/schema")).toBe(`file://${schemaPath}`);
  });
});
