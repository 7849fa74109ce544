"""The file list a process under the pure-Python recorder leaves in its shard when it opened
thousands of files: each (op, path, dest) once with all its opens counted, however the opens came
(relative or absolute, one mode or several, os.open, to read or to write), and names JSON must
escape kept as they were.
The exit work is written in bulk for this case (recorder.drain_columns, filelist.py); these runs
check it through the shard, as the CLI reads it."""

import os
import unittest

from shim_support import ShimTestCase

NAMES = ["f%04d.bin" % i for i in range(3000)] + ['q"uote.bin', "caf\u00e9.bin", "back\\slash.bin"]
# the files opened again (each three more ways), by how many: one (with the script, which CPython
# reads twice, two paths repeat), a few, every tenth
AGAIN = {"one": NAMES[1:2], "few": NAMES[1:4] + NAMES[-3:], "many": NAMES[::10]}

WORKLOAD = r"""
import os, sys
names, again = %r, %r
os.chdir("data")
for n in names:  # relative, one mode: the dataset loop
    with open(n, "rb") as f:
        f.read()
here = os.getcwd()
for n in again[sys.argv[1]]:  # the same files by their absolute path, in other modes, and by os.open
    open(os.path.join(here, n), "r").close()
    open(os.path.join(here, n), "rb").close()
    os.close(os.open(os.path.join(here, n), os.O_RDONLY))
if sys.argv[1] != "one":  # no other path opened twice
    for n in names[:5]:
        open(n, "ab").close()
    for n in names[5:8]:
        open(os.fsencode(n), "rb").close()  # bytes: recorded one by one, not in bulk
    os.rename(names[0], "renamed.bin")
""" % (NAMES, AGAIN)


# a loop that opens every file to read and write it, a few of them read again among the others and
# one written
WRITES = r"""
import os
names = %r
os.chdir("data")
for i, n in enumerate(names):
    with open(n, "r+b") as f:
        f.read()
    if i %% 1000 == 10:
        open(names[i - 5], "rb").close()
    if i == 20:
        open(names[3], "w").close()
""" % (NAMES,)


class PureExitTest(ShimTestCase):
    def files(self, workload, args=()):
        """(op, path, dest) -> count of the files in data/ after workload ran on them."""
        data = os.path.join(os.path.realpath(self.work), "data") + os.sep
        os.mkdir(data)
        for n in NAMES:
            with open(data + n, "wb") as f:
                f.write(b"x")
        run = self.run_py(workload, args=args)
        self.assertEqual(run.returncode, 0, run.stderr.decode())
        shard = run.shard()
        self.assertEqual(shard["capture"]["audit_backend"], "python")
        self.assertEqual(shard["capture"]["errors"], [])
        files = [f for f in shard["files"] if f["path"].startswith(data)]
        keys = [(f["op"], f["path"][len(data) :], f["dest"] and f["dest"][len(data) :]) for f in files]
        self.assertEqual(len(keys), len(set(keys)), "each (op, path, dest) once")
        return {k: f["count"] for k, f in zip(keys, files)}

    def check(self, how):
        got = self.files(WORKLOAD, [how])
        expected = {("read", n, None): 1 for n in NAMES}
        for n in AGAIN[how]:
            expected[("read", n, None)] += 3
        if how != "one":
            for n in NAMES[5:8]:
                expected[("read", n, None)] += 1
            for n in NAMES[:5]:
                expected[("write", n, None)] = 1
            expected[("rename", NAMES[0], "renamed.bin")] = 1
        self.assertEqual(sorted(set(got.items()) ^ set(expected.items())), [])

    def test_one_file_opened_again(self):
        self.check("one")

    def test_a_few_files_opened_again(self):
        self.check("few")

    def test_many_files_opened_again(self):
        self.check("many")

    def test_a_loop_that_writes(self):
        got = self.files(WRITES)
        expected = {("readwrite", n, None): 1 for n in NAMES}
        expected.update({("read", NAMES[i], None): 1 for i in (5, 1005, 2005)})
        expected[("write", NAMES[3], None)] = 1
        self.assertEqual(sorted(set(got.items()) ^ set(expected.items())), [])


if __name__ == "__main__":
    unittest.main()
