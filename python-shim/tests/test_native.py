"""The compiled fast path: built here with build_wheel.py, chosen by the gate, same results."""

import json
import os
import subprocess
import sys
import unittest
import zipfile

from shim_support import BUILD_WHEEL, ShimTestCase, built_runtime_tree, clean_env
from test_capture import FILE_OPS_WORKLOAD, check_relative_paths_follow_every_change_of_directory

from _roar_shim import VERSION  # test_capture put the shim on sys.path


class NativeTest(ShimTestCase):
    def setUp(self):
        super().setUp()
        self.wheel, self.tree = built_runtime_tree(self)

    def native_shard(self, code):
        """Run code with this runtime tree; it must exit 0 under the native hook. Its shard."""
        run = self.run_py(code, env={"ROAR_RUNTIME_PYTHONPATH": self.tree})
        self.assertEqual(run.returncode, 0, run.stderr)
        shard = run.shard()
        self.assertEqual(shard["capture"]["audit_backend"], "native")
        return shard

    def test_wheel_is_well_formed(self):
        name = os.path.basename(self.wheel)
        py = "cp%d%d" % sys.version_info[:2]
        self.assertTrue(name.startswith("roar_runtime-%s-%s-%s" % (VERSION, py, py)), name)
        self.assertTrue(name.endswith("-linux_x86_64.whl") or "linux" not in sys.platform, name)
        with zipfile.ZipFile(self.wheel) as zf:
            names = zf.namelist()
            wheel_meta = zf.read("roar_runtime-%s.dist-info/WHEEL" % VERSION).decode()
            record = zf.read("roar_runtime-%s.dist-info/RECORD" % VERSION).decode()
        self.assertIn("Root-Is-Purelib: false", wheel_meta)
        ext = [n for n in names if n.startswith("_roar_runtime")]
        self.assertEqual(ext, ["_roar_runtime" + __import__("sysconfig").get_config_var("EXT_SUFFIX")])
        for n in names:
            self.assertIn(n + ",", record)

    def test_pip_installs_the_wheel_into_a_target(self):
        has_pip = subprocess.run([sys.executable, "-m", "pip", "--version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        if not has_pip:
            self.skipTest("pip is not available for %s" % sys.executable)
        target = os.path.join(self.tmp, "target")
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--no-index", "--find-links", os.path.dirname(self.wheel), "--target", target, "roar-runtime"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1"),
            timeout=300,
        )
        self.assertEqual(proc.returncode, 0, proc.stdout.decode())
        run = self.run_py("import _roar_runtime; print(_roar_runtime.__version__)", env={"ROAR_RUNTIME_PYTHONPATH": target})
        self.assertEqual(run.stdout, (VERSION + "\n").encode(), run.stderr)
        self.assertEqual(run.shard()["capture"]["audit_backend"], "native")

    def entries_under_both_backends(self, code, tag=""):
        """Run code in a directory of its own under each backend: the entries under it, with paths
        relative to it, and the two shards."""
        dirs, runs, entries = {}, {}, {}
        for name in ("native", "python"):
            dirs[name] = os.path.join(self.work, name + tag)
            os.mkdir(dirs[name])
        runs["native"] = self.run_py(code, cwd=dirs["native"], env={"ROAR_RUNTIME_PYTHONPATH": self.tree, "ROAR_RUNTIME_EXPECTED": "1"})
        runs["python"] = self.run_py(code, cwd=dirs["python"])
        for name, run in runs.items():
            self.assertEqual(run.returncode, 0, run.stderr)
            base = dirs[name]
            rel = lambda x: os.path.relpath(x, base) if x else x  # noqa: E731, B023
            files = run.shard()["files"]
            entries[name] = sorted((f["op"], rel(f["path"]), rel(f["dest"]), f["count"]) for f in files if f["path"].startswith(base + os.sep))
        self.assertEqual(runs["native"].stderr, b"", "no warning when the gate passes")
        return entries, runs["native"].shard(), runs["python"].shard()

    def test_native_backend_records_what_the_python_one_does(self):
        entries, n, p = self.entries_under_both_backends(FILE_OPS_WORKLOAD)
        self.assertEqual(n["capture"]["audit_backend"], "native")
        self.assertEqual(n["capture"]["gate"]["outcome"], "native")
        self.assertEqual(n["capture"]["runtime_path"], self.tree)
        self.assertEqual(p["capture"]["audit_backend"], "python")
        self.assertEqual(entries["native"], entries["python"])
        self.assertGreaterEqual(len(entries["native"]), 16)

    def test_both_backends_record_the_same_for_generated_workloads(self):
        # two implementations of one recorder: random mixes of modes, os.open flags, relative and
        # absolute paths, "./" and "../", renames, removals, repeated opens, and a thread changing
        # directory, must give the same entries
        for seed in (1, 2, 3):
            with self.subTest(seed=seed):
                entries, _, _ = self.entries_under_both_backends(generated_workload(seed), "-%d" % seed)
                self.assertEqual(entries["native"], entries["python"])
                self.assertGreater(len({e[0] for e in entries["native"]}), 3, "several kinds of entry")


    def test_native_fork_child_records_only_its_own_events(self):
        code = (
            "import os\n"
            "open('parent.txt','w').close()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    open('child.txt','w').close()\n"
            "    os._exit(0)\n"
            "os.waitpid(pid, 0)\n"
        )
        run = self.run_py(code, env={"ROAR_RUNTIME_PYTHONPATH": self.tree})
        shards = run.shards()
        self.assertEqual(len(shards), 2, run.stderr)
        child = [s for s in shards if s["exit"]["how"] == "os_exit"][0]
        self.assertEqual([p for _, p, _ in self.files_of(child)], [os.path.join(self.work, "child.txt")])
        self.assertEqual(child["capture"]["audit_backend"], "native")

    def test_getframe_replacement_behaves_like_sys_getframe(self):
        code = (
            "import sys, inspect\n"
            "def inner(): return sys._getframe(0).f_code.co_name, sys._getframe(1).f_code.co_name\n"
            "def outer(): return inner()\n"
            "print(outer(), inspect.currentframe().f_code.co_name, inspect.stack()[0].function)\n"
            "try:\n    sys._getframe(10000)\nexcept ValueError as e:\n    print('ValueError', e)\n"
        )
        bare = self.run_py(code, shim=False)
        native = self.run_py(code, env={"ROAR_RUNTIME_PYTHONPATH": self.tree})
        self.assertEqual(native.stdout, bare.stdout)
        self.assertTrue(native.shard()["capture"]["getframe_unaudited"])
        kept = self.run_py("import sys; print(type(sys._getframe).__name__, sys._getframe.__name__)", env={"ROAR_RUNTIME_PYTHONPATH": self.tree, "ROAR_AUDIT_GETFRAME": "1"})
        self.assertEqual(kept.stdout, b"builtin_function_or_method _getframe\n")

    def test_exit_paths_under_native(self):
        run = self.run_py("import sys; open('x.txt','w').close(); sys.exit(5)", env={"ROAR_RUNTIME_PYTHONPATH": self.tree})
        self.assertEqual(run.returncode, 5)
        shard = run.shard()
        self.assertEqual(shard["exit"], {"how": "exit", "code": 5})
        self.assertIn(("write", os.path.join(self.work, "x.txt"), None), self.files_of(shard))

    def test_the_runtime_tree_leaves_sys_path_once_loaded(self):
        code = "import json, sys\nprint(json.dumps(sys.path))\n"
        bare = self.run_py(code, shim=False)
        run = self.run_py(code, env={"ROAR_RUNTIME_PYTHONPATH": self.tree})
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(json.loads(run.stdout), json.loads(bare.stdout))
        capture = run.shard()["capture"]
        self.assertEqual((capture["audit_backend"], capture["runtime_path"]), ("native", self.tree))

    def test_relative_paths_follow_every_change_of_directory(self):
        check_relative_paths_follow_every_change_of_directory(self, {"ROAR_RUNTIME_PYTHONPATH": self.tree}, "native")

    def test_a_file_opened_by_relative_and_absolute_path_is_one_entry(self):
        # relative opens are joined to the cwd without making a str per event: the joined path must
        # be the very str the absolute spelling gives (ASCII and Latin-1 alike), counted together
        code = (
            "import os\n"
            "os.mkdir('d')\n"
            "for name in ('plain.txt', 'caf\\u00e9.txt', 'd/\\u00fc.txt'):\n"
            "    open(name, 'w').close()\n"
            "    for i in range(3):\n"
            "        open(name).read()\n"
            "    open(os.path.abspath(name)).read()\n"
            "    open(name).read()\n"
            "os.chdir('d')\n"
            "open('\\u00fc.txt').read()\n"  # the same file relative to another directory
        )
        shard = self.native_shard(code)
        mine = sorted((f["op"], f["path"], f["count"]) for f in shard["files"] if f["path"].startswith(self.work + os.sep))
        expected = [("mkdir", os.path.join(self.work, "d"), 1)]
        for name, reads in (("plain.txt", 5), ("caf\u00e9.txt", 5), (os.path.join("d", "\u00fc.txt"), 6)):
            path = os.path.join(self.work, name)
            expected += [("read", path, reads), ("write", path, 1)]
        self.assertEqual(mine, sorted(expected))

    def test_runtime_renders_the_file_list_as_the_python_writer_does(self):
        sys.path.insert(0, self.tree)
        self.addCleanup(sys.path.remove, self.tree)
        from _roar_shim.filelist import normalise_files, render_files
        from _roar_shim.shard import _prefixes

        import _roar_runtime

        files = [
            ("read", "/data/plain.txt", None, 1),
            ("write", "/data/caf\u00e9 \"q\".txt", None, 2),
            ("write", "/data/back\\slash\\u0000.txt", None, 1),
            ("readwrite", "/data/new\nline\ttab\x7f\x01", None, 1),
            ("read", "/data/surrogate-\udcff.bin", None, 3),
            ("read", "/data/emoji-\U0001f996.txt", None, 12345678901),
            ("rename", "/data/a.tmp", "/data/a \"final\".txt", 1),
            ("read", "/shim/_roar_shim/x.pyc", None, 1),
            ("read", "/shimmer/z", None, 1),
            ("read", "/d/.hidden/..x", None, 1),
        ]
        own = ["/shim", "/shards/"]
        cols = tuple(list(c) for c in zip(*files))
        expected = render_files(normalise_files([cols], own, True)).encode("ascii")
        self.assertEqual(_roar_runtime.render_files(*cols, _prefixes(own)), expected)
        self.assertEqual(_roar_runtime.render_files([], [], [], [], ()), b"[]")
        for path in ("/d/./x", "/d//x", "/d/../x", "/d/", "/d/.", "/d/.."):
            with self.subTest(path=path):  # normalising is left to the Python writer
                self.assertIsNone(_roar_runtime.render_files(["read"], [path], [None], [1], ()))
                self.assertIsNone(_roar_runtime.render_files(["rename"], ["/a"], [path], [1], ()))

    def test_table_renders_what_the_drained_columns_render(self):
        # render_table (what the shim uses at exit) must give the bytes the Python writer makes of
        # drain_columns() for the same events, and leave the table as it was until that drain
        code = (
            "import os, _roar_runtime\n"
            "from _roar_shim.filelist import normalise_files, render_files\n"
            "from _roar_shim.shard import _prefixes\n"
            "os.mkdir('d'); os.mkdir('own')\n"
            "for name in ('a.txt', 'q\"uote.txt', 'caf\\u00e9.txt', 'new\\nline', 'emoji-\\U0001f996', 'long-' + 'x' * 40):\n"
            "    open(os.path.join('d', name), 'w').close()\n"
            "open('d/a.txt').read(); open('d/a.txt').read()\n"
            "open('own/left-out.txt', 'w').close()\n"
            "os.rename('d/a.txt', 'd/b.txt'); os.remove('d/b.txt')\n"
            "os.system('true')\n"
            # relative paths under several cwds: one whose name JSON escapes, a long one, roar's own
            # dir itself (every path under it left out), names starting with dots
            "for d in ('caf\\u00e9 \"q\"', 'x' * 120, 'own'):\n"
            "    os.makedirs(os.path.join(d, 'sub'), exist_ok=True)\n"
            "    os.chdir(d)\n"
            "    for name in ('a.txt', '.hidden', '..x', 'sub/.y', 'esc\\\\ape'):\n"
            "        open(name, 'w').close(); open(name).read()\n"
            "    os.chdir('..')\n"
            "spawned, dropped, errors = _roar_runtime.drain_events()\n"
            "own = [os.path.join(os.getcwd(), 'own')]\n"
            "table = _roar_runtime.render_table(_prefixes(own))\n"
            "cols, later, _, _ = _roar_runtime.drain_columns()\n"
            "expected = render_files(normalise_files([cols], own, True)).encode('ascii')\n"
            "print(table == expected, b'/own/' in table, b'\"count\":2' in table, table.count(b'.hidden'))\n"
            "print([s[0] for s in spawned], later, _roar_runtime.render_table(()))\n"
        )
        run = self.run_py(code, env={"ROAR_RUNTIME_PYTHONPATH": self.tree})
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.decode().splitlines(), ["True False True 4", "['os.system'] [] b'[]'"], run.stderr)

    def test_a_path_to_normalise_is_written_by_the_python_writer(self):
        # "./" right after the cwd: only the joined path shows "/./"
        code = "import os\nos.mkdir('d')\nopen('d/../x.txt', 'w').close()\nopen('./y.txt', 'w').close()\nfor i in range(50):\n    open('d/f%d' % i, 'w').close()\n"
        shard = self.native_shard(code)
        self.assertEqual(shard["capture"]["errors"], [])
        written = [p for op, p, _ in self.files_of(shard) if op == "write"]
        self.assertEqual(written[:2], [os.path.join(self.work, "x.txt"), os.path.join(self.work, "y.txt")])
        self.assertEqual(len(written), 52)

    def test_a_relative_path_starting_with_dots_is_normalised(self):
        # joined to a known cwd, "./y.txt" and "../<cwd>/z.txt" read "/./" and "/../" (the rest of
        # the list is plain): the runtime must leave this list to the Python writer
        code = "import os\nopen('warm.txt', 'w').close()\nopen('./y.txt', 'w').close()\nopen('../%s/z.txt' % os.path.basename(os.getcwd()), 'w').close()\n"
        shard = self.native_shard(code)
        written = sorted(p for op, p, _ in self.files_of(shard) if op == "write")
        self.assertEqual(written, [os.path.join(self.work, n) for n in ("warm.txt", "y.txt", "z.txt")])

    def test_a_long_list_is_one_list_whoever_writes_it(self):
        # the runtime writes the list into the shard as it makes it, 64 KB at a time: 3,000 reads
        # are some 300 KB; then once more where the write of "./late.txt", at the end, shows that
        # the Python writer must make the list after all
        code = (
            "import os\n"
            "os.makedirs('d', exist_ok=True)\n"
            "for i in range(3000):\n"
            "    open('d/file-with-a-longer-name-%05d.txt' % i, 'w').close()\n"
            "for i in range(3000):\n"
            "    open('d/file-with-a-longer-name-%05d.txt' % i, 'rb').close()\n"
        )
        for late in ("", "open('./late.txt', 'w').close()\n"):
            with self.subTest(late=late):
                shard = self.native_shard(code + late)  # it parses: one list
                files = self.files_of(shard)
                self.assertEqual(len(files), len(set(files)), "each entry once")
                under_d = [op for op, p, _ in files if p.startswith(os.path.join(self.work, "d", ""))]
                self.assertEqual((under_d.count("read"), under_d.count("write")), (3000, 3000))
                self.assertEqual(("write", os.path.join(self.work, "late.txt"), None) in files, bool(late))
                self.assertEqual(shard["capture"]["errors"], [])

    def test_failed_exec_under_native_keeps_every_event(self):
        code = "import os\nopen('a.txt','w').close()\ntry:\n    os.execv('/nonexistent/prog', ['x'])\nexcept OSError:\n    pass\nopen('b.txt','w').close()\n"
        shard = self.native_shard(code)
        self.assertEqual([s["event"] for s in shard["spawned"]], ["os.exec"], "the failed attempt, once")
        self.assertEqual(sorted(p for _, p, _ in self.files_of(shard, self.work + os.sep)), [os.path.join(self.work, n) for n in ("a.txt", "b.txt")])

    def test_build_wheel_prints_the_name_it_builds(self):
        proc = subprocess.run([sys.executable, BUILD_WHEEL, "--out", self.tmp, "--print-name"], stdout=subprocess.PIPE, env=clean_env())
        self.assertEqual(proc.stdout.decode().strip(), os.path.basename(self.wheel))


def generated_workload(seed):
    """A script of file operations drawn from random.Random(seed)."""
    import random

    r = random.Random(seed)
    dirs = ["base", "os.path.join(base, 'a')", "os.path.join(base, 'a', 'b')", "os.path.join(base, 'c')"]
    names = ["x.txt", "y.bin", "z", "./q.txt", "../up.txt", "caf\u00e9.txt", ".hid"]
    guarded = "try:\n    %s\nexcept OSError:\n    pass"
    lines = ["import os, threading", "os.makedirs(os.path.join('a', 'b')); os.mkdir('c')", "base = os.getcwd()"]
    for _ in range(150):
        k, name = r.random(), r.choice(names)
        if k < 0.1:
            lines.append("os.chdir(%s)" % r.choice(dirs))
        elif k < 0.55:
            lines.append(guarded % "open(%r, %r).close()" % (name, r.choice(["r", "rb", "w", "wb", "a", "r+", "rb+", "w+", "x"])))
        elif k < 0.65:
            flags = r.choice(["os.O_RDONLY", "os.O_WRONLY | os.O_CREAT", "os.O_RDWR | os.O_CREAT"])
            lines.append(guarded % "os.close(os.open(%r, %s))" % (name, flags))
        elif k < 0.72:
            lines.append(guarded % "open(os.path.abspath(%r), 'rb').close()" % name)
        elif k < 0.8:
            lines.append(guarded % "os.rename(%r, %r)" % (name, r.choice(names)))
        elif k < 0.85:
            lines.append(guarded % "os.remove(%r)" % name)
        elif k < 0.92:
            lines.append("def t():\n    os.chdir(%s)\n    " % r.choice(dirs) + (guarded % "open(%r, 'a').close()" % name).replace("\n", "\n    "))
            lines.append("th = threading.Thread(target=t); th.start(); th.join()")
        else:
            lines.append("for _ in range(%d):\n    " % r.randint(1, 3000) + (guarded % "open(%r, 'rb').close()" % name).replace("\n", "\n    "))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    unittest.main()
