import type { GitState } from "../git/git-state.js";
import type { HashArtifactsProgress, HashResult } from "../hash/hash-artifacts.js";
import type { Project } from "../project/find-root.js";
import type { Store } from "../store/store.js";

/**
 * The CLI core's store, hashing and git, loaded only once the child is running: SQLite, BLAKE3
 * and a git process are not needed before it starts, and every millisecond before it is overhead.
 */
export interface StoreGlue {
  openStore(project: Project): Store;
  checkRecordable(project: Project): void;
  hashArtifacts(
    absPaths: string[],
    store: Store | null,
    known?: Map<string, import("node:fs").BigIntStats>,
    onProgress?: (p: HashArtifactsProgress) => void,
  ): Promise<Map<string, HashResult>>;
  gitState(cwd: string): Promise<GitState>;
}

export async function loadStoreGlue(): Promise<StoreGlue> {
  const [store, hash, git] = await Promise.all([
    import("../store/store.js"),
    import("../hash/hash-artifacts.js"),
    import("../git/git-state.js"),
  ]);
  return {
    openStore: (project) => store.openStore(project),
    checkRecordable: store.checkRecordable,
    hashArtifacts: (paths, s, known, onProgress) => hash.hashArtifacts(paths, s, onProgress, known),
    gitState: git.gitState,
  };
}
