"""The pure-Python recorder: an audit hook that keeps file and process events in memory.

Same interface as the compiled `_roar_runtime` module (one interface, two implementations):
    install(limit)  add the audit hook (once; audit hooks cannot be removed)
    drain()         -> (files, spawned, dropped, errors) and clear the buffers
                       files:   [(op, path, dest, count)]  path/dest absolute, not yet normalised
                                (here an (op, path, dest) may repeat: the shard writer merges them)
                       spawned: [(event, executable, argv)] raw objects as the event carried them
                       dropped: events not kept because the buffer was full
                       errors:  [(where, message)] failures inside the hook
    reset()         clear everything (a forked child records only its own events)

Paths are made absolute at event time (cwd, or the directory behind a dir_fd, can change later) by
plain concatenation; normalisation waits until exit, where it costs nothing the workload feels.

The hot case (an `open` of an absolute str path: a dataset loop, every .pyc an import reads) only
appends the event's own argument tuple to a list; every CHUNK events the list is folded into a
dict of counts by the C counter behind collections.Counter, and the modes are turned into ops at
drain time, in a few passes over the distinct (path, mode, flags) (filelist.columns_of_opens), not
once per event. A relative str path is as cheap while the cwd is known: its tuples go to a list of
their own, counted per cwd when folded and joined to it at drain. The cwd is known from the first
relative open (one getcwd()) until an os.chdir / os.fchdir or ctypes event may change it, and
trusted only while the process has one thread: another thread's chdir could fall between its audit
event and the system call. (The native runtime is finer: it distrusts the cache only while such a
call is in flight, from its event to that thread's next one.)

drain_columns() (here and in _roar_runtime) is drain() with files as four columns
(ops, paths, dests, counts): the same data without tens of thousands of tuples to build and take
apart at exit.
"""

import os
import sys

# Every other audit event returns at the first line of the hook; sys._getframe and
# object.__setattr__ fire millions of times in ordinary code.
FILE_EVENTS = frozenset(("open", "os.rename", "os.remove", "shutil.copyfile", "os.mkdir", "os.rmdir"))
SPAWN_EVENTS = frozenset(("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec"))
# may change the cwd (a foreign function may be libc's chdir)
CWD_EVENTS = frozenset(("os.chdir", "ctypes.call_function"))
EVENTS = FILE_EVENTS | SPAWN_EVENTS | CWD_EVENTS

DEFAULT_LIMIT = 1000000
_COMMON_MODES = (
    [(m, "read") for m in ("r", "rb", "rt", "br", "tr")]
    + [(m, "write") for m in ("w", "wb", "wt", "a", "ab", "at", "x", "xb")]
    + [(m, "readwrite") for m in ("r+", "rb+", "r+b", "w+", "wb+", "w+b", "a+", "ab+", "a+b")]
)
SPAWN_LIMIT = 10000
ERROR_LIMIT = 20
CHUNK = 4096
_MODE_OPS = dict(_COMMON_MODES)

try:
    from _collections import _count_elements
except ImportError:  # not CPython

    def _count_elements(mapping, iterable):
        get = mapping.get
        for item in iterable:
            mapping[item] = get(item, 0) + 1


def _fd_dir(fd):
    try:
        return os.readlink("/proc/self/fd/%d" % fd)
    except OSError:
        return None


class PythonRecorder:
    name = "python"

    def __init__(self):
        self._files = {}  # (op, path, dest) -> count, for everything but the hot case
        self._opens = []  # argument tuples of `open` events with an absolute str path, not yet counted
        self._open_counts = {}  # argument tuple -> count
        # relative str paths: opened while the cwd was cwd[0] ("<cwd>/", None when unknown), not yet
        # counted; counted per cwd
        self._rel_opens = []
        self._rel_counts = {}  # "<cwd>/" -> {argument tuple: count}
        self._cwd = [None]
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
        files, spawned, dropped, errors = self.drain_columns()
        return list(zip(*files)), spawned, dropped, errors

    def drain_columns(self):
        """drain() with files as a tuple of four lists (what the shim itself uses)."""
        self._fold()
        self._fold_relative()
        # exit-time code lives in filelist.py (every process imports this module at start); imported
        # once the buffers are folded, so that its own opens (roar's files) go where reset() clears
        from .filelist import columns_of_opens

        ops, paths, dests, counts = columns_of_opens(self._open_counts, None, _MODE_OPS)
        for base, rel_counts in self._rel_counts.items():
            relative = columns_of_opens(rel_counts, base, _MODE_OPS)
            for column, more in zip((ops, paths, dests, counts), relative):
                column.extend(more)
        # the same (op, path) can come both ways (relative and absolute, "r" and "rb"): the shard
        # writer merges duplicates
        if self._files:
            rows = zip(*self._files)
            for column in (ops, paths, dests):
                column += next(rows)
            counts += self._files.values()
        files = (ops, paths, dests, counts)
        spawned = list(self._spawned)
        dropped = self._counters[0]
        errors = list(self._errors)
        self.reset()
        return files, spawned, dropped, errors

    def _fold(self):
        opens, counts = self._opens, self._open_counts
        try:
            _count_elements(counts, opens)
        except Exception as e:  # called from the hook: never let it reach the workload
            if len(self._errors) < ERROR_LIMIT:
                self._errors.append(("fold", "%s: %s" % (type(e).__name__, e)))
        del opens[:]
        self._trim(counts)

    def _fold_relative(self):
        """Count the relative opens made while the cwd was self._cwd[0] (called before it changes)."""
        opens = self._rel_opens
        if not opens:
            return
        counts = self._rel_counts.setdefault(self._cwd[0], {})
        try:
            _count_elements(counts, opens)
        except Exception as e:
            if len(self._errors) < ERROR_LIMIT:
                self._errors.append(("fold", "%s: %s" % (type(e).__name__, e)))
        del opens[:]
        self._trim(counts)

    def _trim(self, counts):
        kept = len(self._open_counts) + len(self._files) + sum(map(len, self._rel_counts.values()))
        excess = kept - self._limit
        if excess > 0:  # over the cap: forget the newest distinct entries, and say so
            for _ in range(min(excess, len(counts))):
                counts.popitem()
            self._counters[0] += excess

    def reset(self):
        # clear in place: the installed hook holds these very objects
        self._files.clear()
        del self._opens[:]
        self._open_counts.clear()
        del self._rel_opens[:]
        self._rel_counts.clear()
        self._cwd[0] = None  # a forked child may chdir before its first event: ask again
        del self._spawned[:]
        del self._errors[:]
        self._counters[0] = 0

    def _make_hook(self):
        files = self._files
        opens = self._opens
        append = opens.append
        fold = self._fold
        rel_opens = self._rel_opens
        rel_append = rel_opens.append
        fold_relative = self._fold_relative
        cwd = self._cwd
        try:
            from _thread import _count as thread_count  # threads started besides the main one
        except ImportError:

            def thread_count():
                return 1  # cannot tell: never trust a cached cwd
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
            return base + "/" + p if base else cwd_slash() + p

        def cwd_slash():
            """The cwd and a "/": the one known when it can be trusted, else asked (and kept if it can be)."""
            single = thread_count() == 0
            if cwd[0] is not None and single:
                return cwd[0]
            base = getcwd() + "/"
            if single:
                fold_relative()  # those still count with the cwd they were made in
                cwd[0] = base
            return base

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
            if event == "open":
                path = args[0]
                if path.__class__ is str:
                    if path[:1] == "/":
                        append(args)  # the hot case: counted and classified later, in bulk
                        if len(opens) >= CHUNK:
                            fold()
                        return
                    if cwd[0] is not None and thread_count() == 0:
                        rel_append(args)  # as cheap, joined to the cwd when counted
                        if len(rel_opens) >= CHUNK:
                            fold_relative()
                        return
            elif event not in events:
                return
            elif event in CWD_EVENTS:
                try:
                    fold_relative()
                    cwd[0] = None
                except Exception as e:
                    if len(errors) < ERROR_LIMIT:
                        errors.append(("audit-hook:" + event, "%s: %s" % (type(e).__name__, e)))
                return
            try:
                if event == "open":
                    if args[0].__class__ is str and thread_count() == 0:
                        cwd_slash()  # a relative str path: the cwd is known from now on
                        rel_append(args)
                        return
                    path = absolute(args[0])
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
