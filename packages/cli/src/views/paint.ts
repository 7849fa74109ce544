/**
 * Colour for the lineage views: only when stdout is a TTY and NO_COLOR is unset or empty
 * (https://no-color.org), so piped output and tests are plain text.
 */
export type Paint = Record<"red" | "yellow" | "dim" | "bold" | "green", (text: string) => string>;

export function colourEnabled(stream: { isTTY?: boolean } = process.stdout, env = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

const codes = { red: [31, 39], yellow: [33, 39], green: [32, 39], dim: [2, 22], bold: [1, 22] } as const;

export function paint(enabled: boolean): Paint {
  const make = (name: keyof typeof codes) => (text: string) =>
    enabled ? `\u001b[${codes[name][0]}m${text}\u001b[${codes[name][1]}m` : text;
  return {
    red: make("red"),
    yellow: make("yellow"),
    green: make("green"),
    dim: make("dim"),
    bold: make("bold"),
  };
}

/** Cut `text` to `width` columns, ending with `…` when it was longer. */
export function cut(text: string, width: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, " ");
  if (oneLine.length <= width) return oneLine;
  return width <= 1 ? "…".slice(0, width) : `${oneLine.slice(0, width - 1)}…`;
}

export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY && stream.columns ? Math.max(40, stream.columns) : 80;
}
