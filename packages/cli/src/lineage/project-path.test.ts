import { describe, expect, it } from "vitest";
import { toRecordedPath } from "./project-path.js";

describe("toRecordedPath", () => {
  it("records paths inside the project relative to its root", () => {
    expect(toRecordedPath("/p", "/p/sub", "../data/x.csv")).toBe("data/x.csv");
    expect(toRecordedPath("/p", "/p", "./model.pt")).toBe("model.pt");
  });
  it("keeps paths outside the project absolute", () => {
    expect(toRecordedPath("/p", "/p", "../other/x.csv")).toBe("/other/x.csv");
    expect(toRecordedPath("/p", "/p", "/etc/hosts")).toBe("/etc/hosts");
  });
  it("does not mistake a sibling with a common prefix for the project", () => {
    expect(toRecordedPath("/p", "/p", "/p2/x")).toBe("/p2/x");
  });
});
