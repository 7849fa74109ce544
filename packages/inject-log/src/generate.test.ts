import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { emitPython } from "../scripts/emit-python.mjs";
import { emitTypes } from "../scripts/emit-types.mjs";
import { tempDir } from "./test-utils/shards.js";

const run = promisify(execFile);
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const generator = path.join(packageDir, "scripts/generate.mjs");
const schemaFile = path.join(packageDir, "schema/inject-log.schema.json");
const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
const source = "packages/inject-log/schema/inject-log.schema.json";
const work = tempDir();
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The schema with one new optional field, as a developer would add one. */
function schemaWithNewField(): typeof schema {
  const copy = structuredClone(schema);
  copy.properties.hostname = {
    type: ["string", "null"],
    default: null,
    description: "socket.gethostname().",
  };
  copy.properties.abi.properties.note = { type: "string" };
  copy.properties.files.items.properties.op.enum.push("chmod");
  return copy;
}

async function generate(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [generator, ...args], {
      cwd: packageDir,
      env: { ...process.env, CI: "", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const check = (args: string[]) => generate(["--check", ...args]);

describe("generate.mjs --check", () => {
  it("passes: the committed generated files match the schema", async () => {
    const result = await check([]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  }, 60_000);

  it("fails and names every stale file when the schema changed", async () => {
    const changed = path.join(work, "changed.schema.json");
    fs.writeFileSync(changed, JSON.stringify(schemaWithNewField(), null, 2));
    const result = await check(["--schema", changed]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("packages/inject-log/src/types.generated.ts is stale");
    expect(result.stderr).toContain("packages/inject-log/src/validate.generated.ts is stale");
    expect(result.stderr).toContain("python-shim/_roar_shim/schema_fields.py is stale");
    expect(result.stderr).toContain("pnpm --filter @roar/inject-log generate");
  }, 60_000);
});

describe("generate.mjs", () => {
  const generatedFiles = [
    "packages/inject-log/src/types.generated.ts",
    "packages/inject-log/src/validate.generated.ts",
    "python-shim/_roar_shim/schema_fields.py",
  ];

  it("writes every generated file, after which --check passes", async () => {
    const out = fs.mkdtempSync(path.join(work, "out-"));
    const result = await generate(["--out", out]);
    expect(result.code).toBe(0);
    for (const file of generatedFiles) {
      expect(result.stdout).toContain(`wrote ${file}`);
      expect(fs.readFileSync(path.join(out, file), "utf8")).toBe(
        fs.readFileSync(path.resolve(packageDir, "../..", file), "utf8"),
      );
    }
    expect((await check(["--out", out])).code).toBe(0);
  }, 60_000);

  it("on CI only checks, so a build cannot paper over generated files missing from a commit", async () => {
    const out = fs.mkdtempSync(path.join(work, "ci-"));
    const result = await generate(["--out", out], { CI: "true" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("packages/inject-log/src/types.generated.ts is missing");
    expect(fs.readdirSync(out)).toEqual([]);
  }, 60_000);
});

describe("emitTypes", () => {
  const current = emitTypes(schema, { source });
  const changed = emitTypes(schemaWithNewField(), { source });

  it("makes fields with a default non-optional and others optional", () => {
    expect(changed).not.toBe(current);
    expect(changed).toContain("  hostname: string | null;");
    expect(changed).toContain("  note?: string;");
    expect(current).toMatch(/export interface FileEvent \{[^}]*\n {2}count: number;/);
    expect(current).toContain("  exit: ExitStatus | null;");
    expect(changed).toMatch(/export type FileOp = [^;]*"rmdir" \| "chmod";/);
  });

  it("starts with a do-not-edit header", () => {
    expect(current.split("\n")[0]).toMatch(/^\/\/ generated from .* do not edit/);
  });
});

describe("emitPython", () => {
  it("lists the new field and its default", () => {
    const changed = emitPython(schemaWithNewField(), { source });
    expect(changed).not.toBe(emitPython(schema, { source }));
    expect(changed).toMatch(/TOP_LEVEL_FIELDS = \([^)]*"hostname",\n\)/);
    expect(changed).toContain('"hostname": None');
    expect(changed).toMatch(/FILE_OPS = \([^)]*"chmod"\)/);
  });
});
