import { type GitState, gitState } from "../git/git-state.js";
import { type HashArtifactsProgress, type HashResult, hashArtifacts } from "../hash/hash-artifacts.js";
import type { Project } from "../project/find-root.js";
import { checkRecordable, openStore, type Store } from "../store/store.js";

/**
 * The CLI core's store, hashing and git, loaded only once the child is running (this module is
 * reached only through record-job.ts, which main.ts imports after the spawn): SQLite, BLAKE3 and a
 * git process are not needed before it starts, and every millisecond before it is overhead. Static
 * imports here, so the bundle loads all of it in one step rather than a chain of dynamic imports.
 */
export interface StoreGlue {
  openStore(project: Project): Store;
  checkRecordable(project: Project, options?: { database?: boolean }): void;
  hashArtifacts(
    absPaths: string[],
    store: Store | null,
    known?: Map<string, import("node:fs").BigIntStats>,
    onProgress?: (p: HashArtifactsProgress) => void,
  ): Promise<Map<string, HashResult>>;
  gitState(cwd: string): Promise<GitState>;
}

export async function loadStoreGlue(): Promise<StoreGlue> {
  return {
    openStore: (project) => openStore(project),
    checkRecordable,
    hashArtifacts: (paths, s, known, onProgress) => hashArtifacts(paths, s, onProgress, known),
    gitState,
  };
}
