import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectExecutable } from "./inspect-executable.js";
import { compileC, tempDir } from "./test-utils/run-traced.js";

const LIBC_A = [
  "/usr/lib/x86_64-linux-gnu/libc.a",
  "/usr/lib/aarch64-linux-gnu/libc.a",
  "/usr/lib/libc.a",
  "/usr/lib64/libc.a",
];
const staticLibc = LIBC_A.find((p) => fs.existsSync(p));
if (!staticLibc) console.log(`skipping the static-binary case: no libc.a in ${LIBC_A.join(", ")}`);

const HELLO = `#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n`;

describe("inspectExecutable", () => {
  it("calls an ordinary dynamically linked program traceable", () => {
    expect(inspectExecutable("/bin/sh")).toEqual({ traceable: true });
    const dir = tempDir();
    expect(inspectExecutable(compileC(dir, "dyn", HELLO))).toEqual({ traceable: true });
  });

  it.runIf(staticLibc)("reports a statically linked program as static (LD_PRELOAD cannot reach it)", () => {
    const dir = tempDir();
    expect(inspectExecutable(compileC(dir, "stat", HELLO, ["-static"]))).toEqual({
      traceable: false,
      reason: "static",
    });
  });

  it.runIf(staticLibc)("reports a static-pie program as static", () => {
    const dir = tempDir();
    let exe: string;
    try {
      exe = compileC(dir, "spie", HELLO, ["-static-pie"]);
    } catch {
      console.log("skipping static-pie: the compiler cannot link one here");
      return;
    }
    expect(inspectExecutable(exe)).toEqual({ traceable: false, reason: "static" });
  });

  it("reports a set-user-ID program (ld.so ignores LD_PRELOAD for it)", () => {
    const dir = tempDir();
    const exe = path.join(dir, "suid-true");
    fs.copyFileSync(fs.realpathSync("/bin/true"), exe);
    fs.chmodSync(exe, 0o4755);
    expect(inspectExecutable(exe)).toEqual({ traceable: false, reason: "setuid" });
    fs.chmodSync(exe, 0o2755);
    expect(inspectExecutable(exe)).toEqual({ traceable: false, reason: "setuid" });
    fs.chmodSync(exe, 0o755);
    expect(inspectExecutable(exe)).toEqual({ traceable: true });
  });

  it("reports missing files and files that are not programs", () => {
    const dir = tempDir();
    expect(inspectExecutable(path.join(dir, "nope"))).toEqual({ traceable: false, reason: "missing" });
    fs.writeFileSync(path.join(dir, "data.bin"), "just text, not ELF");
    expect(inspectExecutable(path.join(dir, "data.bin"))).toEqual({ traceable: false, reason: "not-elf" });
    expect(inspectExecutable(dir)).toEqual({ traceable: false, reason: "not-elf" });
  });

  it("judges a #! script by its interpreter", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "env-script"), "#!/usr/bin/env python3\nprint(1)\n", { mode: 0o755 });
    expect(inspectExecutable(path.join(dir, "env-script"))).toEqual({ traceable: true });
    if (staticLibc) {
      const interp = compileC(dir, "static-interp", HELLO, ["-static"]);
      fs.writeFileSync(path.join(dir, "static-script"), `#!${interp} -x\n`, { mode: 0o755 });
      expect(inspectExecutable(path.join(dir, "static-script"))).toEqual({
        traceable: false,
        reason: "static",
      });
    }
    fs.writeFileSync(path.join(dir, "dangling"), "#!/no/such/interpreter\n", { mode: 0o755 });
    expect(inspectExecutable(path.join(dir, "dangling"))).toEqual({ traceable: false, reason: "missing" });
  });

  it("reports an ELF built for another machine as foreign-arch", () => {
    const dir = tempDir();
    const exe = path.join(dir, "foreign");
    const bytes = fs.readFileSync(fs.realpathSync("/bin/true"));
    bytes.writeUInt16LE(bytes.readUInt16LE(18) === 62 ? 183 : 62, 18); // swap x86-64 <-> AArch64
    fs.writeFileSync(exe, bytes, { mode: 0o755 });
    expect(inspectExecutable(exe)).toEqual({ traceable: false, reason: "foreign-arch" });
  });
});
