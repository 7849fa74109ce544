"""What the pure-Python recorder sees, and that the workload cannot tell the shim is there."""

import json
import os
import sys
import unittest

from shim_support import SHIM_DIR, ShimTestCase

sys.path.insert(0, SHIM_DIR)
from _roar_shim import VERSION  # noqa: E402
from _roar_shim import schema_fields as F  # noqa: E402

FILE_OPS_WORKLOAD = r"""
import os, shutil, pathlib
open("r.txt", "w").write("x")
open("r.txt").read()
with open("rw.txt", "w+") as f: f.write("y")
with open("r.txt", "r+") as f: f.read()
fd = os.open("raw.bin", os.O_WRONLY | os.O_CREAT, 0o644); os.close(fd)
open(pathlib.Path("p.txt"), "a").close()
open(os.fsencode(os.path.abspath("b.txt")), "wb").close()
shutil.copyfile("r.txt", "copy.txt")
os.rename("copy.txt", "renamed.txt")
os.replace("renamed.txt", "replaced.txt")
os.remove("replaced.txt")
os.unlink("b.txt")
os.mkdir("d")
os.mkdir("d/sub")
os.chdir("d")
open("inside.txt", "w").close()
os.chdir("..")
os.rmdir("d/sub")
with open(0, closefd=False) as stdin: pass
"""


def check_relative_paths_follow_every_change_of_directory(test, env, backend):
    """Both recorders keep the cwd between events: a chdir, fchdir, a fork child's chdir, or a chdir
    in another thread must never leave a relative path joined to the old directory, and a relative
    path opened again (as str or as a Path) is one entry with its count."""
    code = (
        "import os, pathlib, threading\n"
        "os.mkdir('a'); os.mkdir('b'); os.mkdir('c')\n"
        "open('top.txt','w').close()\n"
        "os.chdir('a'); open('in-a.txt','w').close()\n"
        "fd = os.open(os.path.join(os.path.dirname(os.getcwd()), 'b'), os.O_RDONLY)\n"
        "os.fchdir(fd); os.close(fd); open('in-b.txt','w').close()\n"
        "t = threading.Thread(target=os.chdir, args=('../c',)); t.start(); t.join()\n"
        "open('in-c.txt','w').close()\n"
        "os.chdir('..')\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.chdir('a'); open('child-in-a.txt','w').close(); os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "open('back.txt','w').close()\n"
        "for i in range(5):\n"
        "    open('top.txt').read(); open(pathlib.Path('c', 'in-c.txt')).read()\n"
        # another thread's chdir held between its audit event and the system call: a relative path
        # opened meanwhile is in the old cwd, one opened after it in the new (nothing may be kept
        # from the first)
        "import sys\n"
        "paused, go = threading.Event(), threading.Event()\n"
        "def hold(event, args):\n"
        "    if event == 'os.chdir' and threading.current_thread() is not threading.main_thread():\n"
        "        paused.set(); go.wait()\n"
        "sys.addaudithook(hold)\n"
        "t = threading.Thread(target=os.chdir, args=('b',)); t.start(); paused.wait()\n"
        "open('race-before.txt','w').close()\n"
        "go.set(); t.join()\n"
        "open('race-after.txt','w').close()\n"
        # a thread that stays alive (as tqdm's monitor does) changes directory and goes on: what the
        # main thread opens before is in the old cwd, after it in the new
        "go2, moved, stay = threading.Event(), threading.Event(), threading.Event()\n"
        "def worker():\n"
        "    go2.wait(); os.chdir('..'); open('worker.txt','w').close(); moved.set(); stay.wait()\n"
        "w2 = threading.Thread(target=worker); w2.start()\n"
        "open('alive-1.txt','w').close()\n"
        "go2.set(); moved.wait()\n"
        "open('alive-2.txt','w').close()\n"
        "stay.set(); w2.join()\n"
    )
    run = test.run_py(code, env=env)
    test.assertEqual(run.returncode, 0, run.stderr)
    shards = run.shards()
    test.assertEqual(len(shards), 2, run.stderr)
    parent = [s for s in shards if s["exit"]["how"] == "exit"][0]
    child = [s for s in shards if s["exit"]["how"] == "os_exit"][0]
    test.assertEqual(parent["capture"]["audit_backend"], backend)
    w = test.work
    written = [p for op, p, _ in test.files_of(parent) if op == "write"]
    test.assertEqual(sorted(written), sorted(os.path.join(w, *x) for x in (("top.txt",), ("a", "in-a.txt"), ("b", "in-b.txt"), ("c", "in-c.txt"), ("back.txt",), ("race-before.txt",), ("b", "race-after.txt"), ("b", "alive-1.txt"), ("worker.txt",), ("alive-2.txt",))))
    reads = sorted((f["path"], f["count"]) for f in parent["files"] if f["op"] == "read" and f["path"].startswith(w) and f["path"].endswith(".txt"))
    test.assertEqual(reads, [(os.path.join(w, "c", "in-c.txt"), 5), (os.path.join(w, "top.txt"), 5)])
    test.assertEqual([p for op, p, _ in test.files_of(child) if op == "write"], [os.path.join(w, "a", "child-in-a.txt")])


class CaptureTest(ShimTestCase):
    def test_inactive_without_roar_wrap(self):
        run = self.run_py("import sys; print('_roar_shim' in sys.modules); open('x.txt','w').close()", wrap=False)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"False\n")
        self.assertEqual(run.shards(), [])

    def test_records_file_operations_with_absolute_paths(self):
        run = self.run_py(FILE_OPS_WORKLOAD)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stderr, b"")
        files = self.files_of(run.shard())
        w = lambda name: os.path.join(self.work, name)  # noqa: E731
        expected = [
            ("write", w("r.txt"), None),
            ("read", w("r.txt"), None),
            ("readwrite", w("rw.txt"), None),
            ("readwrite", w("r.txt"), None),
            ("write", w("raw.bin"), None),
            ("write", w("p.txt"), None),
            ("write", w("b.txt"), None),
            ("write", w("copy.txt"), None),
            ("rename", w("copy.txt"), w("renamed.txt")),
            ("rename", w("renamed.txt"), w("replaced.txt")),
            ("delete", w("replaced.txt"), None),
            ("delete", w("b.txt"), None),
            ("mkdir", w("d"), None),
            ("mkdir", w("d/sub"), None),
            ("write", w("d/inside.txt"), None),
            ("rmdir", w("d/sub"), None),
        ]
        for item in expected:
            self.assertIn(item, files)
        self.assertEqual(len(files), len(set(files)), "events are deduplicated")
        own = [f["path"] for f in run.shard()["files"] if f["path"].startswith((SHIM_DIR + os.sep, run.shard_dir))]
        self.assertEqual(own, [], "roar's own files are not the workload's")

    def test_relative_paths_follow_every_change_of_directory(self):
        check_relative_paths_follow_every_change_of_directory(self, {}, "python")

    def test_counts_repeated_events_once_with_a_count(self):
        run = self.run_py("for _ in range(5): open('same.txt', 'w').close()")
        entry = [f for f in run.shard()["files"] if f["path"].endswith("/same.txt")]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0]["count"], 5)

    def test_a_large_shard_is_written_with_the_same_content(self):
        # Past LARGE_SHARD_FILES entries the shard goes through the stdlib's C encoder instead.
        run = self.run_py("for i in range(700): open('f%d.txt' % i, 'w').close()\nopen('caf\u00e9 \"q\".txt', 'w').close()")
        self.assertEqual(run.returncode, 0, run.stderr)
        paths = {f["path"] for f in run.shard()["files"] if f["op"] == "write"}
        self.assertIn(os.path.join(self.work, "f699.txt"), paths)
        self.assertIn(os.path.join(self.work, 'caf\u00e9 "q".txt'), paths)
        self.assertEqual(len([p for p in paths if p.startswith(os.path.join(self.work, "f"))]), 700)

    def test_shard_has_every_required_field_and_identity(self):
        run = self.run_py("import subprocess, sys; subprocess.run([sys.executable, '-c', 'pass'])")
        shards = run.shards()
        self.assertEqual(len(shards), 2, "the subprocess writes its own shard")
        parent = [s for s in shards if s["spawned"]][0]
        child = [s for s in shards if not s["spawned"]][0]
        self.assertEqual(child["ppid"], parent["pid"])
        for shard in shards:
            for name in F.TOP_LEVEL_REQUIRED:
                self.assertIn(name, shard)
            for name in F.ABI_REQUIRED:
                self.assertIn(name, shard["abi"])
            self.assertEqual(shard["schema_version"], F.SCHEMA_VERSION)
            self.assertEqual(shard["job_id"], "job-test")
            self.assertEqual(shard["python_version"], sys.version.split()[0])
            self.assertEqual(shard["executable"], sys.executable)
            self.assertEqual(shard["abi"]["ext_suffix"], __import__("sysconfig").get_config_var("EXT_SUFFIX"))
            self.assertEqual(shard["capture"]["audit_backend"], "python")
            self.assertEqual(shard["capture"]["shim_version"], VERSION)
        self.assertEqual(parent["spawned"][0]["event"], "subprocess.Popen")
        self.assertEqual(parent["spawned"][0]["argv"], [sys.executable, "-c", "pass"])

    def test_stdout_and_stderr_are_byte_identical_with_and_without_shim(self):
        code = (
            "import sys\n"
            "print('héllo wörld', 42)\n"
            "sys.stdout.flush()\n"
            "sys.stdout.buffer.write(bytes(range(256)))\n"
            "sys.stderr.write('warn\\n')\n"
        )
        bare = self.run_py(code, shim=False)
        shimmed = self.run_py(code)
        self.assertEqual(shimmed.stdout, bare.stdout)
        self.assertEqual(shimmed.stderr, bare.stderr)
        self.assertEqual(len(shimmed.shards()), 1)

    def test_the_workload_sees_the_sys_path_it_would_without_roar(self):
        # roar's own directories leave sys.path once the shim has started, so every import the
        # workload makes searches what it would without roar; a child still gets the shim
        lib = os.path.join(self.tmp, "user-lib")
        os.mkdir(lib)
        code = "import json, subprocess, sys\nprint(json.dumps(sys.path))\nsubprocess.run([sys.executable, '-c', 'pass'], check=True)\n"
        bare = self.run_py(code, shim=False, pythonpath=[lib])
        shimmed = self.run_py(code, pythonpath=[lib])
        self.assertEqual(shimmed.returncode, 0, shimmed.stderr)
        self.assertEqual(json.loads(shimmed.stdout), json.loads(bare.stdout))
        self.assertIn(lib, json.loads(bare.stdout))
        self.assertEqual(len(shimmed.shards()), 2, "the child runs the shim too")

    def test_missing_shard_dir_records_nothing_and_says_nothing(self):
        missing = os.path.join(self.tmp, "nope")
        run = self.run_py("print('ok')", env={"ROAR_SHARD_DIR": missing})
        self.assertEqual((run.returncode, run.stdout, run.stderr), (0, b"ok\n", b""))
        self.assertFalse(os.path.exists(missing))

    def fake_site(self, dists, modules):
        """A site-packages dir with `modules` ({relative path: source}) and, per (dir name, files) in
        `dists`, a .dist-info holding those files ({name: text})."""
        site = os.path.join(self.tmp, "site-%d" % len(os.listdir(self.tmp)))
        for rel, source in modules.items():
            os.makedirs(os.path.dirname(os.path.join(site, rel)), exist_ok=True)
            with open(os.path.join(site, rel), "w") as f:
                f.write(source)
        for info, files in dists:
            os.makedirs(os.path.join(site, info))
            for name, text in files.items():
                with open(os.path.join(site, info, name), "w") as f:
                    f.write(text)
        return site

    def test_distributions_are_found_by_their_files(self):
        meta = "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: x\n\nName: not-a-header\n"
        site = self.fake_site(
            [
                # no top_level.txt (most non-setuptools wheels): RECORD says what it installed
                ("Alpha_Project-1.0.dist-info", {"METADATA": meta % ("Alpha-Project", "1.0"), "RECORD": "alpha_pkg/__init__.py,,\nAlpha_Project-1.0.dist-info/METADATA,,\n"}),
                ("beta-2.0.dist-info", {"METADATA": meta % ("beta", "2.0"), "RECORD": "beta.py,,\n"}),
                # named like a module it does not provide; files that only start like the modules
                ("delta-1.0.dist-info", {"METADATA": meta % ("delta", "1.0"), "top_level.txt": "delta_other\n"}),
                ("gamma-3.0.dist-info", {"METADATA": meta % ("gamma", "3.0"), "RECORD": "alpha_pkg_extra/x.py,,\nbeta.pth,,\ndelta.py.orig,,\n"}),
                ("Delta_Real-4.0.dist-info", {"METADATA": meta % ("Delta.Real", "4.0"), "top_level.txt": "delta\n"}),
            ],
            {"alpha_pkg/__init__.py": "", "beta.py": "", "delta.py": ""},
        )
        run = self.run_py("import alpha_pkg, beta, delta", pythonpath=[site])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(
            run.shard()["packages"],
            [{"name": "Alpha-Project", "version": "1.0"}, {"name": "beta", "version": "2.0"}, {"name": "Delta.Real", "version": "4.0"}],
        )

    def test_the_script_and_its_aliases_are_not_looked_up_as_distributions(self):
        # multiprocessing names the script __mp_main__ too: never a distribution, and looking it
        # up would read every installed distribution's files at exit
        from _roar_shim.shard import candidate_modules  # the shim is on sys.path (above)

        for name in ("__mp_main__", "roar_local_module"):
            module = type(sys)(name)
            module.__file__ = os.path.join(self.work, "script.py")
            sys.modules[name] = module
            self.addCleanup(sys.modules.pop, name)
        names = candidate_modules(frozenset(), [])
        self.assertIn("roar_local_module", names)
        self.assertNotIn("__mp_main__", names)

    def test_imported_distribution_is_listed_with_version(self):
        site = os.path.join(self.tmp, "lib", "site-packages")
        pkg = os.path.join(site, "roar_fake_dist")
        os.makedirs(pkg)
        open(os.path.join(pkg, "__init__.py"), "w").close()
        info = os.path.join(site, "roar_fake_dist-1.2.3.dist-info")
        os.mkdir(info)
        with open(os.path.join(info, "METADATA"), "w") as f:
            f.write("Metadata-Version: 2.1\nName: roar-fake-dist\nVersion: 1.2.3\n")
        with open(os.path.join(info, "top_level.txt"), "w") as f:
            f.write("roar_fake_dist\n")
        with open(os.path.join(info, "RECORD"), "w") as f:
            f.write("roar_fake_dist/__init__.py,,\n")
        run = self.run_py("import roar_fake_dist, json", pythonpath=[site])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.shard()["packages"], [{"name": "roar-fake-dist", "version": "1.2.3"}])
        not_imported = self.run_py("import json", pythonpath=[site])
        self.assertEqual(not_imported.shard()["packages"], [])


if __name__ == "__main__":
    unittest.main()
