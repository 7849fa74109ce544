import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { DagData } from "../lineage/dag-data.js";
import { dotString, mermaidText, renderDagDot, renderDagMermaid, renderDagText } from "./dag.js";

const nasty = `python -c "print('a\\\\b'); x = {1: 2}" --out "a b.csv" # <tag> & more\nsecond line`;

const data: DagData = {
  summary: { steps: 3, stale: 1 },
  steps: [
    {
      step: 1,
      uid: "aaa111",
      command: "python prep.py",
      state: "active",
      dependencies: [],
      consumed: 1,
      produced: 1,
      reasons: [],
    },
    {
      step: 2,
      uid: "bbb222",
      command: nasty,
      state: "stale",
      dependencies: [1],
      consumed: 1,
      produced: 1,
      reasons: ["x"],
    },
    {
      step: 3,
      uid: "ccc333",
      command: `python train.py ${"--flag ".repeat(30)}`,
      state: "active",
      dependencies: [1, 2],
      consumed: 2,
      produced: 1,
      reasons: [],
    },
  ],
  artifacts: [
    { path: 'data/"raw".csv', hash: "h0", state: "current", producer: null, consumers: [1], terminal: false },
    {
      path: "data/clean.csv",
      hash: "h1",
      state: "modified",
      producer: 1,
      consumers: [2, 3],
      terminal: false,
    },
    { path: "model.pt", hash: "h3", state: "current", producer: 3, consumers: [], terminal: true },
  ],
};

const hasDot = spawnSync("dot", ["-V"]).status === 0;

describe("renderDagText", () => {
  it("fits 80 columns, cuts long commands with …, names dependencies and marks stale steps", () => {
    const text = renderDagText(data, { width: 80 });
    const lines = text.split("\n");
    expect(lines[0]).toBe("Pipeline: 3 steps, 1 stale");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(text).toContain("← @1 @2");
    expect(lines.find((l) => l.includes("@2"))).toMatch(/…\s+← @1\s+\[stale\]$/);
    expect(lines.find((l) => l.includes("@3"))).toMatch(/^\s+└─ @3/);
    expect(text).not.toContain("\u001b[");
  });

  it("keeps deep steps with many dependencies within the width", () => {
    const steps = Array.from({ length: 14 }, (_, i) => ({
      step: i + 1,
      uid: `u${i}`,
      command: `python step_${i}.py --a-long-argument ${"x".repeat(40)}`,
      state: "stale" as const,
      dependencies: Array.from({ length: i }, (_, k) => k + 1),
      consumed: i,
      produced: 1,
      reasons: [],
    }));
    const text = renderDagText({ summary: { steps: 14, stale: 14 }, steps, artifacts: [] }, { width: 80 });
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(text).toMatch(/← @1 @2 .*…\(\+\d+\)/);
  });

  it("colours only when asked", () => {
    expect(renderDagText(data, { colour: true })).toContain("\u001b[33m[stale]");
  });

  it("lists sources and intermediate files with --artifacts", () => {
    const text = renderDagText(data, { artifacts: true });
    expect(text).toContain("Sources:");
    expect(text).toMatch(/→ data\/clean\.csv {2}→ @2 @3 {2}\[modified\]/);
    expect(text).toMatch(/→ model\.pt {2}\(final\)/);
  });
});

describe("DOT", () => {
  it("escapes quotes, backslashes and newlines inside labels", () => {
    expect(dotString('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"');
  });

  it.skipIf(!hasDot)("is accepted by Graphviz, with and without artifacts", () => {
    for (const artifacts of [false, true]) {
      const r = spawnSync("dot", ["-Tsvg"], { input: renderDagDot(data, { artifacts }), encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("<svg");
    }
  });
  if (!hasDot) console.log("views/dag.test: Graphviz 'dot' not found; skipped the render check");
});

describe("Mermaid", () => {
  it("replaces characters that would end or break a label with entity codes", () => {
    expect(mermaidText(`a "b" <c> & #d\ne`)).toBe("a #quot;b#quot; #lt;c#gt; #38; #35;d e");
  });

  it("renders nodes, edges and a stale class with no raw quotes inside labels", () => {
    const text = renderDagMermaid(data, { artifacts: true });
    expect(text.split("\n")[0]).toBe("flowchart LR");
    expect(text).toContain("s1_aaa111 --> s2_bbb222");
    expect(text).toContain("class s2_bbb222 stale");
    for (const m of text.matchAll(/\["(.*)"\]|\[\/"(.*)"\/\]/g)) expect((m[1] ?? m[2])!).not.toMatch(/["\n]/);
  });
});
