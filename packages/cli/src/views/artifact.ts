import type { ArtifactRow, JobTouch } from "../store/store.js";
import { absoluteTime, type Colours, humanSize, shortHash, statusText, table, truncate } from "./format.js";

/** One job's use of a file version, as `roar show <path|hash> --json` reports it. */
export interface ArtifactJobRef {
  step: number;
  uid: string;
  current: boolean;
  path: string;
  command: string;
  startedAt: string; // ISO 8601
  status: string;
}

/** `roar show <path|hash> --json`: every recorded version (hash) of the file(s), newest first. */
export interface ArtifactShowData {
  kind: "artifact";
  query: { path: string } | { hash: string };
  artifacts: {
    hash: string;
    size: number;
    paths: string[];
    producedBy: ArtifactJobRef[];
    consumedBy: ArtifactJobRef[];
  }[];
}

function ref(t: JobTouch): ArtifactJobRef {
  return {
    step: t.job.step,
    uid: t.job.uid,
    current: t.job.supersededBy === null,
    path: t.path,
    command: t.job.command,
    startedAt: new Date(t.job.startedAt).toISOString(),
    status: t.job.status,
  };
}

/** Group the jobs that touched a path (or a hash) by content version. */
export function artifactShowData(
  query: { path: string } | { hash: string },
  touches: { produced: JobTouch[]; consumed: JobTouch[] },
  sizes: (hash: string) => number,
  artifacts: ArtifactRow[] = [],
): ArtifactShowData {
  const byHash = new Map<string, ArtifactShowData["artifacts"][number] & { last: number }>();
  const entry = (hash: string) => {
    let e = byHash.get(hash);
    if (!e) {
      e = { hash, size: sizes(hash), paths: [], producedBy: [], consumedBy: [], last: 0 };
      byHash.set(hash, e);
    }
    return e;
  };
  for (const a of artifacts) entry(a.hash);
  for (const [list, key] of [
    [touches.produced, "producedBy"],
    [touches.consumed, "consumedBy"],
  ] as const) {
    for (const t of list) {
      const e = entry(t.hash);
      e[key].push(ref(t));
      if (!e.paths.includes(t.path)) e.paths.push(t.path);
      e.last = Math.max(e.last, t.job.id);
    }
  }
  const sorted = [...byHash.values()].sort((a, b) => b.last - a.last);
  return { kind: "artifact", query, artifacts: sorted.map(({ last: _last, ...rest }) => rest) };
}

export function renderArtifacts(data: ArtifactShowData, c: Colours, width = 100): string {
  const out: string[] = [];
  const what = "path" in data.query ? data.query.path : `hash ${data.query.hash}`;
  const n = data.artifacts.length;
  out.push(
    `${c.bold(what)}${"path" in data.query && n > 1 ? c.dim(`  (${n} versions recorded, newest first)`) : ""}`,
  );
  for (const a of data.artifacts) {
    out.push(
      "",
      `  ${c.bold(shortHash(a.hash))}  ${humanSize(a.size)}${"hash" in data.query ? `  ${a.paths.join(", ")}` : ""}`,
    );
    const rows: string[][] = [];
    const add = (label: string, r: ArtifactJobRef) =>
      rows.push([
        label,
        r.current ? `@${r.step}` : `(@${r.step})`,
        r.uid.slice(0, 8),
        absoluteTime(Date.parse(r.startedAt)),
        statusText({ status: r.status, exitCode: null, signal: null }).replace(/ \(.*\)$/, ""),
        truncate(r.command, Math.max(20, width - 70)),
      ]);
    for (const r of a.producedBy) add("written by", r);
    for (const r of a.consumedBy) add("read by", r);
    if (rows.length === 0) out.push(c.dim("    no recorded job wrote or read it"));
    out.push(...table(rows).map((l) => `    ${l}`));
  }
  return out.join("\n");
}
