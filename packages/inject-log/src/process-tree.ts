import type { MergedJob } from "./merge-shards.js";
import type { InjectLog } from "./types.generated.js";

export interface ProcessNode {
  process: InjectLog;
  /** In process order (started_at, then pid). */
  children: ProcessNode[];
}

export interface ProcessTree {
  /** Processes whose parent wrote no shard; every process appears exactly once below them. */
  roots: ProcessNode[];
  /** Parent pid → its children's shards, for callers that draw the tree themselves. */
  children: Map<number, InjectLog[]>;
}

/** Who started whom, from each shard's ppid, so `roar show` can draw the job's process tree. */
export function processTree(merged: Pick<MergedJob, "processes">): ProcessTree {
  const processes = merged.processes;
  const byPid = new Map<number, InjectLog[]>();
  for (const p of processes) byPid.set(p.pid, [...(byPid.get(p.pid) ?? []), p]);

  const nodes = new Map<InjectLog, ProcessNode>(processes.map((p) => [p, { process: p, children: [] }]));
  const children = new Map<number, InjectLog[]>();
  const parentOf = new Map<InjectLog, InjectLog>();
  for (const p of processes) {
    const parent = pickParent(p, byPid.get(p.ppid) ?? []);
    if (!parent) continue;
    parentOf.set(p, parent);
    nodes.get(parent)!.children.push(nodes.get(p)!);
    children.set(parent.pid, [...(children.get(parent.pid) ?? []), p]);
  }

  const roots = processes.filter((p) => !parentOf.has(p)).map((p) => nodes.get(p)!);
  // Recycled pids can make a cycle with no root; promote the earliest unreached process until all show.
  const reached = new Set<InjectLog>();
  const mark = (n: ProcessNode): void => {
    if (reached.has(n.process)) return;
    reached.add(n.process);
    n.children.forEach(mark);
  };
  roots.forEach(mark);
  for (const p of processes) {
    if (reached.has(p)) continue;
    const node = nodes.get(p)!;
    const parent = parentOf.get(p)!;
    const siblings = nodes.get(parent)!.children;
    siblings.splice(siblings.indexOf(node), 1);
    children.set(
      parent.pid,
      children.get(parent.pid)!.filter((c) => c !== p),
    );
    roots.push(node);
    mark(node);
  }
  return { roots, children };
}

/**
 * A pid can have several shards (os.exec* keeps the pid and a new interpreter writes its own);
 * the parent is the latest of them that started before the child.
 */
function pickParent(child: InjectLog, candidates: InjectLog[]): InjectLog | undefined {
  const others = candidates.filter((c) => c !== child);
  const before = others.filter((c) => c.started_at <= child.started_at);
  return before.at(-1) ?? others[0];
}
