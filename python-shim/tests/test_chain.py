"""The sitecustomize the shim shadows still runs, as `sitecustomize`, with and without ROAR_WRAP."""

import os
import unittest

from shim_support import ShimTestCase

SHADOWED = """
import os, sys
sys.stderr.write("shadowed sitecustomize ran as %s\\n" % __name__)
os.environ["SHADOWED_RAN"] = "1"
"""


class ChainTest(ShimTestCase):
    def setUp(self):
        super().setUp()
        self.other = os.path.join(self.tmp, "other-site")
        os.mkdir(self.other)
        with open(os.path.join(self.other, "sitecustomize.py"), "w") as f:
            f.write(SHADOWED)

    def check(self, wrap):
        code = "import os, sitecustomize\nprint(os.environ.get('SHADOWED_RAN'), sitecustomize.__file__)\n"
        run = self.run_py(code, pythonpath=[self.other], wrap=wrap)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stderr, b"shadowed sitecustomize ran as sitecustomize\n")
        flag, path = run.stdout.decode().split()
        self.assertEqual(flag, "1")
        self.assertEqual(os.path.realpath(path), os.path.realpath(os.path.join(self.other, "sitecustomize.py")))
        return run

    def test_chains_when_active(self):
        run = self.check(wrap=True)
        self.assertEqual(len(run.shards()), 1)

    def test_chains_when_inactive(self):
        self.check(wrap=False)

    def test_shim_dir_twice_does_not_recurse(self):
        from shim_support import SHIM_DIR

        run = self.run_py("print('ok')", pythonpath=[SHIM_DIR, self.other])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stderr, b"shadowed sitecustomize ran as sitecustomize\n")
        self.assertEqual(len(run.shards()), 1)

    def test_interpreters_own_sitecustomize_is_the_one_loaded(self):
        # Debian's /usr/lib/python3.X/sitecustomize.py, a venv's or conda's: whatever the bare
        # interpreter loads, the shimmed one loads too.
        code = "try:\n    import sitecustomize as s; print(getattr(s, '__file__', None))\nexcept ImportError:\n    print('none')\n"
        bare = self.run_py(code, shim=False)
        shimmed = self.run_py(code)
        if bare.stdout == b"none\n":  # nothing to chain to: the shim's own module stays
            from shim_support import SHIM_DIR

            self.assertEqual(shimmed.stdout.decode().strip(), os.path.join(SHIM_DIR, "sitecustomize.py"))
        else:
            self.assertEqual(shimmed.stdout, bare.stdout)

    def test_error_in_shadowed_sitecustomize_is_reported_like_site_does(self):
        with open(os.path.join(self.other, "sitecustomize.py"), "w") as f:
            f.write("raise RuntimeError('broken site')\n")
        bare = self.run_py("print('ran')", shim=False, pythonpath=[self.other])
        shimmed = self.run_py("print('ran')", pythonpath=[self.other])
        self.assertEqual(shimmed.stdout, bare.stdout)
        self.assertIn(b"broken site", shimmed.stderr)
        self.assertEqual(shimmed.returncode, bare.returncode)


if __name__ == "__main__":
    unittest.main()
