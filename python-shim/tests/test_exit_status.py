"""The shard's exit status is the status the process really exits with, on both capture paths,
and multiprocessing workers killed by Pool.terminate() still leave their shard."""

import os
import signal
import sys
import unittest

from shim_support import ShimTestCase, built_runtime_tree

# (name, workload, needs an exact source of the status: native on glibc, or Python 3.12+)
EXIT_CASES = [
    ("normal end", "pass", False),
    ("sys.exit(3)", "import sys; sys.exit(3)", False),
    ("sys.exit('message')", "import sys; sys.exit('bye')", False),
    ("sys.exit(None)", "import sys; sys.exit(None)", False),
    ("sys.exit(258) wraps to 2", "import sys; sys.exit(258)", False),
    ("sys.exit(-1) is 255", "import sys; sys.exit(-1)", False),
    ("sys.exit in a thread is not an exit", "import sys, threading\nt = threading.Thread(target=sys.exit, args=(5,))\nt.start(); t.join()\n", False),
    ("uncaught exception", "raise ValueError('boom')", False),
    ("raise SystemExit(3)", "raise SystemExit(3)", True),
    ("raise SystemExit('message')", "raise SystemExit('bye')", True),
    ("raise SystemExit(None)", "import sys\ntry:\n    sys.exit(4)\nexcept SystemExit:\n    pass\nraise SystemExit(None)\n", True),
    ("raise SystemExit(True)", "raise SystemExit(True)", True),
    ("exit() builtin", "exit(6)", True),
    ("SystemExit raised by an imported library", "import lib_that_exits", True),
    ("SystemExit raised in a function", "def main():\n    raise SystemExit(9)\nmain()\n", True),
    ("caught sys.exit then normal end", "import sys\ntry:\n    sys.exit(2)\nexcept SystemExit:\n    pass\n", True),
    ("os._exit(300) wraps to 44", "import os; os._exit(300)", False),
]


class ExitStatusCases:
    """Mixed into a test case with self.env() and self.exact (whether the status has an exact
    source under this backend)."""

    def check_case(self, name, code, needs_exact):
        lib = os.path.join(self.tmp, "lib")
        os.makedirs(lib, exist_ok=True)
        with open(os.path.join(lib, "lib_that_exits.py"), "w") as f:
            f.write("raise SystemExit(7)\n")
        bare = self.run_py(code, shim=False, pythonpath=[lib])
        run = self.run_py(code, pythonpath=[lib], env=self.env())
        self.assertEqual(run.returncode, bare.returncode, "%s: the shim changed the exit status" % name)
        last = lambda r: (r.stderr.strip().splitlines() or [b""])[-1]  # noqa: E731
        self.assertEqual(last(run), last(bare), name)
        shard = run.shard()
        self.assertEqual(shard["capture"]["audit_backend"], self.backend)
        if needs_exact and not self.exact:
            return
        how = shard["exit"]["how"]
        if how == "os_exit" or how == "exception" or how == "exit":
            self.assertEqual(shard["exit"]["code"], run.returncode, "%s: shard %r" % (name, shard["exit"]))
        else:
            self.fail("%s: unexpected exit %r" % (name, shard["exit"]))

    def test_exit_status_cases(self):
        if not self.exact:
            print(
                "\n%s on %s: no exact exit-status source (needs the native runtime on glibc, or Python 3.12+); "
                "bare `raise SystemExit(n)` cases are not checked" % (self.backend, sys.version.split()[0]),
                file=sys.stderr,
            )
        for name, code, needs_exact in EXIT_CASES:
            with self.subTest(name):
                self.check_case(name, code, needs_exact)

    def test_keyboard_interrupt_is_a_sigint_death(self):
        run = self.run_py("raise KeyboardInterrupt", env=self.env())
        self.assertEqual(run.returncode, -signal.SIGINT)
        self.assertEqual(run.shard()["exit"], {"how": "signal", "code": signal.SIGINT})

    # Workers are kept busy in a task when terminate() comes, so each one really gets SIGTERM (an
    # idle worker may also pick up the pool's exit sentinel first and leave on its own).
    POOL_WORKLOAD = (
        "import multiprocessing as mp, os, signal, sys, time\n"
        "def work(i):\n"
        "    open('%s-%d.txt' % (mp.get_start_method(), i), 'w').close()\n"
        "def block(i):\n"
        "    open('%s-blocked-%d.txt' % (mp.get_start_method(), i), 'w').close()\n"
        "    time.sleep(120)\n"
        "def init():\n"
        "    if os.environ.get('SET_HANDLER'):\n"
        "        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, signal.getsignal(signal.SIGTERM)\n"
        "        signal.signal(signal.SIGTERM, lambda *a: sys.exit(12))\n"
        "if __name__ == '__main__':\n"
        "    codes = []\n"
        "    for method in sys.argv[1:]:\n"
        "        pool = mp.get_context(method).Pool(2, initializer=init)\n"
        "        procs = list(pool._pool)\n"
        "        pool.map(work, range(6), chunksize=1)\n"
        "        pool.map_async(block, range(2), chunksize=1)\n"
        "        deadline = time.time() + 90\n"
        "        while not all(os.path.exists('%s-blocked-%d.txt' % (method, i)) for i in range(2)):\n"
        "            assert time.time() < deadline, 'workers never blocked'\n"
        "            time.sleep(0.02)\n"
        "        pool.terminate(); pool.join()\n"
        "        codes += [p.exitcode for p in procs]\n"
        "    print(sorted(set(codes)))\n"
    )

    def fresh_dir(self):
        d = os.path.join(self.tmp, "bare")
        os.mkdir(d)
        return d

    def test_pool_terminate_workers_leave_their_shards(self):
        methods = ["fork", "spawn", "forkserver"]
        bare = self.run_py(self.POOL_WORKLOAD, shim=False, args=methods, cwd=self.fresh_dir())
        self.assertEqual(bare.stdout, b"[%d]\n" % -signal.SIGTERM, bare.stderr)
        run = self.run_py(self.POOL_WORKLOAD, args=methods, env=self.env())
        self.assertEqual((run.returncode, run.stdout), (0, bare.stdout), run.stderr)
        shards = run.shards()
        killed = [s for s in shards if s["exit"] == {"how": "signal", "code": signal.SIGTERM}]
        self.assertEqual(len(killed), 2 * len(methods), [(s["argv"][-1][-30:], s["exit"], [os.path.basename(p) for _, p, _ in self.files_of(s)]) for s in shards])
        written = {os.path.basename(p) for s in killed for op, p, _ in self.files_of(s) if op == "write"}
        for method in methods:
            expected = {"%s-%d.txt" % (method, i) for i in range(6)} | {"%s-blocked-%d.txt" % (method, i) for i in range(2)}
            self.assertEqual({n for n in written if n.startswith(method + "-")}, expected)
        self.assertTrue(all(s["capture"]["audit_backend"] == self.backend for s in killed))

    def test_worker_keeps_a_sigterm_handler_the_workload_sets(self):
        env = dict(self.env(), SET_HANDLER="1")
        bare = self.run_py(self.POOL_WORKLOAD, shim=False, args=["fork", "spawn"], env={"SET_HANDLER": "1"}, cwd=self.fresh_dir())
        self.assertEqual(bare.stdout, b"[12]\n", bare.stderr)
        run = self.run_py(self.POOL_WORKLOAD, args=["fork", "spawn"], env=env)
        self.assertEqual((run.returncode, run.stdout), (0, bare.stdout), run.stderr)
        # fork workers leave through os._exit, spawn workers through sys.exit: both with the
        # handler's status, and none of them recorded as killed
        exits = [s["exit"] for s in run.shards() if s["exit"] != {"how": "exit", "code": 0}]
        self.assertEqual(sorted((e["code"], e["how"] in ("exit", "os_exit")) for e in exits), [(12, True)] * 4, exits)

    def test_plain_fork_child_keeps_default_sigterm(self):
        code = (
            "import os, signal, time\n"
            "r, w = os.pipe()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    os.write(w, b'1' if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL else b'0')\n"
            "    time.sleep(120)\n"
            "    os._exit(0)\n"
            "print(os.read(r, 1) == b'1')\n"
            "os.kill(pid, signal.SIGTERM)\n"
            "print(os.waitpid(pid, 0)[1] == signal.SIGTERM)\n"
        )
        run = self.run_py(code, env=self.env())
        self.assertEqual(run.stdout, b"True\nTrue\n", run.stderr)
        self.assertEqual(len(run.shards()), 1, "a plain fork child killed by SIGTERM writes nothing")


class PythonBackendExitTest(ExitStatusCases, ShimTestCase):
    backend = "python"
    exact = sys.version_info >= (3, 12)

    def env(self):
        return {}

    @unittest.skipUnless(sys.version_info >= (3, 12), "sys.monitoring is Python 3.12+")
    def test_workload_can_claim_the_monitoring_tool_ids_roar_holds(self):
        code = (
            "import sys\n"
            "m = sys.monitoring\n"
            "for t in (3, 4):\n"
            "    m.use_tool_id(t, 'mine')\n"
            "    print(t, m.get_tool(t))\n"
            "raise SystemExit(5)\n"
        )
        bare = self.run_py(code, shim=False)
        run = self.run_py(code, env=self.env())
        self.assertEqual((run.returncode, run.stdout, run.stderr), (bare.returncode, bare.stdout, bare.stderr))
        self.assertEqual(run.stdout, b"3 mine\n4 mine\n")
        self.assertEqual(run.shard()["capture"]["audit_backend"], "python")

    @unittest.skipUnless(sys.version_info >= (3, 12), "sys.monitoring is Python 3.12+")
    def test_a_fork_child_can_claim_the_monitoring_tool_id_roar_holds(self):
        # sys.monitoring registrations survive fork: the child must still be able to take the id.
        code = (
            "import os, sys\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    sys.monitoring.use_tool_id(4, 'mine')\n"
            "    print(sys.monitoring.get_tool(4), flush=True)\n"
            "    os._exit(0)\n"
            "print(os.waitpid(pid, 0)[1])\n"
        )
        bare = self.run_py(code, shim=False)
        run = self.run_py(code, env=self.env())
        self.assertEqual((run.returncode, run.stdout, run.stderr), (bare.returncode, bare.stdout, bare.stderr))
        self.assertEqual(run.stdout, b"mine\n0\n")


class NativeBackendExitTest(ExitStatusCases, ShimTestCase):
    backend = "native"

    def setUp(self):
        super().setUp()
        self.wheel, self.tree = built_runtime_tree(self)
        probe = self.run_py("import _roar_runtime; print(_roar_runtime.EXIT_FIX)", shim=False, pythonpath=[self.tree])
        self.exact = probe.stdout.strip() == b"1" or sys.version_info >= (3, 12)

    def env(self):
        return {"ROAR_RUNTIME_PYTHONPATH": self.tree}


if __name__ == "__main__":
    unittest.main()
