import fs from "node:fs";
import path from "node:path";
import { discoverPythons } from "@roar/abi-probe";
import { describe, expect, it } from "vitest";
import type { PreloadLogs, TraceEvent } from "./read-logs.js";
import { compileC, has, run, runTraced, tempDir } from "./test-utils/run-traced.js";

// The interposer itself, exercised the way a job uses it: real programs under LD_PRELOAD, with
// assertions on what the logs say and on the workload being unchanged.

const pythons = discoverPythons();
const python = pythons[0];
if (!python) console.log("skipping Python scenarios: discoverPythons() found no interpreter");

function events(logs: PreloadLogs, op: TraceEvent["op"], file: string): TraceEvent[] {
  return logs.events.filter((e) => e.op === op && e.path === file);
}

function expectEvent(logs: PreloadLogs, op: TraceEvent["op"], file: string, dest?: string): TraceEvent {
  const found = logs.events.find(
    (e) => e.op === op && e.path === file && (dest === undefined || e.dest === dest),
  );
  expect(
    found,
    `${op} ${file}${dest ? ` -> ${dest}` : ""} in\n${JSON.stringify(
      logs.events.filter((e) => !e.path.includes("python")),
      null,
      1,
    )}`,
  ).toBeDefined();
  return found!;
}

describe.runIf(python)("Python workloads", () => {
  it.each(pythons)("records open/read/write/rename/remove/mkdir and a subprocess under %s", async (py) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "input.txt"), "in\n");
    fs.writeFileSync(path.join(dir, "doomed.txt"), "x");
    fs.writeFileSync(
      path.join(dir, "job.py"),
      [
        "import os, subprocess",
        "data = open('input.txt').read()",
        "with open('out.tmp', 'w') as f: f.write(data.upper())",
        "os.replace('out.tmp', 'out.txt')",
        "os.remove('doomed.txt')",
        "os.mkdir('made')",
        "os.rmdir('made')",
        "with open('both.txt', 'a+') as f: f.write('z')",
        // Python 3.10+ starts children with vfork and closes inherited descriptors (close_fds)
        "subprocess.run(['cat', 'input.txt'], check=True, stdout=subprocess.DEVNULL)",
        "print('done')",
      ].join("\n"),
    );
    const r = await runTraced(py, ["job.py"], { cwd: dir });
    expect(r.stderr.toString()).toBe("");
    expect(r.stdout.toString()).toBe("done\n");
    expect(r.code).toBe(0);
    const { logs } = r;
    const root = expectEvent(logs, "read", `${dir}/input.txt`).pid;
    expectEvent(logs, "write", `${dir}/out.tmp`);
    expectEvent(logs, "rename", `${dir}/out.tmp`, `${dir}/out.txt`);
    expectEvent(logs, "delete", `${dir}/doomed.txt`);
    expectEvent(logs, "mkdir", `${dir}/made`);
    expectEvent(logs, "rmdir", `${dir}/made`);
    expectEvent(logs, "readwrite", `${dir}/both.txt`);
    const catReads = events(logs, "read", `${dir}/input.txt`).filter((e) => e.pid !== root);
    expect(catReads).toHaveLength(1);
    const cat = logs.processes.find((p) => p.pid === catReads[0]!.pid);
    expect(cat).toMatchObject({ ppid: root, argv: ["cat", "input.txt"] });
    expect(logs.events.some((e) => e.op === "exec" && e.pid === cat!.pid && e.argv?.[0] === "cat")).toBe(
      true,
    );
    expect(logs.errors).toEqual([]);
  });

  it("records fopen from native code (ctypes), which audit hooks cannot see", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "native.txt"), "bytes");
    fs.writeFileSync(
      path.join(dir, "job.py"),
      [
        "import ctypes",
        "libc = ctypes.CDLL(None)",
        "libc.fopen.restype = ctypes.c_void_p",
        "libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]",
        "libc.fclose.argtypes = [ctypes.c_void_p]",
        "for name, mode in ((b'native.txt', b'r'), (b'native-out.txt', b'w')):",
        "    f = libc.fopen(name, mode)",
        "    assert f",
        "    libc.fclose(f)",
      ].join("\n"),
    );
    const { code, logs } = await runTraced(python!, ["job.py"], { cwd: dir });
    expect(code).toBe(0);
    expectEvent(logs, "read", `${dir}/native.txt`);
    expectEvent(logs, "write", `${dir}/native-out.txt`);
  });

  it("records files written by multiprocessing pool workers", async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "job.py"),
      [
        "import multiprocessing, os",
        "def work(i):",
        "    with open(f'part-{i}.txt', 'w') as f: f.write(str(os.getpid()))",
        "    return os.getpid()",
        "if __name__ == '__main__':",
        "    with multiprocessing.Pool(3) as pool: pids = pool.map(work, range(6))",
        "    print(len(set(pids)) >= 1)",
      ].join("\n"),
    );
    const { code, logs } = await runTraced(python!, ["job.py"], { cwd: dir });
    expect(code).toBe(0);
    for (let i = 0; i < 6; i++) {
      const written = expectEvent(logs, "write", `${dir}/part-${i}.txt`);
      // the worker that wrote it is the pid the file names, and it is a known traced process
      expect(String(written.pid)).toBe(fs.readFileSync(path.join(dir, `part-${i}.txt`), "utf8"));
      expect(logs.processes.some((p) => p.pid === written.pid)).toBe(true);
    }
  });
});

describe("native programs and shells", () => {
  it("records a shell redirect and the program reading its input: bash -c 'sort a > b'", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a"), "2\n1\n");
    const { code, logs } = await runTraced("bash", ["-c", "sort a > b"], { cwd: dir });
    expect(code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "b"), "utf8")).toBe("1\n2\n");
    const read = expectEvent(logs, "read", `${dir}/a`);
    const write = expectEvent(logs, "write", `${dir}/b`);
    expect(read.pid).toBe(write.pid); // the forked shell opens b, then execs sort in the same pid
    expect(
      logs.events.some((e) => e.op === "exec" && e.pid === read.pid && path.basename(e.path) === "sort"),
    ).toBe(true);
  });

  it("records cp a b", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a"), "payload");
    const { code, logs } = await runTraced("cp", ["a", "b"], { cwd: dir });
    expect(code).toBe(0);
    expectEvent(logs, "read", `${dir}/a`);
    expectEvent(logs, "write", `${dir}/b`);
  });

  it.runIf(has("make") && has("cc"))("records make running cc on a C file", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "hello.c"), "int main(void) { return 0; }\n");
    fs.writeFileSync(path.join(dir, "Makefile"), "hello: hello.c\n\tcc -o hello hello.c\n");
    const { code, logs } = await runTraced("make", ["-s"], { cwd: dir });
    expect(code).toBe(0);
    expectEvent(logs, "read", `${dir}/Makefile`);
    expectEvent(logs, "read", `${dir}/hello.c`);
    expect(
      logs.events.some((e) => e.path === `${dir}/hello` && (e.op === "write" || e.op === "readwrite")),
    ).toBe(true);
    expect(logs.events.some((e) => e.op === "exec" && e.argv?.join(" ") === "cc -o hello hello.c")).toBe(
      true,
    );
  });

  it("follows a child started with execve and an EMPTY environment", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "secret.txt"), "s");
    const exe = compileC(
      dir,
      "emptyenv",
      `#include <unistd.h>
       int main(void) {
         char *argv[] = {"cat", "secret.txt", 0};
         char *envp[] = {0};
         execve("/bin/cat", argv, envp);
         return 127;
       }`,
    );
    const { code, stdout, logs } = await runTraced(exe, [], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout.toString()).toBe("s");
    expectEvent(logs, "read", `${dir}/secret.txt`);
    const cat = logs.processes.find((p) => p.argv.join(" ") === "cat secret.txt");
    expect(cat?.exe).toBe(fs.realpathSync("/bin/cat"));
  });

  it("records posix_spawn children and drops execs that failed", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "in.txt"), "i");
    const exe = compileC(
      dir,
      "spawner",
      `#include <spawn.h>
       #include <sys/wait.h>
       #include <unistd.h>
       extern char **environ;
       int main(void) {
         char *argv[] = {"cat", "in.txt", 0};
         pid_t pid; int status;
         if (posix_spawnp(&pid, "cat", 0, 0, argv, environ) != 0) return 1;
         waitpid(pid, &status, 0);
         execvp("no-such-program-roar", argv);
         return 0;
       }`,
    );
    const { code, logs } = await runTraced(exe, [], { cwd: dir });
    expect(code).toBe(0);
    const read = expectEvent(logs, "read", `${dir}/in.txt`);
    expect(
      logs.events.some((e) => e.op === "exec" && e.pid === read.pid && path.basename(e.path) === "cat"),
    ).toBe(true);
    expect(logs.events.some((e) => e.op === "exec" && e.path.includes("no-such-program"))).toBe(false);
  });

  it("keeps recording after the program closes every descriptor (daemons, closerange)", async () => {
    const dir = tempDir();
    const exe = compileC(
      dir,
      "closer",
      `#include <fcntl.h>
       #include <unistd.h>
       int main(void) {
         for (int fd = 3; fd < 4096; fd++) close(fd);
         int fd = open("after-close.txt", O_WRONLY | O_CREAT, 0644);
         return fd < 0;
       }`,
    );
    const { code, logs } = await runTraced(exe, [], { cwd: dir });
    expect(code).toBe(0);
    expectEvent(logs, "write", `${dir}/after-close.txt`);
  });

  it("loses no event and tears no line when threads open files concurrently", async () => {
    const dir = tempDir();
    const exe = compileC(
      dir,
      "threads",
      `#include <fcntl.h>
       #include <pthread.h>
       #include <stdio.h>
       #include <unistd.h>
       static void *work(void *arg) {
         char name[64];
         for (int i = 0; i < 250; i++) {
           snprintf(name, sizeof name, "t%ld-%d.txt", (long)arg, i);
           int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
           if (fd >= 0) close(fd);
         }
         return 0;
       }
       int main(void) {
         pthread_t t[4];
         for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, work, (void *)i);
         for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
         return 0;
       }`,
      ["-pthread"],
    );
    const { code, logs } = await runTraced(exe, [], { cwd: dir });
    expect(code).toBe(0);
    const written = new Set(logs.events.filter((e) => e.op === "write").map((e) => e.path));
    for (let t = 0; t < 4; t++)
      for (let i = 0; i < 250; i++) expect(written.has(`${dir}/t${t}-${i}.txt`)).toBe(true);
    expect(logs.errors).toEqual([]);
  });

  it("escapes paths with tabs, newlines and backslashes", async () => {
    const dir = tempDir();
    const odd = "we\tird\nna\\me.txt";
    fs.writeFileSync(path.join(dir, odd), "x");
    const { code, logs } = await runTraced("cat", [odd], { cwd: dir });
    expect(code).toBe(0);
    expectEvent(logs, "read", path.join(dir, odd));
  });
});

describe("processes that name no file", () => {
  // Most processes of a shell loop name no file: their parent's exec line is their whole record,
  // and they write nothing themselves. Those whose exec nobody logged still announce themselves.

  /** The log's raw lines, to see who wrote what. */
  function rawLines(logDir: string): string[] {
    const file = path.join(logDir, "preload.log");
    const bytes = fs.readFileSync(file);
    const used = Number(bytes.readBigUInt64LE(8));
    return bytes
      .subarray(64, 64 + used)
      .toString("utf8")
      .split("\n")
      .filter(Boolean);
  }

  it("knows a shell's /bin/true children from the shell's exec lines alone", async () => {
    const { code, logs, logDir } = await runTraced("bash", ["-c", "/bin/true; /bin/true; echo done"]);
    expect(code).toBe(0);
    const shell = logs.processes.find((p) => p.argv[0] === "bash");
    expect(shell).toBeDefined();
    const trues = logs.processes.filter((p) => p.exe === fs.realpathSync("/bin/true"));
    expect(trues).toHaveLength(2);
    for (const t of trues) {
      expect(t).toMatchObject({ ppid: shell!.pid, argv: ["/bin/true"] });
      expect(logs.events.filter((e) => e.op === "exec" && e.pid === t.pid)).toEqual([
        { pid: t.pid, op: "exec", path: "/bin/true", argv: ["/bin/true"] },
      ]);
    }
    // what each true wrote itself: nothing (no proc line, no event under its pid but the exec)
    const lines = rawLines(logDir);
    for (const t of trues) expect(lines.filter((l) => l.split("\t")[1] === String(t.pid))).toHaveLength(1);
    expect(logs.errors).toEqual([]);
  });

  it("announces a child once it names a file, with its parent", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "in.txt"), "x");
    const { code, logs, logDir } = await runTraced("bash", ["-c", "cat in.txt >/dev/null; true"], {
      cwd: dir,
    });
    expect(code).toBe(0);
    const read = expectEvent(logs, "read", `${dir}/in.txt`);
    const own = rawLines(logDir).filter((l) => l.startsWith(`proc\t${read.pid}\t`));
    expect(own).toHaveLength(1);
    const [, , ppid, kind, , exe] = own[0]!.split("\t");
    expect(kind).toBe("start");
    expect(exe).toBe(fs.realpathSync("/bin/cat"));
    expect(logs.processes.find((p) => p.pid === read.pid)).toMatchObject({
      ppid: Number(ppid),
      argv: ["cat", "in.txt"],
    });
  });

  it("records a posix_spawn child that names no file, and hides the exec mark from programs", async () => {
    const dir = tempDir();
    const exe = compileC(
      dir,
      "spawn-true",
      `#include <spawn.h>
       #include <stdio.h>
       #include <stdlib.h>
       #include <sys/wait.h>
       extern char **environ;
       int main(void) {
         char *argv[] = {"true", 0};
         pid_t pid; int status;
         if (posix_spawn(&pid, "/bin/true", 0, 0, argv, environ) != 0) return 1;
         waitpid(pid, &status, 0);
         printf("%d %s\\n", (int)pid, getenv("ROAR_PRELOAD_EXEC") ? "marked" : "clean");
         return 0;
       }`,
    );
    const { code, stdout, logs } = await runTraced(exe, [], { cwd: dir });
    expect(code).toBe(0);
    const [childPid, env] = stdout.toString().trim().split(" ");
    expect(env).toBe("clean");
    const root = logs.processes.find((p) => p.exe === exe);
    expect(logs.processes.find((p) => p.pid === Number(childPid))).toMatchObject({
      ppid: root!.pid,
      exe: fs.realpathSync("/bin/true"),
      argv: ["true"],
    });
  });

  it("still records images nobody logged the exec of: the job's command and system()'s shell", async () => {
    const dir = tempDir();
    const exe = compileC(
      dir,
      "system-true",
      `#include <stdlib.h>
       int main(void) { return system("/bin/true") == 0 ? 0 : 1; }`,
    );
    const { code, logs } = await runTraced(exe, [], { cwd: dir });
    expect(code).toBe(0);
    const execs = logs.events.filter((e) => e.op === "exec").map((e) => fs.realpathSync(e.path));
    // the command itself and system()'s shell were started out of the library's sight
    expect(execs).toContain(exe);
    expect(execs).toContain(fs.realpathSync("/bin/sh"));
    expect(execs).toContain(fs.realpathSync("/bin/true"));
    const shells = logs.processes.filter((p) => p.argv[0] === "sh");
    expect(shells.length).toBeGreaterThan(0);
  });

  it("labels a forked child's files with its own pid when its parent had logged nothing yet", async () => {
    const dir = tempDir();
    const exe = compileC(
      dir,
      "forker",
      `#include <fcntl.h>
       #include <stdio.h>
       #include <sys/wait.h>
       #include <unistd.h>
       int main(void) {
         fflush(stdout);
         pid_t pid = fork();
         if (pid == 0) {
           close(open("child.txt", O_WRONLY | O_CREAT, 0644));
           printf("child %d\\n", (int)getpid());
           return 0;
         }
         waitpid(pid, 0, 0);
         close(open("parent.txt", O_WRONLY | O_CREAT, 0644));
         printf("parent %d\\n", (int)getpid());
         return 0;
       }`,
    );
    // run from a traced shell, so the program's exec is logged and it starts without announcing
    const { code, stdout, logs } = await runTraced("bash", ["-c", `${exe}; true`], { cwd: dir });
    expect(code).toBe(0);
    const pids = Object.fromEntries(
      stdout
        .toString()
        .trim()
        .split("\n")
        .map((l) => l.split(" ") as [string, string]),
    );
    expect(expectEvent(logs, "write", `${dir}/child.txt`).pid).toBe(Number(pids.child));
    expect(expectEvent(logs, "write", `${dir}/parent.txt`).pid).toBe(Number(pids.parent));
    expect(logs.processes.find((p) => p.pid === Number(pids.child))).toMatchObject({
      ppid: Number(pids.parent),
      exe,
    });
  });

  it("keeps the environment programs see free of the exec mark", async () => {
    const { code, stdout } = await runTraced("bash", ["-c", "env; sh -c env"]);
    expect(code).toBe(0);
    expect(stdout.toString()).toContain("ROAR_PRELOAD_LOG_DIR=");
    expect(stdout.toString()).not.toContain("ROAR_PRELOAD_EXEC");
  });
});

describe("durability and the fallback log", () => {
  it.runIf(python)("keeps what a process recorded before it was killed with SIGKILL", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "seen.txt"), "x");
    const script =
      "import os, signal\nopen('seen.txt').read()\nopen('made.txt', 'w').close()\nos.kill(os.getpid(), signal.SIGKILL)\n";
    const bare = await run(python!, ["-c", script], { cwd: dir });
    const traced = await runTraced(python!, ["-c", script], { cwd: dir });
    expect(bare.signal).toBe("SIGKILL");
    expect(traced.signal).toBe("SIGKILL");
    expectEvent(traced.logs, "read", `${dir}/seen.txt`);
    expectEvent(traced.logs, "write", `${dir}/made.txt`);
  });

  it("grows the shared log past its first chunk without losing a line", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a-file-with-a-rather-long-name-to-fill-the-log-faster.txt"), "x");
    const exe = compileC(
      dir,
      "many",
      `#include <fcntl.h>
       #include <unistd.h>
       int main(void) {
         for (int i = 0; i < 30000; i++) {
           int fd = open("a-file-with-a-rather-long-name-to-fill-the-log-faster.txt", O_RDONLY);
           if (fd < 0) return 1;
           close(fd);
         }
         return 0;
       }`,
    );
    const { code, logs, logDir } = await runTraced(exe, [], { cwd: dir });
    expect(code).toBe(0);
    expect(fs.statSync(path.join(logDir, "preload.log")).size).toBeGreaterThan(2 * 1024 * 1024);
    expect(logs.events.filter((e) => e.op === "read" && e.path.endsWith("log-faster.txt"))).toHaveLength(
      30000,
    );
    expect(logs.errors).toEqual([]);
  });

  it("records the same events through the per-process fallback files", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a"), "2\n1\n");
    const { code, logs, logDir } = await runTraced("bash", ["-c", "sort a > b; cp b c; rm b"], {
      cwd: dir,
      env: { ...process.env, ROAR_PRELOAD_MODE: "append" },
    });
    expect(code).toBe(0);
    const files = fs.readdirSync(logDir);
    expect(files).not.toContain("preload.log");
    expect(files.every((f) => /^preload-\d+-[0-9a-f]+\.log$/.test(f))).toBe(true);
    expectEvent(logs, "read", `${dir}/a`);
    expectEvent(logs, "write", `${dir}/b`);
    expectEvent(logs, "write", `${dir}/c`);
    expectEvent(logs, "delete", `${dir}/b`);
    expect(logs.errors).toEqual([]);
  });
});

describe("the workload is unchanged", () => {
  it("sees the same errno, exit code, stdout and stderr bytes with and without preload", async () => {
    const dir = tempDir();
    const exe = compileC(
      dir,
      "errnos",
      `#include <errno.h>
       #include <fcntl.h>
       #include <stdio.h>
       #include <string.h>
       #include <unistd.h>
       int main(void) {
         errno = 0;
         int fd = open("missing/file", O_RDONLY);
         printf("open %d errno %d\\n", fd, errno);
         errno = 0;
         FILE *f = fopen("missing.txt", "r");
         printf("fopen %p errno %d\\n", (void *)f, errno);
         errno = 12345;  /* a successful call must leave errno alone too */
         fd = open("present.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
         printf("open ok %d errno %d\\n", fd >= 0, errno);
         errno = 0;
         printf("rename %d errno %d\\n", rename("nope", "nope2"), errno);
         errno = 0;
         printf("unlink %d errno %d\\n", unlink("nope"), errno);
         errno = 0;
         printf("execl %d errno %d\\n", execl("/nonexistent/prog", "prog", (char *)0), errno);
         errno = 0;
         char *args[] = {"prog", 0};
         printf("execvp %d errno %d\\n", execvp("no-such-program-roar", args), errno);
         fprintf(stderr, "to stderr\\n");
         return 7;
       }`,
    );
    const bare = await run(exe, [], { cwd: dir });
    fs.rmSync(path.join(dir, "present.txt"));
    const traced = await runTraced(exe, [], { cwd: dir });
    expect(bare.code).toBe(7);
    expect(traced.code).toBe(bare.code);
    expect(traced.stdout.toString()).toBe(bare.stdout.toString());
    expect(traced.stderr.toString()).toBe(bare.stderr.toString());
    expect(bare.stdout.toString()).toContain("errno 2");
    expectEvent(traced.logs, "write", `${dir}/present.txt`);
    expect(traced.logs.events.some((e) => e.path.includes("missing"))).toBe(false);
  });

  it("keeps stdout/stderr bytes and the exit code of a shell pipeline", async () => {
    const script = "printf 'a\\tb\\n'; echo err >&2; seq 3 | tac; exit 3";
    const bare = await run("sh", ["-c", script]);
    const traced = await runTraced("sh", ["-c", script]);
    expect(traced.code).toBe(3);
    expect(traced.stdout.equals(bare.stdout)).toBe(true);
    expect(traced.stderr.equals(bare.stderr)).toBe(true);
  });
});
