"""A shard is written however the process ends, and the exit is exactly what it is without roar."""

import os
import signal
import sys
import unittest

from shim_support import ShimTestCase


class ExitPathTest(ShimTestCase):
    def test_sys_exit_code_is_kept_and_recorded(self):
        run = self.run_py("import sys; open('out.txt','w').close(); sys.exit(3)")
        self.assertEqual(run.returncode, 3)
        shard = run.shard()
        self.assertEqual(shard["exit"], {"how": "exit", "code": 3})
        self.assertIn(("write", os.path.join(self.work, "out.txt"), None), self.files_of(shard))

    def test_normal_end_is_exit_zero(self):
        run = self.run_py("pass")
        self.assertEqual(run.returncode, 0)
        self.assertEqual(run.shard()["exit"], {"how": "exit", "code": 0})

    def test_uncaught_exception_keeps_exit_code_and_traceback(self):
        code = "open('before.txt','w').close()\ndef f():\n    raise ValueError('boom')\nf()\n"
        bare = self.run_py(code, shim=False)
        shimmed = self.run_py(code)
        self.assertEqual(shimmed.returncode, bare.returncode)
        self.assertEqual(shimmed.returncode, 1)
        # the script path differs between the two runs: compare with it taken out
        norm = lambda run: run.stderr.replace(b"workload_", b"W").split(b"\n")  # noqa: E731
        self.assertEqual(len(norm(shimmed)), len(norm(bare)))
        self.assertTrue(shimmed.stderr.rstrip().endswith(b"ValueError: boom"), shimmed.stderr)
        self.assertEqual(shimmed.shard()["exit"], {"how": "exception", "code": 1})

    def test_keyboard_interrupt_exits_like_without_shim(self):
        code = "open('k.txt','w').close()\nraise KeyboardInterrupt\n"
        bare = self.run_py(code, shim=False)
        shimmed = self.run_py(code)
        self.assertEqual(shimmed.returncode, bare.returncode)
        self.assertEqual(shimmed.returncode, -signal.SIGINT)
        self.assertEqual(shimmed.stderr.splitlines()[-1], bare.stderr.splitlines()[-1])
        shard = shimmed.shard()
        self.assertEqual(shard["exit"]["how"], "signal")
        self.assertIn(("write", os.path.join(self.work, "k.txt"), None), self.files_of(shard))

    @unittest.skipUnless(hasattr(os, "fork"), "needs os.fork")
    def test_fork_child_leaving_by_os_exit_writes_its_own_shard(self):
        code = (
            "import os\n"
            "open('parent-before.txt','w').close()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    open('child.txt','w').close()\n"
            "    os._exit(7)\n"
            "_, status = os.waitpid(pid, 0)\n"
            "print(os.WEXITSTATUS(status))\n"
            "open('parent-after.txt','w').close()\n"
        )
        run = self.run_py(code)
        self.assertEqual((run.returncode, run.stdout), (0, b"7\n"), run.stderr)
        shards = run.shards()
        self.assertEqual(len(shards), 2)
        child = [s for s in shards if s["exit"]["how"] == "os_exit"][0]
        parent = [s for s in shards if s is not child][0]
        self.assertEqual(child["exit"]["code"], 7)
        self.assertEqual(child["ppid"], parent["pid"])
        child_files = [p for _, p, _ in self.files_of(child)]
        self.assertEqual(child_files, [os.path.join(self.work, "child.txt")], "the child records only its own events")
        parent_files = [p for _, p, _ in self.files_of(parent)]
        self.assertIn(os.path.join(self.work, "parent-before.txt"), parent_files)
        self.assertIn(os.path.join(self.work, "parent-after.txt"), parent_files)
        self.assertNotIn(os.path.join(self.work, "child.txt"), parent_files)

    def test_multiprocessing_fork_and_spawn_workers_each_leave_a_shard(self):
        code = (
            "import multiprocessing as mp, os\n"
            "def work(name):\n"
            "    open(name, 'w').close()\n"
            "if __name__ == '__main__':\n"
            "    for method in ('fork', 'spawn'):\n"
            "        p = mp.get_context(method).Process(target=work, args=(method + '.txt',))\n"
            "        p.start(); p.join()\n"
            "        assert p.exitcode == 0, p.exitcode\n"
        )
        run = self.run_py(code)
        self.assertEqual(run.returncode, 0, run.stderr)
        shards = run.shards()
        written = {p for s in shards for op, p, _ in self.files_of(s) if op == "write"}
        self.assertIn(os.path.join(self.work, "fork.txt"), written)
        self.assertIn(os.path.join(self.work, "spawn.txt"), written)
        self.assertGreaterEqual(len(shards), 3)
        self.assertEqual(len({s["pid"] for s in shards}), len(shards))

    def test_exec_writes_the_shard_before_the_process_is_replaced(self):
        code = "import os, sys\nopen('pre-exec.txt','w').close()\nsys.stdout.flush()\nos.execv('/bin/echo', ['echo', 'replaced'])\n"
        run = self.run_py(code)
        self.assertEqual((run.returncode, run.stdout), (0, b"replaced\n"), run.stderr)
        shard = run.shard()
        self.assertEqual(shard["exit"]["how"], "exec")
        self.assertEqual(shard["spawned"], [{"event": "os.exec", "executable": "/bin/echo", "argv": ["echo", "replaced"]}])
        self.assertIn(("write", os.path.join(self.work, "pre-exec.txt"), None), self.files_of(shard))

    def test_failed_exec_leaves_one_complete_shard(self):
        code = (
            "import os\n"
            "open('a.txt','w').close()\n"
            "try:\n"
            "    os.execv('/nonexistent/prog', ['x'])\n"
            "except OSError:\n"
            "    pass\n"
            "open('b.txt','w').close()\n"
        )
        run = self.run_py(code)
        self.assertEqual(run.returncode, 0, run.stderr)
        shard = run.shard()
        self.assertEqual(shard["exit"]["how"], "exit")
        self.assertEqual([s["event"] for s in shard["spawned"]], ["os.exec"], "the failed attempt, once")
        paths = [p for _, p, _ in self.files_of(shard)]
        self.assertIn(os.path.join(self.work, "a.txt"), paths)
        self.assertIn(os.path.join(self.work, "b.txt"), paths)


if __name__ == "__main__":
    unittest.main()
