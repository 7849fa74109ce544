"""Helpers for the shim's tests: run a workload in a fresh interpreter with or without the shim,
and read back the shards it wrote. Everything runs in real child processes."""

import atexit
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
SHIM_DIR = os.path.dirname(TESTS_DIR)
BUILD_WHEEL = os.path.join(SHIM_DIR, "tools", "build_wheel.py")

ROAR_VARS = (
    "ROAR_WRAP",
    "ROAR_SHARD_DIR",
    "ROAR_JOB_ID",
    "ROAR_RUNTIME_PYTHONPATH",
    "ROAR_RUNTIME_EXPECTED",
    "ROAR_GATE_WARNED",
    "ROAR_SHIM_DIR",
    "ROAR_DEBUG",
    "ROAR_AUDIT_GETFRAME",
)


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ROAR_VARS and k != "PYTHONPATH"}
    env.pop("PYTHONSTARTUP", None)
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


class Run:
    def __init__(self, proc, shard_dir):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.shard_dir = shard_dir

    def shards(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.shard_dir, "shard-*.json"))):
            with open(path, encoding="utf-8") as f:
                out.append(json.load(f))
        return out

    def shard(self):
        shards = self.shards()
        if len(shards) != 1:
            raise AssertionError("expected one shard, found %d; stderr:\n%s" % (len(shards), self.stderr.decode()))
        return shards[0]


class ShimTestCase(unittest.TestCase):
    python = sys.executable

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="roar-shim-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.work = os.path.join(self.tmp, "work")
        os.mkdir(self.work)

    def new_shard_dir(self):
        d = tempfile.mkdtemp(prefix="shards-", dir=self.tmp)
        return d

    def run_py(self, code, shim=True, args=(), pythonpath=(), env=None, input=None, cwd=None, wrap=True):
        """Run `code` as a script file in a fresh interpreter. shim=True puts the shim first on
        PYTHONPATH with ROAR_WRAP=1 and a fresh shard dir."""
        script = os.path.join(self.tmp, "workload_%d.py" % len(os.listdir(self.tmp)))
        with open(script, "w", encoding="utf-8") as f:
            f.write(code)
        shard_dir = self.new_shard_dir()
        path = ([SHIM_DIR] if shim else []) + list(pythonpath)
        extra = {"PYTHONPATH": os.pathsep.join(path) if path else None}
        if shim and wrap:
            extra.update({"ROAR_WRAP": "1", "ROAR_SHARD_DIR": shard_dir, "ROAR_JOB_ID": "job-test"})
        extra.update(env or {})
        proc = subprocess.run(
            [self.python, script] + list(args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_env(**extra),
            input=input,
            cwd=cwd or self.work,
            timeout=120,
        )
        return Run(proc, shard_dir)

    def files_of(self, shard, under=None):
        under = under or self.work
        return [(f["op"], f["path"], f.get("dest")) for f in shard["files"] if f["path"].startswith(under)]


_wheel_cache = {}
_temp_dirs = []


@atexit.register
def _remove_temp_dirs():
    for d in _temp_dirs:
        shutil.rmtree(d, True)


def built_runtime_tree(test):
    """Build this interpreter's wheel with build_wheel.py and unpack it into a runtime tree (what
    pip --target would do for this one-module wheel). Skips the test when there is no compiler."""
    key = sys.executable
    if key not in _wheel_cache:
        out = tempfile.mkdtemp(prefix="roar-wheel-")
        _temp_dirs.append(out)
        proc = subprocess.run([sys.executable, BUILD_WHEEL, "--out", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
        if proc.returncode == 2:
            _wheel_cache[key] = ("skip", proc.stderr.decode())
        elif proc.returncode != 0:
            _wheel_cache[key] = ("fail", proc.stderr.decode())
        else:
            wheel = proc.stdout.decode().strip().splitlines()[-1]
            tree = tempfile.mkdtemp(prefix="roar-runtime-tree-")
            _temp_dirs.append(tree)
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(tree)
            _wheel_cache[key] = ("ok", (wheel, tree))
    status, value = _wheel_cache[key]
    if status == "skip":
        print("\nskipping native tests: no C toolchain (%s)" % value.strip(), file=sys.stderr)
        test.skipTest("no C toolchain: %s" % value.strip())
    if status == "fail":
        test.fail("build_wheel.py failed:\n%s" % value)
    return value
