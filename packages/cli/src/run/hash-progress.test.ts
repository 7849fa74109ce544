import { describe, expect, it } from "vitest";
import type { HashArtifactsProgress } from "../hash/hash-artifacts.js";
import { describeProgress, hashProgressLine } from "./hash-progress.js";

const progress = (bytesDone: number, filesDone = 0): HashArtifactsProgress => ({
  path: "/p/model.pt",
  filesDone,
  filesTotal: 2,
  bytesDone,
  bytesTotal: 4e9,
  cached: false,
});

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 120, write: (s: string) => writes.push(s) } };
}

describe("hashProgressLine", () => {
  it("draws nothing on a non-terminal stderr", () => {
    const { writes, stream } = terminal(false);
    let t = 0;
    const line = hashProgressLine(stream, { now: () => t, delayMs: 0 });
    for (t = 0; t < 5000; t += 500) line.onProgress(progress(t * 1e6));
    line.finish();
    expect(writes).toEqual([]);
  });

  it("stays quiet for quick hashing, then redraws one line in place and erases it", () => {
    const { writes, stream } = terminal(true);
    let t = 0;
    const line = hashProgressLine(stream, { now: () => t, delayMs: 1000, intervalMs: 100 });
    t = 500;
    line.onProgress(progress(1e9));
    expect(writes).toEqual([]);
    t = 1500;
    line.onProgress(progress(2e9, 1));
    t = 1550; // within the redraw interval: skipped
    line.onProgress(progress(2.1e9, 1));
    t = 2000;
    line.onProgress(progress(3e9, 1));
    line.finish();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toBe("\r\x1b[Kroar: hashing 1/2 files · 1.9 GiB of 3.7 GiB · 1.2 GiB/s");
    expect(writes[1]).toContain("2.8 GiB of 3.7 GiB");
    expect(writes[2]).toBe("\r\x1b[K");
    expect(writes.join("")).not.toContain("\n");
  });

  it("does not erase anything when it never drew", () => {
    const { writes, stream } = terminal(true);
    const line = hashProgressLine(stream, { now: () => 0 });
    line.onProgress(progress(1));
    line.finish();
    expect(writes).toEqual([]);
  });

  it("fits the terminal width", () => {
    const writes: string[] = [];
    let t = 0;
    const line = hashProgressLine(
      { isTTY: true, columns: 30, write: (s: string) => writes.push(s) },
      { now: () => t, delayMs: 0 },
    );
    t = 10;
    line.onProgress(progress(5e8));
    expect(writes[0]!.replace("\r\x1b[K", "").length).toBeLessThanOrEqual(29);
  });
});

describe("describeProgress", () => {
  it("uses readable units", () => {
    expect(describeProgress({ ...progress(1500), bytesTotal: 2_500_000 }, 1)).toBe(
      "roar: hashing 0/2 files · 1.5 KiB of 2.4 MiB · 1.5 KiB/s",
    );
  });
});
