import { describe, expect, it } from "vitest";
import { decodeString, parseStraceLog } from "./strace-log.js";

describe("parseStraceLog", () => {
  it("resolves relative paths per process through AT_FDCWD, chdir and fork", () => {
    const log = [
      '100 openat(AT_FDCWD</p>, "a", O_RDONLY) = 3</p/a>',
      "100 clone(child_stack=NULL, flags=SIGCHLD) = 101",
      '101 openat(AT_FDCWD</p>, "b", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</p/b>',
      '100 chdir("sub") = 0',
      '100 mkdir("d", 0777) = 0',
      '100 rename("t.tmp", "out") = 0',
      '100 unlinkat(AT_FDCWD</p/sub>, "gone", 0) = 0',
      '100 unlinkat(AT_FDCWD</p/sub>, "d", AT_REMOVEDIR) = 0',
    ].join("\n");
    expect(parseStraceLog(log, "/p")).toEqual([
      { pid: 100, op: "read", path: "/p/a" },
      { pid: 101, op: "write", path: "/p/b" },
      { pid: 100, op: "mkdir", path: "/p/sub/d" },
      { pid: 100, op: "rename", path: "/p/sub/t.tmp", dest: "/p/sub/out" },
      { pid: 100, op: "delete", path: "/p/sub/gone" },
      { pid: 100, op: "rmdir", path: "/p/sub/d" },
    ]);
  });

  it("joins calls split by other processes and skips failed ones", () => {
    const log = [
      '7 openat(AT_FDCWD</w>, "x", O_RDWR <unfinished ...>',
      '8 openat(AT_FDCWD</w>, "missing", O_RDONLY) = -1 ENOENT (No such file or directory)',
      "7 <... openat resumed>) = 4</w/x>",
      '8 openat(AT_FDCWD</w>, "dir", O_RDONLY|O_DIRECTORY) = 5</w/dir>',
      '8 execve("/bin/cp", ["cp", "a", "b"], 0x7ff /* 3 vars */) = 0',
    ].join("\n");
    expect(parseStraceLog(log, "/w")).toEqual([
      { pid: 7, op: "readwrite", path: "/w/x" },
      { pid: 8, op: "exec", path: "/bin/cp" },
    ]);
  });

  it("decodes strace's escapes in paths", () => {
    expect(decodeString('"a\\"b\\\\c"')).toBe('a"b\\c');
    expect(decodeString('"caf\\303\\251"')).toBe("café");
    expect(decodeString('"x\\ty"...')).toBe("x\ty");
  });
});
