import { type PythonIdentity, probePythonDetailed } from "@roar/abi-probe";
import { RoarError } from "../errors.js";

/** `python3`, `python3.12` or a path → the probed identity, or a RoarError that says why not. */
export async function resolvePython(
  spec: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PythonIdentity> {
  const probed = await probePythonDetailed(spec, { env });
  if (probed.identity) return probed.identity;
  throw new RoarError(`cannot use ${spec} as a Python: ${probed.reason}`, {
    hint: "pass an interpreter on PATH (python3) or the path of one (/usr/bin/python3.12, .venv/bin/python)",
  });
}
