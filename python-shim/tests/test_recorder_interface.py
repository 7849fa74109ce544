"""One interface, two implementations: PythonRecorder and _roar_runtime behave the same, each
checked in a fresh interpreter (an audit hook cannot be removed once added)."""

import json
import os
import subprocess
import sys
import unittest

from shim_support import SHIM_DIR, ShimTestCase, built_runtime_tree, clean_env

PROBE = r"""
import json, os, sys
kind = sys.argv[1]
if kind == "python":
    from _roar_shim.recorder import PythonRecorder
    rec = PythonRecorder()
else:
    import _roar_runtime as rec
rec.install(limit=3)
rec.install(limit=3)  # idempotent: one hook, not two
for i in range(5):
    open("f%d.txt" % i, "w").close()
open("f0.txt", "w").close()
os.system("true")
files, spawned, dropped, errors = rec.drain()
after = rec.drain()
open("g.txt", "w").close()
rec.reset()
reset = rec.drain()
print(json.dumps({
    "files": sorted([op, os.path.basename(p), d, n] for op, p, d, n in files),
    "spawned": [[e, x, os.fsdecode(a)] for e, x, a in spawned],
    "dropped": dropped,
    "errors": errors,
    "after": [len(after[0]), len(after[1]), after[2]],
    "reset": [len(reset[0]), len(reset[1]), reset[2]],
}))
"""

# the recorder named by argv[1], in a directory of its own
IN_OWN_DIR = r"""
import json, os, sys
kind = sys.argv[1]
if kind == "python":
    from _roar_shim.recorder import PythonRecorder
    rec = PythonRecorder()
else:
    import _roar_runtime as rec
os.mkdir(kind)
os.chdir(kind)
"""

# thousands of distinct entries (the runtime's table grows several times), repeats, the same path
# under two ops, renames of one source to two destinations, relative and absolute spellings, paths
# reached from two working directories
MANY = IN_OWN_DIR + r"""
rec.install()
os.mkdir("d")
for i in range(6000):
    open("d/f%d" % i, "w").close()
for i in range(0, 6000, 3):
    open(os.path.abspath("d/f%d" % i), "rb").close()
    open("d/f%d" % i).close()
open("a", "w").close(); os.rename("a", "b"); open("a", "w").close(); os.rename("a", "c"); open("a", "w").close(); os.rename("a", "b")
# paths reached from two directories: the same entries whatever cwd they were joined to (after a
# chdir the runtime joins its first relative path one way, the next ones another)
os.chdir("d")
open("f1", "rb").close(); open("f2", "rb").close()
os.chdir("..")
open("d/f1", "rb").close(); open("d/f2", "rb").close()
(ops, paths, dests, counts), _, dropped, errors = rec.drain_columns()
here = os.getcwd() + "/"
rows = sorted([op, p[len(here):], d and d[len(here):], n] for op, p, d, n in zip(ops, paths, dests, counts) if p.startswith(here))
print(json.dumps({"rows": rows, "dropped": dropped, "errors": errors}))
"""

# one directory's opens in many modes: mostly "rb" (the op of the whole list from one mode), a few
# others among them (each patched with its own op: a mode, or os.open's flags), absolute and relative
MODES = IN_OWN_DIR + r"""
for i in range(3000):
    open("f%d" % i, "w").close()
here = os.getcwd() + "/"
rec.install()
odd = {5: "r", 6: "w", 700: "rb+", 701: "ab", 2999: "x"}
def os_opens(prefix):
    for i, flags in ((10, os.O_WRONLY), (11, os.O_RDWR), (12, os.O_RDONLY)):
        os.close(os.open(prefix + "f%d" % i, flags))
for prefix in (here, ""):  # absolute, then relative: two lists of their own
    if prefix:
        os_opens(prefix)
    for i in range(3000):
        mode = odd.get(i, "rb")
        if mode == "x":
            os.remove("f%d" % i)
        open(prefix + "f%d" % i, mode).close()
    if not prefix:
        os_opens(prefix)  # the last open of the list has no mode
(ops, paths, dests, counts), _, dropped, errors = rec.drain_columns()
rows = sorted([op, p[len(here):], d, n] for op, p, d, n in zip(ops, paths, dests, counts) if p.startswith(here))
print(json.dumps({"rows": rows, "dropped": dropped, "errors": errors}))
"""


class RecorderInterfaceTest(ShimTestCase):
    def probe(self, kind, pythonpath, code=PROBE):
        script = os.path.join(self.tmp, "probe.py")
        with open(script, "w") as f:
            f.write(code)
        proc = subprocess.run(
            [sys.executable, script, kind],
            cwd=self.work,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_env(PYTHONPATH=os.pathsep.join(pythonpath)),
            timeout=120,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        return json.loads(proc.stdout)

    def check(self, result):
        # first three distinct paths are kept (f0 counted twice), the rest counted as dropped
        self.assertEqual(result["files"], [["write", "f0.txt", None, 2], ["write", "f1.txt", None, 1], ["write", "f2.txt", None, 1]])
        self.assertEqual(result["dropped"], 2)
        self.assertEqual(result["spawned"], [["os.system", None, "true"]])
        self.assertEqual(result["errors"], [])
        self.assertEqual(result["after"], [0, 0, 0], "drain clears the buffers")
        self.assertEqual(result["reset"], [0, 0, 0], "reset forgets what was recorded")

    def test_python_recorder(self):
        self.check(self.probe("python", [SHIM_DIR]))

    def test_native_recorder(self):
        _, tree = built_runtime_tree(self)
        self.check(self.probe("native", [tree]))

    def test_many_entries_are_counted_alike(self):
        _, tree = built_runtime_tree(self)
        native = self.probe("native", [tree], MANY)
        python = self.probe("python", [SHIM_DIR], MANY)
        self.assertEqual((native["dropped"], native["errors"]), (0, []))
        expected = sorted(
            [["write", "d/f%d" % i, None, 1] for i in range(6000)]
            + [["read", "d/f%d" % i, None, 2] for i in range(0, 6000, 3)]
            + [["mkdir", "d", None, 1], ["write", "a", None, 3], ["rename", "a", "b", 2], ["rename", "a", "c", 1]]
            + [["read", "d/f1", None, 2], ["read", "d/f2", None, 2]]
        )
        self.assert_same_rows(native["rows"], expected)
        self.assert_same_rows(python["rows"], expected)

    def assert_same_rows(self, rows, expected):
        """rows ([op, path, dest, count]) hold each (op, path, dest) once, and are the expected ones."""
        self.assertEqual(len({tuple(r[:3]) for r in rows}), len(rows), "each (op, path, dest) once")
        # the rows that differ (a diff of the whole lists would take minutes)
        self.assertEqual(sorted(set(map(tuple, rows)) ^ set(map(tuple, expected))), [])

    def check_modes(self, result):
        ops = {"r": "read", "rb": "read", "w": "write", "rb+": "readwrite", "ab": "write", "x": "write"}
        odd = {5: "r", 6: "w", 700: "rb+", 701: "ab", 2999: "x"}
        expected = {}
        for i in range(3000):
            key = (ops[odd.get(i, "rb")], "f%d" % i)
            expected[key] = expected.get(key, 0) + 2  # absolute and relative
        for i, op in ((10, "write"), (11, "readwrite"), (12, "read")):
            expected[(op, "f%d" % i)] = expected.get((op, "f%d" % i), 0) + 2
        expected[("delete", "f2999")] = 2
        self.assertEqual((result["dropped"], result["errors"]), (0, []))
        self.assert_same_rows(result["rows"], [(op, p, None, n) for (op, p), n in expected.items()])

    def test_python_recorder_gives_each_entry_its_op(self):
        self.check_modes(self.probe("python", [SHIM_DIR], MODES))

    def test_native_recorder_gives_each_entry_its_op(self):
        _, tree = built_runtime_tree(self)
        self.check_modes(self.probe("native", [tree], MODES))

if __name__ == "__main__":
    unittest.main()
