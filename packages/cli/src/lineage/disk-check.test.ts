import { afterEach, describe, expect, it } from "vitest";
import { type FixtureProject, fixtureProject } from "../test-utils/lineage-store.js";
import { createIndexedDiskCheck } from "./disk-check.js";
import { concat } from "./lineage-model.js";

let fx: FixtureProject;
afterEach(() => fx?.close());

const [paths, pathEnd] = concat(["old.txt", "gone.txt", "new.txt"]);
const files = { paths, pathEnd };

describe("createIndexedDiskCheck", () => {
  it("takes a file untouched since well before the job ended as recorded, without hashing it", () => {
    fx = fixtureProject();
    fx.write("old.txt", "old");
    const hashFile = () => {
      throw new Error("hashed");
    };
    const check = createIndexedDiskCheck(fx.root, fx.db, files, { hashFile });
    expect(check(0, Date.now() + 60_000, () => "whatever")).toBe("same");
    expect(check(1, Date.now(), () => "whatever")).toBe("missing");
  });

  it("hashes a file changed after the job and compares content, not only size", () => {
    fx = fixtureProject();
    fx.write("new.txt", "abc");
    let hashed = 0;
    const check = createIndexedDiskCheck(fx.root, fx.db, files, {
      hashFile: () => {
        hashed++;
        return "h-now";
      },
    });
    expect(check(2, Date.now() - 60_000, () => "h-then")).toBe("modified");
    expect(check(2, Date.now() - 60_000, () => "h-now")).toBe("same");
    expect(hashed).toBe(1);
  });

  it("calls a path that is now a directory modified, and one under a file missing, without hashing", () => {
    fx = fixtureProject();
    fx.write("data/part.csv", "p");
    fx.write("flat", "not a directory");
    const [paths, pathEnd] = concat(["data", "flat/part.csv"]);
    const check = createIndexedDiskCheck(
      fx.root,
      fx.db,
      { paths, pathEnd },
      {
        hashFile: () => {
          throw new Error("hashed");
        },
      },
    );
    expect(check(0, Date.now() + 60_000, () => "h")).toBe("modified");
    expect(check(1, Date.now() + 60_000, () => "h")).toBe("missing");
  });
});
