import { describe, expect, it } from "vitest";
import { nameHash } from "./name-hash.js";

describe("nameHash", () => {
  it("is 32 hex digits, the same for the same text", () => {
    const h = nameHash("/usr/bin/python3.11");
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(nameHash("/usr/bin/python3.11")).toBe(h);
  });

  it("tells apart paths that differ in one character, in length, or beyond ASCII", () => {
    const paths = new Set<string>();
    for (let i = 0; i < 20_000; i++)
      paths.add(nameHash(`/home/u/.pyenv/versions/3.${i % 14}.${i}/bin/python`));
    for (const p of ["", "a", "b", "ab", "ba", "/venv/bin/python", "/venv/bin/pythoň", "/venv/bin/python "])
      paths.add(nameHash(p));
    expect(paths.size).toBe(20_008);
  });
});
