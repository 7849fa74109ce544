import { afterEach, describe, expect, it } from "vitest";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { createIndexedDiskCheck } from "./disk-check.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

const files = ["old.txt", "gone.txt", "new.txt"];

describe("createIndexedDiskCheck", () => {
  it("takes a file untouched since well before the job ended as recorded, without hashing it", () => {
    fx = fixtureProject();
    fx.write("old.txt", "old");
    const hashFile = () => {
      throw new Error("hashed");
    };
    const check = createIndexedDiskCheck(fx.root, fx.db, (i) => files[i]!, files.length, { hashFile });
    expect(check(0, Date.now() + 60_000, () => "whatever")).toBe("same");
    expect(check(1, Date.now(), () => "whatever")).toBe("missing");
  });

  it("hashes a file changed after the job and compares content, not only size", () => {
    fx = fixtureProject();
    fx.write("new.txt", "abc");
    let hashed = 0;
    const check = createIndexedDiskCheck(fx.root, fx.db, (i) => files[i]!, files.length, {
      hashFile: () => {
        hashed++;
        return "h-now";
      },
    });
    expect(check(2, Date.now() - 60_000, () => "h-then")).toBe("modified");
    expect(check(2, Date.now() - 60_000, () => "h-now")).toBe("same");
    expect(hashed).toBe(1);
  });
});
