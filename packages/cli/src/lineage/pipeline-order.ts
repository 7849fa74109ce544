/**
 * Pipeline order, as job indices: every job after the jobs it depends on; ties (and cycles, which a
 * pipeline that rewrites its own inputs can form) broken by step number, then job id, so the order
 * is stable. Dependencies are CSR over job indices (`depStart`, `depIndex`), unique per job.
 */
export function pipelineOrder(
  jobId: Int32Array,
  step: Int32Array,
  depStart: Int32Array,
  depIndex: ArrayLike<number>,
): Int32Array {
  const n = jobId.length;
  const key = (i: number) => step[i]! * 2 ** 32 + jobId[i]!;
  const remaining = new Int32Array(n);
  const dependentStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    remaining[i] = depStart[i + 1]! - depStart[i]!;
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) dependentStart[depIndex[k]! + 1]!++;
  }
  for (let i = 0; i < n; i++) dependentStart[i + 1]! += dependentStart[i]!;
  const fill = dependentStart.slice(0, n);
  const dependents = new Int32Array(depStart[n] ?? 0);
  for (let i = 0; i < n; i++)
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) dependents[fill[depIndex[k]!]!++] = i;

  const heap = new MinHeap(key);
  for (let i = 0; i < n; i++) if (remaining[i] === 0) heap.push(i);
  const order = new Int32Array(n);
  let placed = 0;
  const done = new Uint8Array(n);
  // Jobs still waiting, in pipeline order, for breaking a cycle deterministically.
  const byKey = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b));
  let cursor = 0;
  while (placed < n) {
    let next = heap.pop();
    if (next === undefined) {
      while (done[byKey[cursor]!]) cursor++;
      next = byKey[cursor]!;
    }
    if (done[next]) continue;
    done[next] = 1;
    order[placed++] = next;
    for (let k = dependentStart[next]!; k < dependentStart[next + 1]!; k++) {
      const d = dependents[k]!;
      if (--remaining[d]! === 0 && !done[d]) heap.push(d);
    }
  }
  return order;
}

class MinHeap {
  private readonly items: number[] = [];
  constructor(private readonly key: (item: number) => number) {}

  push(item: number): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(items[parent]!) <= this.key(items[i]!)) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  pop(): number | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.key(items[l]!) < this.key(items[m]!)) m = l;
        if (r < items.length && this.key(items[r]!) < this.key(items[m]!)) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i]!, items[m]!];
        i = m;
      }
    }
    return top;
  }
}
