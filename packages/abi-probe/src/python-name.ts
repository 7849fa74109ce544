import path from "node:path";

// python, python3, python3.12, python3.13t, python3.12d, python3.11-dbg, pypy3, pypy3.10, graalpy.
// Not python3-config, python3.12-gdb.py or pythonw-launcher: those are programs, not interpreters.
const PYTHON_NAME = /^(?:python|pypy|graalpy)(?:\d+(?:\.\d+)?)?(?:t|d|td|m|dm|u)?(?:-dbg)?$/;

/** Whether a file name (not a path) is one an interpreter is installed under. */
export function isPythonName(name: string): boolean {
  return PYTHON_NAME.test(path.basename(name));
}
