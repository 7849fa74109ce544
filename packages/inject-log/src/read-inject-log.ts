import fs from "node:fs";
import fsp from "node:fs/promises";
import { InjectLogError } from "./inject-log-error.js";
import type { InjectLog } from "./types.generated.js";
import { SCHEMA_VERSION } from "./types.generated.js";
import { validateShard } from "./validate.js";

/** The newest schema_version this reader understands. */
export const SUPPORTED_SCHEMA_VERSION = SCHEMA_VERSION;

const MAX_ISSUES_IN_MESSAGE = 5;

/**
 * Reads one shard, validates it against the schema and fills the defaults of optional fields the
 * writer left out (an older or leaner shim). Throws `InjectLogError` when the file cannot be used.
 */
export async function readInjectLog(file: string): Promise<InjectLog> {
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseInjectLog(text, file);
}

/** `readInjectLog` without the event loop, for callers that are synchronous anyway. */
export function readInjectLogSync(file: string): InjectLog {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseInjectLog(text, file);
}

/**
 * Parses and validates shard text. `source` names it in errors (a file path, or "<stdin>").
 * The returned object is the parsed value itself, with defaults filled in.
 */
export function parseInjectLog(text: string, source = "<string>"): InjectLog {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (looksTruncated(text, message)) {
      throw new InjectLogError(source, "truncated", text.trim() === "" ? "the file is empty" : message, {
        cause: error,
      });
    }
    throw new InjectLogError(source, "not-json", message, { cause: error });
  }

  // Checked before the schema: a newer writer may have changed fields this schema requires, and
  // "upgrade roar" is the useful answer, not a list of violations.
  const version = isRecord(data) ? data.schema_version : undefined;
  if (typeof version === "number" && Number.isInteger(version) && version > SUPPORTED_SCHEMA_VERSION) {
    throw new InjectLogError(
      source,
      "unsupported-version",
      `it has schema_version ${version}, and this roar reads up to ${SUPPORTED_SCHEMA_VERSION}; upgrade roar to read it`,
    );
  }

  const issues = validateShard(data);
  if (issues.length > 0) {
    const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => i.message);
    const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : "";
    throw new InjectLogError(source, "invalid", shown.join("; ") + more, { issues });
  }
  return data as InjectLog;
}

function unreadable(file: string, error: unknown): InjectLogError {
  const code = (error as NodeJS.ErrnoException).code;
  const details =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "it is a directory"
        : error instanceof Error
          ? error.message
          : String(error);
  return new InjectLogError(file, "unreadable", details, { cause: error });
}

/**
 * A shard cut short (the writer killed between open and close, a full disk) fails to parse at its
 * very end, while a file that was never JSON fails earlier. V8 reports the position of the failure.
 */
function looksTruncated(text: string, message: string): boolean {
  const trimmed = text.trimEnd();
  if (trimmed === "") return true;
  if (/end of (JSON )?input|Unterminated string/i.test(message)) return true;
  const at = /position (\d+)/.exec(message);
  return at !== null && Number(at[1]) >= trimmed.length && /^\s*[[{]/.test(text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
