import { describe, expect, it } from "vitest";
import { preflightPreload } from "./preflight.js";

describe("preflightPreload", () => {
  it("passes on this Linux machine with the library built, and caches its answer", async () => {
    const first = preflightPreload();
    expect(await first).toEqual({ ok: true });
    expect(preflightPreload()).toBe(first);
  });
});
