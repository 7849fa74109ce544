import { describe, expect, it } from "vitest";
import {
  colours,
  humanDuration,
  humanSize,
  relativeTime,
  statusText,
  table,
  truncate,
  useColour,
} from "./format.js";

describe("format", () => {
  it("sizes, durations and times read like a person wrote them", () => {
    expect([0, 512, 1536, 5 * 1024 ** 2, 1024 ** 3 * 150].map(humanSize)).toEqual([
      "0 B",
      "512 B",
      "1.5 KiB",
      "5.0 MiB",
      "150 GiB",
    ]);
    expect(
      [850, 1500, 12_300, 754_000, 7_500_000, 3 * 86_400_000 + 4 * 3_600_000].map(humanDuration),
    ).toEqual(["850ms", "1.50s", "12.3s", "12m34s", "2h05m", "3d04h"]);
    const now = Date.UTC(2026, 0, 10, 12);
    expect(relativeTime(now - 10_000, now)).toBe("just now");
    expect(relativeTime(now - 5 * 60_000, now)).toBe("5 min ago");
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(relativeTime(now - 4 * 86_400_000, now)).toBe("4 days ago");
  });

  it("aligns columns without trailing spaces and cuts with …", () => {
    expect(
      table(
        [
          ["@1", "12s", "python3 a.py"],
          ["@10", "1.50s", "b"],
        ],
        { alignRight: [1] },
      ),
    ).toEqual(["@1     12s  python3 a.py", "@10  1.50s  b"]);
    expect(truncate("python3 train.py --epochs 3", 12)).toBe("python3 tra…");
    expect(truncate("short", 12)).toBe("short");
  });

  it("colours only on a TTY, never with NO_COLOR, and when FORCE_COLOR asks", () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(useColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(useColour({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(useColour({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(false);
    expect(colours(false).red("x")).toBe("x");
    expect(colours(true).red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(
      table([
        [colours(true).bold("@1"), "a"],
        ["@10", "b"],
      ])[0],
    ).toBe("\u001b[1m@1\u001b[22m   a");
  });

  it("says how a job ended", () => {
    expect(statusText({ status: "success", exitCode: 0, signal: null })).toBe("Success");
    expect(statusText({ status: "failed", exitCode: 2, signal: null })).toBe("Failed (exit 2)");
    expect(statusText({ status: "killed", exitCode: null, signal: "SIGINT" })).toBe("Killed (SIGINT)");
  });
});
