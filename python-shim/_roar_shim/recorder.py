"""The pure-Python recorder: an audit hook that keeps file and process events in memory.

Same interface as the compiled `_roar_runtime` module (one interface, two implementations):
    install(limit)  add the audit hook (once; audit hooks cannot be removed)
    drain()         -> (files, spawned, dropped, errors) and clear the buffers
                       files:   [(op, path, dest, count)]  path/dest absolute, not yet normalised
                       spawned: [(event, executable, argv)] raw objects as the event carried them
                       dropped: events not kept because the buffer was full
                       errors:  [(where, message)] failures inside the hook
    reset()         clear everything (a forked child records only its own events)

Paths are made absolute at event time (cwd, or the directory behind a dir_fd, can change later) by
plain concatenation; normalisation waits until exit, where it costs nothing the workload feels.
"""

import os
import sys

# Every other audit event returns at the first line of the hook; sys._getframe and
# object.__setattr__ fire millions of times in ordinary code.
FILE_EVENTS = frozenset(("open", "os.rename", "os.remove", "shutil.copyfile", "os.mkdir", "os.rmdir"))
SPAWN_EVENTS = frozenset(("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec"))
EVENTS = FILE_EVENTS | SPAWN_EVENTS

DEFAULT_LIMIT = 1000000
_COMMON_MODES = (
    [(m, "read") for m in ("r", "rb", "rt", "br", "tr")]
    + [(m, "write") for m in ("w", "wb", "wt", "a", "ab", "at", "x", "xb")]
    + [(m, "readwrite") for m in ("r+", "rb+", "r+b", "w+", "wb+", "w+b", "a+", "ab+", "a+b")]
)
SPAWN_LIMIT = 10000
ERROR_LIMIT = 20


def _fd_dir(fd):
    try:
        return os.readlink("/proc/self/fd/%d" % fd)
    except OSError:
        return None


class PythonRecorder:
    name = "python"

    def __init__(self):
        self._files = {}
        self._spawned = []
        self._counters = [0]  # [dropped]; a list so the hook closure can mutate it
        self._errors = []
        self._limit = DEFAULT_LIMIT
        self._installed = False

    def install(self, limit=DEFAULT_LIMIT):
        if self._installed:
            return
        self._limit = limit
        sys.addaudithook(self._make_hook())
        self._installed = True

    def drain(self):
        files = [(k[0], k[1], k[2], n) for k, n in list(self._files.items())]
        spawned = list(self._spawned)
        dropped = self._counters[0]
        errors = list(self._errors)
        self.reset()
        return files, spawned, dropped, errors

    def reset(self):
        # clear in place: the installed hook holds these very objects
        self._files.clear()
        del self._spawned[:]
        del self._errors[:]
        self._counters[0] = 0

    def _make_hook(self):
        files = self._files
        spawned = self._spawned
        counters = self._counters
        errors = self._errors
        limit = self._limit
        events = EVENTS
        file_events = FILE_EVENTS
        getcwd = os.getcwd
        fsdecode = os.fsdecode
        fspath = os.fspath

        def absolute(p, dir_fd=None):
            if not isinstance(p, str):
                if isinstance(p, bytes):
                    p = fsdecode(p)
                elif hasattr(p, "__fspath__"):
                    p = fspath(p)
                    if isinstance(p, bytes):
                        p = fsdecode(p)
                else:
                    return None  # a file descriptor: nothing to name
            if p[:1] == "/":
                return p
            base = _fd_dir(dir_fd) if isinstance(dir_fd, int) and dir_fd >= 0 else None
            return (base or getcwd()) + "/" + p

        def add(op, path, dest=None):
            key = (op, path, dest)
            n = files.get(key)
            if n is not None:
                files[key] = n + 1
            elif len(files) < limit:
                files[key] = 1
            else:
                counters[0] += 1

        mode_ops = dict(_COMMON_MODES)

        def hook(event, args):
            if event not in events:
                return
            try:
                if event == "open":
                    # the hot case, inlined: an absolute str path with a common mode
                    path = args[0]
                    if path.__class__ is not str or path[:1] != "/":
                        path = absolute(path)
                        if path is None:
                            return
                    mode = args[1]
                    op = mode_ops.get(mode) if mode.__class__ is str else None
                    if op is None:
                        if isinstance(mode, str):
                            if "+" in mode:
                                op = "readwrite"
                            elif "w" in mode or "a" in mode or "x" in mode:
                                op = "write"
                            else:
                                op = "read"
                        else:
                            acc = (args[2] or 0) & 3
                            op = "read" if acc == 0 else ("write" if acc == 1 else "readwrite")
                    key = (op, path, None)
                    n = files.get(key)
                    if n is not None:
                        files[key] = n + 1
                    elif len(files) < limit:
                        files[key] = 1
                    else:
                        counters[0] += 1
                elif event in file_events:
                    if event == "os.rename":
                        src = absolute(args[0], args[2])
                        dst = absolute(args[1], args[3])
                        if src is not None:
                            add("rename", src, dst)
                    elif event == "os.remove":
                        path = absolute(args[0], args[1])
                        if path is not None:
                            add("delete", path)
                    elif event == "shutil.copyfile":
                        src = absolute(args[0])
                        dst = absolute(args[1])
                        if src is not None:
                            add("read", src)
                        if dst is not None:
                            add("write", dst)
                    elif event == "os.mkdir":
                        path = absolute(args[0], args[2])
                        if path is not None:
                            add("mkdir", path)
                    else:  # os.rmdir
                        path = absolute(args[0], args[1])
                        if path is not None:
                            add("rmdir", path)
                elif len(spawned) < SPAWN_LIMIT:
                    if event == "subprocess.Popen":
                        spawned.append((event, args[0], args[1]))
                    elif event == "os.system":
                        spawned.append((event, None, args[0]))
                    else:  # os.posix_spawn, os.exec
                        spawned.append((event, args[0], args[1]))
                else:
                    counters[0] += 1
            except Exception as e:  # never let a recording failure reach the workload
                if len(errors) < ERROR_LIMIT:
                    errors.append(("audit-hook:" + event, "%s: %s" % (type(e).__name__, e)))

        return hook
