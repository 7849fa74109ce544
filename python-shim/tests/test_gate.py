"""Runtime trees on sys.path and the gate: exact-suffix matching, shadowing, one warning per job."""

import os
import sys
import unittest

from _imp import extension_suffixes

from shim_support import SHIM_DIR, ShimTestCase

sys.path.insert(0, SHIM_DIR)
from _roar_shim import gate  # noqa: E402

FOREIGN_SUFFIX = ".cpython-27-sparc-linux-gnu.so"


def touch(*parts):
    path = os.path.join(*parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"not really an extension module")
    return path


class GateUnitTest(ShimTestCase):
    def test_only_an_exact_extension_suffix_matches(self):
        tree = os.path.join(self.tmp, "tree")
        this = extension_suffixes()[0]
        touch(tree, "_roar_runtime" + this + ".bak")
        touch(tree, "_roar_runtime.cpython-39-x86_64-linux-gnu.so.bak")
        touch(tree, "_roar_runtime" + FOREIGN_SUFFIX)
        touch(tree, "x_roar_runtime" + this)
        match, foreign = gate.find_compiled([tree])
        self.assertIsNone(match)
        self.assertEqual([os.path.basename(f) for f in foreign], ["_roar_runtime" + FOREIGN_SUFFIX])
        good = touch(tree, "_roar_runtime" + this)
        self.assertEqual(gate.find_compiled([tree])[0], good)

    def test_wrong_abi_file_gives_abi_mismatch_and_no_import(self):
        tree = os.path.join(self.tmp, "tree")
        touch(tree, "_roar_runtime" + FOREIGN_SUFFIX)
        result = gate.open_gate([tree], [], import_module=lambda name: self.fail("must not import"))
        self.assertEqual(result.outcome, "abi-mismatch")
        self.assertIn(FOREIGN_SUFFIX, result.reason)

    def test_of_several_trees_only_the_one_built_for_this_interpreter_is_kept(self):
        foreign = os.path.join(self.tmp, "cp27")
        mine = os.path.join(self.tmp, "mine")
        touch(foreign, "_roar_runtime" + FOREIGN_SUFFIX)
        touch(mine, "_roar_runtime" + extension_suffixes()[0])
        self.assertEqual(gate.select_runtime_dirs(os.pathsep.join([foreign, mine])), mine)
        # None built for it: the first entry stays, so the gate can say what it found there.
        self.assertEqual(gate.select_runtime_dirs(os.pathsep.join([foreign, self.tmp])), foreign)
        self.assertEqual(gate.select_runtime_dirs(""), "")

    def test_empty_tree_is_no_runtime(self):
        tree = os.path.join(self.tmp, "tree")
        os.mkdir(tree)
        self.assertEqual(gate.open_gate([tree], []).outcome, "no-runtime")
        self.assertEqual(gate.open_gate([], []).outcome, "no-runtime")

    def test_runtime_dir_that_shadows_an_importable_name_is_skipped(self):
        shadowing = os.path.join(self.tmp, "shadowing")
        touch(shadowing, "json", "__init__.py")  # the stdlib's json is importable already
        clean = os.path.join(self.tmp, "clean")
        touch(clean, "roar_unique_mod_xyz.py")
        touch(clean, "roar_runtime-0.1.0.dist-info", "METADATA")
        path = list(sys.path)
        placed, skipped = gate.place_runtime_dirs(os.pathsep.join([shadowing, clean, os.path.join(self.tmp, "missing")]), path)
        self.assertEqual(placed, [clean])
        self.assertEqual(path[0], clean)
        self.assertNotIn(shadowing, path)
        self.assertEqual(len(skipped), 2)
        self.assertIn("would shadow json", skipped[0])
        self.assertIn("not a readable directory", skipped[1])

    def test_top_level_names_ignore_metadata_and_caches(self):
        names = gate.top_level_names(
            ["pkg", "mod.py", "_roar_runtime" + extension_suffixes()[0], "x-1.0.dist-info", "__pycache__", "a.pth", ".hidden"]
        )
        self.assertEqual(names, {"pkg", "mod", "_roar_runtime"})


class GateProcessTest(ShimTestCase):
    def test_wrong_abi_runtime_falls_back_to_python_with_one_warning_per_job(self):
        tree = os.path.join(self.tmp, "tree")
        touch(tree, "_roar_runtime" + FOREIGN_SUFFIX)
        code = (
            "import subprocess, sys\n"
            "open('f.txt','w').close()\n"
            "subprocess.run([sys.executable, '-c', 'open(\"g.txt\",\"w\").close()'], check=True)\n"
            "print('done')\n"
        )
        run = self.run_py(code, env={"ROAR_RUNTIME_PYTHONPATH": tree, "ROAR_RUNTIME_EXPECTED": "1"})
        self.assertEqual((run.returncode, run.stdout), (0, b"done\n"), run.stderr)
        lines = run.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, run.stderr)
        self.assertTrue(lines[0].startswith("roar:"))
        self.assertIn("roar runtime install " + sys.executable, lines[0])
        self.assertIn("still captured", lines[0])
        shards = run.shards()
        self.assertEqual(len(shards), 2)
        for shard in shards:
            self.assertEqual(shard["capture"]["audit_backend"], "python")
            self.assertEqual(shard["capture"]["gate"]["outcome"], "abi-mismatch")
            self.assertTrue(shard["capture"]["runtime_expected"])
        written = {p for s in shards for op, p, _ in self.files_of(s) if op == "write"}
        self.assertEqual(written, {os.path.join(self.work, "f.txt"), os.path.join(self.work, "g.txt")})

    def test_no_audit_hook_and_no_warning_when_the_tracer_sees_file_io(self):
        tree = os.path.join(self.tmp, "tree")
        touch(tree, "_roar_runtime" + FOREIGN_SUFFIX)
        code = (
            "import sys\n"
            "seen = []\n"
            "sys.addaudithook(lambda e, a: seen.append(e) if e == 'open' else None)\n"
            "open('f.txt', 'w').close()\n"
            "print(seen)\n"
        )
        env = {"ROAR_RUNTIME_PYTHONPATH": tree, "ROAR_RUNTIME_EXPECTED": "1", "ROAR_FILE_AUDIT": "0"}
        run = self.run_py(code, env=env)
        self.assertEqual((run.returncode, run.stdout, run.stderr), (0, b"['open']\n", b""))
        shard = run.shard()
        self.assertEqual(shard["capture"]["audit_backend"], "none")
        self.assertEqual(self.files_of(shard), [])
        self.assertEqual(shard["python_version"], __import__("platform").python_version())

    def test_no_warning_unless_runtime_expected(self):
        tree = os.path.join(self.tmp, "tree")
        touch(tree, "_roar_runtime" + FOREIGN_SUFFIX)
        run = self.run_py("pass", env={"ROAR_RUNTIME_PYTHONPATH": tree})
        self.assertEqual(run.stderr, b"")
        self.assertEqual(run.shard()["capture"]["gate"]["outcome"], "abi-mismatch")

    def test_corrupt_extension_with_the_right_suffix_is_an_import_error_not_a_crash(self):
        tree = os.path.join(self.tmp, "tree")
        touch(tree, "_roar_runtime" + extension_suffixes()[0])
        run = self.run_py("print('fine')", env={"ROAR_RUNTIME_PYTHONPATH": tree})
        self.assertEqual((run.returncode, run.stdout, run.stderr), (0, b"fine\n", b""))
        capture = run.shard()["capture"]
        self.assertEqual(capture["gate"]["outcome"], "import-error")
        self.assertEqual(capture["audit_backend"], "python")

    def test_shadowing_runtime_tree_is_recorded_in_sys_path_skipped(self):
        tree = os.path.join(self.tmp, "tree")
        touch(tree, "json", "__init__.py")
        run = self.run_py("import json, sys; print(json.__file__.startswith(sys.argv[1]))", args=[tree], env={"ROAR_RUNTIME_PYTHONPATH": tree})
        self.assertEqual(run.stdout, b"False\n", run.stderr)
        capture = run.shard()["capture"]
        self.assertEqual(len(capture["sys_path_skipped"]), 1)
        self.assertIn("would shadow json", capture["sys_path_skipped"][0])
        self.assertEqual(capture["gate"]["outcome"], "shadowed")


if __name__ == "__main__":
    unittest.main()
