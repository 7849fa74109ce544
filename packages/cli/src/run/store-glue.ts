import type { Project } from "../project/find-root.js";
import type { JobRecordInput } from "../store/job-record.js";

/**
 * The pieces of the CLI core the run pipeline records with, loaded lazily (SQLite, BLAKE3 and git
 * are not needed before the child starts). Typed here by what the pipeline uses of them.
 */
export interface JobStore {
  recordJob(input: JobRecordInput): { step: number } | number | Promise<{ step: number } | number>;
  close?(): void;
}
export interface HashedArtifact {
  path: string;
  hash: string;
  size: number;
}
export interface StoreGlue {
  openStore(project: Project): JobStore | Promise<JobStore>;
  checkRecordable(project: Project): unknown;
  hashArtifacts(absPaths: string[], store: JobStore): Promise<unknown>;
  gitState(cwd: string): Promise<JobRecordInput["git"]> | JobRecordInput["git"];
}

const STORE = "../store/store.js";
const HASH = "../hash/hash-artifacts.js";
const GIT = "../git/git-state.js";

export async function loadStoreGlue(): Promise<StoreGlue> {
  const [store, hash, git] = (await Promise.all([import(STORE), import(HASH), import(GIT)])) as [
    Pick<StoreGlue, "openStore" | "checkRecordable">,
    Pick<StoreGlue, "hashArtifacts">,
    Pick<StoreGlue, "gitState">,
  ];
  return {
    openStore: store.openStore,
    checkRecordable: store.checkRecordable,
    hashArtifacts: hash.hashArtifacts,
    gitState: git.gitState,
  };
}

/** hashArtifacts' answer, whatever collection it comes back as, keyed by absolute path. */
export function hashesByPath(result: unknown, absPaths: string[]): Map<string, { hash: string; size: number }> {
  const out = new Map<string, { hash: string; size: number }>();
  const put = (key: string, v: unknown) => {
    const h = v as { hash?: string; size?: number } | null;
    if (h && typeof h.hash === "string") out.set(key, { hash: h.hash, size: Number(h.size ?? 0) });
  };
  if (result instanceof Map) for (const [k, v] of result) put(String(k), v);
  else if (Array.isArray(result)) {
    result.forEach((v, i) => {
      const p = (v as { path?: string; absPath?: string } | null)?.absPath ?? (v as { path?: string } | null)?.path ?? absPaths[i];
      if (p) put(p, v);
    });
  } else if (result && typeof result === "object") for (const [k, v] of Object.entries(result)) put(k, v);
  return out;
}
