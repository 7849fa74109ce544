"""The pure-Python recorder keeps the cwd for relative paths while other threads live, and distrusts
it only while a thread's chdir may be in flight (from its audit event to that thread's next event):
relative paths are joined to the directory they were opened in, before, during and after another
thread's chdir, and the cwd is asked once per change, not once per open."""

import json
import os
import unittest

from shim_support import ShimTestCase

# A thread that stays alive (as tqdm's monitor does) throughout, and a second one that changes
# directory and stays alive too: its chdir is held between its audit event and the system call
# while the main thread opens files, and after the call it raises no event the recorder sees
# until it opens a file itself at the end.
LIVE_THREAD_CHDIR = r"""
import os, sys, threading
os.mkdir("a")
stop = threading.Event()
idle = threading.Thread(target=stop.wait)
idle.start()
for i in range(3):
    open("before-%d.txt" % i, "w").close()
paused, go, moved, last = threading.Event(), threading.Event(), threading.Event(), threading.Event()
def hold(event, args):
    if event == "os.chdir" and threading.current_thread() is mover:
        paused.set()
        go.wait()
sys.addaudithook(hold)
def move():
    os.chdir("a")
    moved.set()
    last.wait()
    open("mover.txt", "w").close()
mover = threading.Thread(target=move)
mover.start()
paused.wait()
for i in range(3):
    open("during-%d.txt" % i, "w").close()  # the chdir has not happened: still the old cwd
go.set()
moved.wait()
for i in range(3):
    open("after-%d.txt" % i, "w").close()
last.set()
mover.join()
for i in range(3):
    open("end-%d.txt" % i, "w").close()
stop.set()
idle.join()
"""

# PythonRecorder alone, counting its getcwd() calls: relative opens with another thread alive, then
# after that thread's chdir (and its next event) and the main thread's own
GETCWD_CALLS = r"""
import json, os, threading
calls = []
real_getcwd = os.getcwd
def getcwd():
    calls.append(1)
    return real_getcwd()
os.getcwd = getcwd
os.mkdir("a")
from _roar_shim.recorder import PythonRecorder
rec = PythonRecorder()
rec.install()
open("a/x.txt", "w").close()
stop = threading.Event()
idle = threading.Thread(target=stop.wait)
idle.start()
asked = []
for i in range(50):
    open("r%d.txt" % i, "w").close()
asked.append(len(calls))
def move():
    os.chdir("a")
    open("x.txt").close()  # its next event: the chdir has returned
mover = threading.Thread(target=move)
mover.start()
mover.join()
for i in range(50):
    open("x.txt").close()
asked.append(len(calls))
os.chdir("..")
for i in range(50):
    open("r%d.txt" % i).close()
asked.append(len(calls))
stop.set()
idle.join()
(ops, paths, dests, counts), _, dropped, errors = rec.drain_columns()
here = os.getcwd() + "/"
rows = sorted([op, p[len(here):], n] for op, p, n in zip(ops, paths, counts) if p.startswith(here))
print(json.dumps({"asked": asked, "rows": rows, "errors": errors}))
"""


class PureCwdTest(ShimTestCase):
    def test_a_live_threads_chdir_moves_relative_paths_only_once_it_is_done(self):
        run = self.run_py(LIVE_THREAD_CHDIR)
        self.assertEqual(run.returncode, 0, run.stderr.decode())
        shard = run.shard()
        self.assertEqual(shard["capture"]["audit_backend"], "python")
        self.assertEqual(shard["capture"]["errors"], [])
        w = os.path.realpath(self.work)
        written = sorted(p for op, p, _ in self.files_of(shard, w) if op == "write")
        expected = [os.path.join(w, "a", "%s-%d.txt" % (when, i)) for when in ("after", "end") for i in range(3)]
        expected += [os.path.join(w, "a", "mover.txt")]
        expected += [os.path.join(w, "%s-%d.txt" % (when, i)) for when in ("before", "during") for i in range(3)]
        self.assertEqual(written, sorted(expected))

    def test_the_cwd_is_asked_once_per_change_while_other_threads_live(self):
        run = self.run_py(GETCWD_CALLS, wrap=False)
        self.assertEqual(run.returncode, 0, run.stderr.decode())
        result = json.loads(run.stdout)
        self.assertEqual(result["errors"], [])
        # once for the first relative open; once after the other thread's chdir; once after ours
        self.assertEqual(result["asked"], [1, 2, 3])
        expected = [["read", "a/x.txt", 51], ["write", "a/x.txt", 1]] + sorted(
            [["read", "r%d.txt" % i, 1] for i in range(50)] + [["write", "r%d.txt" % i, 1] for i in range(50)]
        )
        self.assertEqual(result["rows"], sorted(expected))


if __name__ == "__main__":
    unittest.main()
