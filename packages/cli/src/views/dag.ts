import type { DagArtifact, DagData, DagStep } from "../lineage/dag-data.js";
import { type Colours, colours, truncate } from "./format.js";

export interface DagTextOptions {
  colour?: boolean;
  width?: number;
  /** Show the files each step writes, and the source files, under the steps. */
  artifacts?: boolean;
}

const MAX_INDENT_LEVELS = 10;
const MAX_DEPS_SHOWN = 6;
const MIN_COMMAND = 16;

function stepDepths(steps: DagStep[]): number[] {
  const depthOfStep = new Map<number, number>();
  return steps.map((s) => {
    let depth = 0;
    for (const dep of s.dependencies) {
      const d = depthOfStep.get(dep);
      if (d !== undefined) depth = Math.max(depth, d + 1);
    }
    if (s.state !== "superseded") depthOfStep.set(s.step, depth);
    return depth;
  });
}

/**
 * The pipeline as a layered list in pipeline order: each step indented under the deepest step it
 * depends on, its dependencies named after `←`, so a DAG (fan-in, fan-out) stays readable in 80
 * columns without crossing edges.
 */
export function renderDagText(data: DagData, options: DagTextOptions = {}): string {
  const p = colours(options.colour ?? false);
  const width = options.width ?? 80;
  const { steps: total, stale: staleCount } = data.summary;
  const header = `Pipeline: ${total} step${total === 1 ? "" : "s"}${
    staleCount ? `, ${p.yellow(`${staleCount} stale`)}` : ""
  }`;
  if (data.steps.length === 0)
    return total === 0 ? `${header}\n\nNo steps recorded yet.` : `${header}\n\nNo stale steps.`;

  const labelWidth = Math.max(...data.steps.map((s) => `@${s.step}`.length));
  const depths = stepDepths(data.steps);
  const byProducer = new Map<number, DagArtifact[]>();
  for (const a of data.artifacts) {
    if (a.producer === null) continue;
    const list = byProducer.get(a.producer) ?? [];
    list.push(a);
    byProducer.set(a.producer, list);
  }

  const lines = [header, ""];
  if (options.artifacts) {
    const sources = data.artifacts.filter((a) => a.producer === null);
    if (sources.length) {
      lines.push("Sources:");
      for (const a of sources) lines.push(`  ${artifactLine(a, width - 2, p)}`);
      lines.push("");
    }
  }
  const indents = Array.from({ length: MAX_INDENT_LEVELS + 1 }, (_, depth) =>
    depth === 0 ? "" : `${"   ".repeat(depth - 1)}└─ `,
  );
  data.steps.forEach((s, i) => {
    const indent = indents[Math.min(depths[i]!, MAX_INDENT_LEVELS)]!;
    const label = `@${s.step}`.padEnd(labelWidth);
    const mark =
      s.state === "stale" ? "  [stale]" : s.state === "superseded" ? `  [superseded ${s.uid}]` : "";
    const deps = dependencyList(
      s.dependencies,
      width - (indent.length + labelWidth + 2 + MIN_COMMAND + mark.length),
    );
    const room = Math.max(MIN_COMMAND, width - indent.length - labelWidth - 2 - deps.length - mark.length);
    const command = truncate(s.command, room);
    const markPainted =
      s.state === "stale" ? `  ${p.yellow("[stale]")}` : mark ? `  ${p.dim(mark.trim())}` : "";
    const text = `${indent}${p.bold(label)}  ${command}${deps}${markPainted}`;
    lines.push(s.state === "superseded" ? p.dim(text) : text);
    if (options.artifacts && s.state !== "superseded") {
      const pad = " ".repeat(indent.length + labelWidth + 2);
      for (const a of byProducer.get(s.step) ?? [])
        lines.push(`${pad}${artifactLine(a, width - pad.length, p)}`);
    }
  });
  return lines.join("\n");
}

/**
 * `  ← @1 @2 …(+3)`: as many dependencies as fit in `room` columns beside a readable command (at
 * most MAX_DEPS_SHOWN), the rest as a count; "" for none.
 */
function dependencyList(dependencies: readonly number[], room: number): string {
  const total = dependencies.length;
  if (total === 0) return "";
  // Widths only: building every candidate string for 10,000 steps shows in `roar dag`'s time.
  const arrow = 4; // "  ← "
  const rest = (n: number) => (total > n ? `…(+${total - n})`.length + (n > 0 ? 1 : 0) : 0);
  let n = Math.min(MAX_DEPS_SHOWN, total);
  let names = 0;
  for (let k = 0; k < n; k++) names += String(dependencies[k]).length + 1 + (k > 0 ? 1 : 0);
  while (n > 0 && arrow + names + rest(n) > room) {
    n--;
    names -= String(dependencies[n]).length + 1 + (n > 0 ? 1 : 0);
  }
  const shown = dependencies.slice(0, n).map((d) => `@${d}`);
  if (total > n) shown.push(`…(+${total - n})`);
  return `  ← ${shown.join(" ")}`;
}

function artifactLine(a: DagArtifact, width: number, p: Colours): string {
  const arrow = a.producer === null ? "" : "→ ";
  const to = a.consumers.length
    ? `  → ${a.consumers.map((c) => `@${c}`).join(" ")}`
    : a.terminal
      ? "  (final)"
      : "";
  const state = a.state === "current" ? "" : `  [${a.state}]`;
  const path = truncate(a.path, Math.max(16, width - arrow.length - to.length - state.length));
  return `${arrow}${path}${to}${state ? `  ${p.red(state.trim())}` : ""}`;
}

/** Graphviz DOT; labels are quoted and escaped so any command renders (`dot -Tsvg` accepts it). */
export function renderDagDot(data: DagData, options: { artifacts?: boolean } = {}): string {
  const lines = [
    "digraph roar {",
    "  rankdir=LR;",
    '  node [shape=box, style="rounded", fontname="Helvetica"];',
  ];
  const ids = nodeIds(data);
  data.steps.forEach((s, i) => {
    const attrs = [`label=${dotString(`@${s.step}\n${truncate(s.command, 60)}`)}`];
    if (s.state === "stale") attrs.push('color="#d08700"', "penwidth=2", 'xlabel="stale"');
    if (s.state === "superseded")
      attrs.push('style="rounded,dashed"', 'fontcolor="#888888"', 'color="#888888"');
    lines.push(`  ${ids.step[i]} [${attrs.join(", ")}];`);
  });
  for (const [from, to] of stepEdges(data, ids)) lines.push(`  ${from} -> ${to};`);
  if (options.artifacts) {
    data.artifacts.forEach((a, i) => {
      const attrs = [`label=${dotString(a.path)}`, "shape=note"];
      if (a.state !== "current") attrs.push('color="#c0392b"');
      lines.push(`  a${i} [${attrs.join(", ")}];`);
      const producer = a.producer === null ? undefined : ids.current.get(a.producer);
      if (producer) lines.push(`  ${producer} -> a${i} [style=dashed];`);
      for (const c of a.consumers) {
        const consumer = ids.current.get(c);
        if (consumer) lines.push(`  a${i} -> ${consumer} [style=dashed];`);
      }
    });
  }
  lines.push("}");
  return lines.join("\n");
}

/** A DOT double-quoted string: `\` and `"` escaped, newlines as DOT's centred line break. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

/** Mermaid flowchart; labels use Mermaid's entity codes so quotes, brackets and # cannot break it. */
export function renderDagMermaid(data: DagData, options: { artifacts?: boolean } = {}): string {
  const lines = ["flowchart LR"];
  const ids = nodeIds(data);
  data.steps.forEach((s, i) => {
    lines.push(`  ${ids.step[i]}["${mermaidText(`@${s.step} ${truncate(s.command, 60)}`)}"]`);
  });
  for (const [from, to] of stepEdges(data, ids)) lines.push(`  ${from} --> ${to}`);
  if (options.artifacts) {
    data.artifacts.forEach((a, i) => {
      lines.push(`  a${i}[/"${mermaidText(a.path)}"/]`);
      const producer = a.producer === null ? undefined : ids.current.get(a.producer);
      if (producer) lines.push(`  ${producer} -.-> a${i}`);
      for (const c of a.consumers) {
        const consumer = ids.current.get(c);
        if (consumer) lines.push(`  a${i} -.-> ${consumer}`);
      }
    });
  }
  const stale = data.steps.flatMap((s, i) => (s.state === "stale" ? [ids.step[i]] : []));
  const old = data.steps.flatMap((s, i) => (s.state === "superseded" ? [ids.step[i]] : []));
  if (stale.length)
    lines.push("  classDef stale stroke:#d08700,stroke-width:3px", `  class ${stale.join(",")} stale`);
  if (old.length)
    lines.push(
      "  classDef superseded stroke-dasharray:4 3,color:#888",
      `  class ${old.join(",")} superseded`,
    );
  return lines.join("\n");
}

export function mermaidText(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/#/g, "#35;")
    .replace(/&/g, "#38;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;");
}

interface NodeIds {
  step: string[];
  /** step number → node id of its current run */
  current: Map<number, string>;
}

function nodeIds(data: DagData): NodeIds {
  const step = data.steps.map((s) => `s${s.step}_${s.uid.replace(/[^A-Za-z0-9_]/g, "_")}`);
  const current = new Map<number, string>();
  data.steps.forEach((s, i) => {
    if (s.state !== "superseded") current.set(s.step, step[i]!);
  });
  return { step, current };
}

function stepEdges(data: DagData, ids: NodeIds): [string, string][] {
  const edges: [string, string][] = [];
  data.steps.forEach((s, i) => {
    for (const dep of s.dependencies) {
      const from = ids.current.get(dep);
      if (from && from !== ids.step[i]) edges.push([from, ids.step[i]!]);
    }
  });
  return edges;
}
