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


class RecorderInterfaceTest(ShimTestCase):
    def probe(self, kind, pythonpath):
        script = os.path.join(self.tmp, "probe.py")
        with open(script, "w") as f:
            f.write(PROBE)
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


if __name__ == "__main__":
    unittest.main()
