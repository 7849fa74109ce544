// The workload cannot tell roar is there: exit codes, signals, stdout/stderr bytes, stdin.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { discoverPythons } from "@roar/abi-probe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, bin, cleanEnv, type TmpProject, tmpProject } from "./run-support.js";

const python = discoverPythons().at(-1);
if (!python) console.log("run-transparency: skipped, no local CPython 3.8+ found");
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "roar-run-cache-"));
let p: TmpProject;
beforeAll(() => {
  assertBuilt();
  p = tmpProject(cache);
});
afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

describe.skipIf(!python)("roar run is transparent", () => {
  it.each([0, 1, 3])("exit code %i is roar's exit code and is recorded", (code) => {
    const argv = [python!, "-c", `import sys; sys.exit(${code})`];
    expect(p.bare(argv).code).toBe(code);
    const r = p.roar(["run", ...argv]);
    expect(r.code, r.err).toBe(code);
    expect(p.job()).toMatchObject({ exitCode: code, signal: null });
  });

  it("a child that kills itself with SIGTERM: roar exits 143 and records the signal", () => {
    const argv = [python!, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"];
    expect(p.bare(argv).signal).toBe("SIGTERM");
    for (const tracer of ["python", "strace", "preload"]) {
      const r = p.roar(["run", "--tracer", tracer, ...argv]);
      expect(r.code, `${tracer}: ${r.err}`).toBe(143);
      expect(p.job()).toMatchObject({ signal: "SIGTERM", exitCode: null });
      expect(r.err).toMatch(/killed by SIGTERM/);
    }
  });

  it("binary stdout with all 256 byte values is identical", () => {
    const argv = [python!, "-c", "import sys; sys.stdout.buffer.write(bytes(range(256)) * 3)"];
    const bare = p.bare(argv);
    const wrapped = p.roar(["run", ...argv]);
    expect(wrapped.code, wrapped.err).toBe(0);
    expect(bare.stdout.length).toBe(768);
    expect(Buffer.compare(wrapped.stdout, bare.stdout)).toBe(0);
  });

  it("several MB of stderr are identical, apart from roar's own summary line at the end", () => {
    const argv = [
      python!,
      "-c",
      "import sys\nfor i in range(60000): sys.stderr.write('line %06d ' % i + 'x' * 80 + '\\n')",
    ];
    const bare = p.bare(argv);
    const wrapped = p.roar(["run", "--tracer", "strace", ...argv]);
    expect(wrapped.code).toBe(0);
    expect(bare.stderr.length).toBeGreaterThan(5_000_000);
    const head = wrapped.stderr.subarray(0, bare.stderr.length);
    expect(Buffer.compare(head, bare.stderr)).toBe(0);
    expect(wrapped.stderr.subarray(bare.stderr.length).toString()).toMatch(/^roar: @\d+ recorded — /);
  });

  it("stdin is passed through", () => {
    const input = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 256));
    const argv = [
      python!,
      "-c",
      "import sys, hashlib; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())",
    ];
    const bare = p.bare(argv, { input });
    const wrapped = p.roar(["run", ...argv], { input });
    expect(wrapped.code, wrapped.err).toBe(0);
    expect(wrapped.stdout.toString()).toBe(bare.stdout.toString());
    expect(bare.stdout.toString()).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it("passes the command's own flags through, even --help and --debug", () => {
    const r = p.roar([
      "run",
      python!,
      "-c",
      "import sys; print(sys.argv[1:])",
      "--lr",
      "0.1",
      "--help",
      "--debug",
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.stdout.toString()).toBe("['--lr', '0.1', '--help', '--debug']\n");
  });

  // bin/roar starts roar's own Node without NODE_EXTRA_CA_CERTS (parsing the CA bundle is ≈60 ms of
  // every start) and puts it back before anything else runs: the workload's environment is its own.
  it.each([
    ["set", "/etc/ssl/certs/some bundle.pem"],
    ["set but empty", ""],
    ["unset", undefined],
  ])("NODE_EXTRA_CA_CERTS %s reaches the command exactly as without roar", (_what, value) => {
    const argv = [
      python!,
      "-c",
      "import os; print(repr(os.environ.get('NODE_EXTRA_CA_CERTS', '<unset>')), sorted(k for k in os.environ if 'SAVED' in k))",
    ];
    const env = { NODE_EXTRA_CA_CERTS: value };
    const bare = p.bare(argv, { env });
    const wrapped = p.roar(["run", ...argv], { env });
    expect(wrapped.code, wrapped.err).toBe(0);
    expect(bare.stdout.toString()).toBe(`'${value ?? "<unset>"}' []\n`);
    expect(wrapped.stdout.toString()).toBe(bare.stdout.toString());
  });

  it.each(["python", "strace", "preload"])(
    "SIGTERM sent to roar reaches the command (--tracer %s)",
    async (tracer) => {
      const script = "import sys, time\nprint('ready', flush=True)\ntime.sleep(60)\n";
      const child = spawn(bin, ["run", "--tracer", tracer, python!, "-c", script], {
        cwd: p.root,
        env: { ...cleanEnv, XDG_CACHE_HOME: cache },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      const started = Date.now();
      child.kill("SIGTERM");
      const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
      expect(code, err).toBe(143);
      expect(Date.now() - started).toBeLessThan(30_000); // the sleeping command died; roar did not wait it out
      expect(p.job()).toMatchObject({ signal: "SIGTERM" });
    },
  );
});
