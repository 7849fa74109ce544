import type { SchemaIssue } from "./inject-log-error.js";
import { validate as generatedValidate } from "./validate.generated.js";

// The validator is ajv's standalone output generated at build time (scripts/emit-validator.mjs):
// no ajv import or schema compilation when the CLI starts.
interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}
interface StandaloneValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}
const validator = generatedValidate as unknown as StandaloneValidator;

/**
 * Checks `data` against the shard schema and fills the defaults of missing optional fields in
 * place. Returns the violations; an empty list means `data` is now a complete shard.
 */
export function validateShard(data: unknown): SchemaIssue[] {
  if (validator(data)) return [];
  return (validator.errors ?? []).map(toIssue);
}

function toIssue(error: AjvError): SchemaIssue {
  const where = error.instancePath || "/";
  let message = error.message ?? error.keyword;
  if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) {
    message = `must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return { pointer: error.instancePath, message: `${where} ${message}` };
}
