import path from "node:path";
import { hashBytes } from "@roar/blake3";

/**
 * The identity of a pipeline step, so a re-run of "the same step" keeps its `@N` and supersedes
 * the previous run. The rule:
 *
 * 1. Paths are normalised: `./a//b` → `a/b`; project-relative paths stay relative, paths outside
 *    the project stay absolute. Order and duplicates do not matter (sets).
 * 2. Numbered files count as one path pattern: digit runs in the file name (before its extension)
 *    and in its parent directory's name become `#`, so `ckpt_0001.pt`, `ckpt_0042.pt` → `ckpt_#.pt`
 *    and `epoch-3/model.pt` → `epoch-#/model.pt`. A training re-run that writes a different number
 *    of checkpoints, or an eval that reads a newer checkpoint, is still the same step.
 *    Source files read as inputs (`.py`, `.sh`, `.ipynb`, …) keep their digits: `prepare_1.py`
 *    and `prepare_2.py` are two programs, hence two steps.
 * 3. The key is the set of normalised outputs plus the set of normalised inputs. A job with no
 *    outputs adds its command (argv, with the program path reduced to its basename), so two
 *    read-only commands on the same file (`wc -l data.csv`, `head data.csv`) are not one step.
 *
 * Known trade-off: one script run with `--seed 1` writing `out_1.csv` and with `--seed 2` writing
 * `out_2.csv` is one step (the second run supersedes the first).
 *
 * The result is `k1:` + 32 hex chars of BLAKE3 over a canonical JSON form; `k1` versions the rule.
 */
export function stepKey(job: { inputs: string[]; outputs: string[]; argv: string[] }): string {
  const outputs = normaliseSet(job.outputs, false);
  const inputs = normaliseSet(job.inputs, true);
  const canonical: Record<string, unknown> = { o: outputs, i: inputs };
  if (outputs.length === 0) canonical.c = commandIdentity(job.argv);
  return `k1:${hashBytes(JSON.stringify(canonical)).slice(0, 32)}`;
}

const SOURCE_EXTENSIONS = new Set([
  ".py",
  ".pyx",
  ".ipynb",
  ".sh",
  ".bash",
  ".zsh",
  ".r",
  ".jl",
  ".js",
  ".mjs",
  ".ts",
  ".pl",
  ".rb",
  ".lua",
  ".c",
  ".cc",
  ".cpp",
  ".go",
  ".rs",
]);

function normaliseSet(paths: string[], keepSourceDigits: boolean): string[] {
  return [...new Set(paths.map((p) => pathPattern(p, keepSourceDigits)))].sort();
}

/** `runs/epoch-3/ckpt_0007.pt` → `runs/epoch-#/ckpt_#.pt` (see rule 2). */
export function pathPattern(p: string, keepSourceDigits = false): string {
  let norm = path.posix.normalize(p.replaceAll("\\", "/"));
  if (norm.length > 1 && norm.endsWith("/")) norm = norm.slice(0, -1);
  const parts = norm.split("/");
  const last = parts.length - 1;
  const file = parts[last]!;
  const ext = path.posix.extname(file);
  if (keepSourceDigits && SOURCE_EXTENSIONS.has(ext.toLowerCase())) return norm;
  parts[last] = file.slice(0, file.length - ext.length).replace(/\d+/g, "#") + ext;
  if (last >= 1 && parts[last - 1] !== "" && parts[last - 1] !== "..") {
    parts[last - 1] = parts[last - 1]!.replace(/\d+/g, "#");
  }
  return parts.join("/");
}

/** argv with the program reduced to its basename: `/usr/bin/python3 x.py` ≡ `python3 x.py`. */
function commandIdentity(argv: string[]): string[] {
  if (argv.length === 0) return [];
  return [path.basename(argv[0]!), ...argv.slice(1)];
}
