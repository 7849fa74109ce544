/**
 * ROAR_TIMING=1: phase timings on stderr, measured from process start (Node's own boot included),
 * so benchmarks can split roar's cost into "before the child starts" and "after it exits".
 */
export class PhaseTimer {
  private readonly marks: [string, number][] = [];
  constructor(private readonly enabled: boolean) {}

  mark(phase: string): void {
    // The global `performance` loads perf_hooks on first use: only when timing is on.
    if (this.enabled) this.marks.push([phase, globalThis.performance.now()]);
  }

  report(stream: NodeJS.WritableStream): void {
    if (!this.enabled) return;
    const parts = this.marks.map(([p, t]) => `${p}=${t.toFixed(1)}`);
    stream.write(`roar-timing: ${parts.join(" ")}\n`);
  }
}
