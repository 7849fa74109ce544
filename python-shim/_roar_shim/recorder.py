"""The pure-Python recorder: an audit hook that keeps file and process events in memory.

Same interface as the compiled `_roar_runtime` module (one interface, two implementations):
    install(limit)  add the audit hook (once; audit hooks cannot be removed)
    drain()         -> (files, spawned, dropped, errors) and clear the buffers
                       files:   [(op, path, dest, count)]  path/dest absolute, not yet normalised;
                                each (op, path, dest) once
                       spawned: [(event, executable, argv)] raw objects as the event carried them
                       dropped: events not kept because the buffer was full
                       errors:  [(where, message)] failures inside the hook
    reset()         clear everything (a forked child records only its own events)

Paths are made absolute at event time (cwd, or the directory behind a dir_fd, can change later) by
plain concatenation; normalisation waits until exit, where it costs nothing the workload feels.

The hot case (an `open` of a str path: a dataset loop, every .pyc an import reads) only appends to
a list (an _Opens) the event's key: the path itself for a read (FileIO's mode is "r" for every
open(..., "r"/"rb"/"rt")), (op, path) for the other ops. Reads keep no tuple alive (one more
allocation per event, one more object to free at exit), and reads of a path in any mode are one
key. Every CHUNK events the list is folded into a dict of counts by the C counter behind
collections.Counter; at exit filelist.columns_of_opens turns the dicts into columns in a few passes
over them, not once per event, each (op, path) once.

Absolute paths go to one _Opens, relative ones to one per cwd ("<cwd>/", joined to the paths at
exit), as cheaply while the cwd is known. It is known from a relative open (one getcwd()) until an
os.chdir / os.fchdir or ctypes event may change it. Such an event comes before its system call,
which runs without the GIL, so another thread can open a file in between: the calling thread is
then "pending", and no cwd read meanwhile is kept until an event of that thread shows the call has
returned (the native runtime's rule). The runtime looks at every event for that; this hook, where
each instruction of the hot case counts, at every event but those it ignores and the hot case. A
thread that changes directory and raises no such event again leaves the cwd asked at every
relative open: correct, only slower. Free-threaded builds always ask.

drain_columns() (here and in _roar_runtime) is drain() with files as four columns
(ops, paths, dests, counts): the same data without tens of thousands of tuples to build and take
apart at exit.
"""

import os
import sys

# Every other audit event returns at the first lines of the hook; sys._getframe and
# object.__setattr__ fire millions of times in ordinary code.
FILE_EVENTS = frozenset(("open", "os.rename", "os.remove", "shutil.copyfile", "os.mkdir", "os.rmdir"))
SPAWN_EVENTS = frozenset(("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec"))
# may change the cwd (os.fchdir raises os.chdir; a foreign function may be libc's chdir)
CWD_EVENTS = frozenset(("os.chdir", "ctypes.call_function"))
EVENTS = FILE_EVENTS | SPAWN_EVENTS | CWD_EVENTS

DEFAULT_LIMIT = 1000000
_MODE_OPS = dict(
    [(m, "read") for m in ("r", "rb", "rt", "br", "tr")]
    + [(m, "write") for m in ("w", "wb", "wt", "a", "ab", "at", "x", "xb")]
    + [(m, "readwrite") for m in ("r+", "rb+", "r+b", "w+", "wb+", "w+b", "a+", "ab+", "a+b")]
)
SPAWN_LIMIT = 10000
ERROR_LIMIT = 20
CHUNK = 4096

try:
    from _thread import get_ident
except ImportError:  # no threads: nothing can be in flight

    def get_ident():
        return 0


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


def _open_op(mode, flags):
    """The op of an `open` event: from its mode, or from its flags (os.open gives no mode)."""
    op = _MODE_OPS.get(mode) if mode.__class__ is str else None
    if op is not None:
        return op
    if isinstance(mode, str):
        if "+" in mode:
            return "readwrite"
        if "w" in mode or "a" in mode or "x" in mode:
            return "write"
        return "read"
    acc = (flags or 0) & 3 if isinstance(flags, int) else 0
    return "read" if acc == 0 else ("write" if acc == 1 else "readwrite")


class _Opens(list):
    """`open` events of str paths in one directory (base: "<cwd>/", or None for absolute paths), not
    yet counted, each as its key: the path for a read, (op, path) for the other ops (mixed: there
    has been one). counts: {key: n} in first-seen order."""

    __slots__ = ("base", "counts", "mixed")

    def __init__(self, base):
        list.__init__(self)
        self.base = base
        self.counts = {}
        self.mixed = False


class PythonRecorder:
    name = "python"

    def __init__(self):
        self._files = {}  # (op, path, dest) -> count, for everything but the hot case
        self._opens = _Opens(None)  # absolute paths
        # base ("<cwd>/", None for absolute paths) -> _Opens, in the order first seen
        self._streams = {None: self._opens}
        # [[the _Opens of the cwd, or None when not known]]: a cwd event puts in a new inner list,
        # so that a getcwd() begun before it stores its answer where nobody looks
        self._cwd = [[None]]
        self._pending = set()  # threads whose cwd-changing call may not have returned
        self._folding = {}  # id of an _Opens -> a token of the fold running on it
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
        streams = list(self._streams.values())
        for opens in streams:
            self._fold(opens)
        # exit-time code lives in filelist.py (every process imports this module at start); imported
        # once the buffers are folded, so that its own opens (roar's files) go where _clear() clears
        from .filelist import columns_of_opens

        files = columns_of_opens([(s.base, s.counts, s.mixed) for s in streams if s.counts], self._files)
        spawned = list(self._spawned)
        dropped = self._counters[0]
        errors = list(self._errors)
        self._clear()
        return files, spawned, dropped, errors

    def _fold(self, opens):
        """Count the events waiting in opens (an _Opens). Other threads may append meanwhile: what is
        counted is taken out first, and one fold of a list runs at a time (another one, in another
        thread or from a finalizer the fold set off, leaves it to the next)."""
        folding = self._folding
        me = object()
        if folding.setdefault(id(opens), me) is not me:
            return
        try:
            keys = opens[:]
            del opens[: len(keys)]
            _count_elements(opens.counts, keys)
            self._trim(opens)
        except Exception as e:  # called from the hook: never let it reach the workload
            if len(self._errors) < ERROR_LIMIT:
                self._errors.append(("fold", "%s: %s" % (type(e).__name__, e)))
        finally:
            del folding[id(opens)]

    def _trim(self, opens):
        kept = len(self._files) + sum([len(s.counts) for s in list(self._streams.values())])
        excess = kept - self._limit
        if excess > 0:  # over the cap: forget the newest distinct entries, and say so
            counts = opens.counts
            for _ in range(min(excess, len(counts))):
                counts.popitem()
            self._counters[0] += excess

    def _clear(self):
        # in place: the installed hook holds these very objects
        self._files.clear()
        for opens in list(self._streams.values()):
            del opens[:]
            opens.counts.clear()
            opens.mixed = False
        del self._spawned[:]
        del self._errors[:]
        self._counters[0] = 0

    def reset(self):
        self._clear()
        # a forked child may chdir before its first event: ask again; the forking thread is the only
        # one there, and its call had returned
        self._cwd[0] = [None]
        self._pending.clear()
        self._folding.clear()

    def _make_hook(self):
        files = self._files
        opens = self._opens
        fold = self._fold
        streams = self._streams
        cwd = self._cwd
        pending = self._pending
        # without the GIL another thread's chdir can run between any two lines here: never keep it
        keep_cwd = getattr(sys, "_is_gil_enabled", lambda: True)()
        spawned = self._spawned
        counters = self._counters
        errors = self._errors
        limit = self._limit
        events = EVENTS
        file_events = FILE_EVENTS
        getcwd = os.getcwd
        write_ops = {mode: op for mode, op in _MODE_OPS.items() if op != "read"}
        fsdecode = os.fsdecode
        fspath = os.fspath

        def cwd_opens():
            """The _Opens of the cwd: the known one, else asked (and kept when no cwd-changing call
            is in flight)."""
            cell = cwd[0]  # read first: a cwd event from here on replaces it (what is kept below is lost)
            known = cell[0]
            if known is not None:
                return known
            if pending:
                pending.discard(get_ident())  # this thread's cwd-changing call has returned
            settled = keep_cwd and not pending
            base = getcwd() + "/"
            got = streams.get(base)
            if got is None:
                got = streams.setdefault(base, _Opens(base))
            if settled:
                cell[0] = got
            return got

        def add_open(into, path, mode, flags):
            op = _open_op(mode, flags)
            if op == "read":
                into.append(path)
            else:
                into.mixed = True  # before the key can be counted
                into.append((op, path))
            if len(into) >= CHUNK:
                fold(into)

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
            if base:
                return base + "/" + p
            known = cwd[0][0]  # (only an open makes it known: the entries keep the order of opens)
            return (known.base if known is not None else getcwd() + "/") + p

        def add(op, path, dest=None):
            key = (op, path, dest)
            n = files.get(key)
            if n is not None:
                files[key] = n + 1
            elif len(files) < limit:
                files[key] = 1
            else:
                counters[0] += 1

        def note(event, e):
            if len(errors) < ERROR_LIMIT:
                errors.append(("audit-hook:" + event, "%s: %s" % (type(e).__name__, e)))

        def hook(event, args):
            if event == "open":
                try:
                    path = args[0]
                    if path.__class__ is str:
                        into = opens if path[:1] == "/" else cwd[0][0]
                        if into is not None:  # the hot case: counted later, in bulk
                            mode = args[1]
                            if mode == "r":
                                into.append(path)
                            elif mode in write_ops:
                                into.mixed = True  # before the key can be counted
                                into.append((write_ops[mode], path))
                            else:
                                add_open(into, path, mode, args[2])
                            if len(into) >= CHUNK:
                                fold(into)
                        else:  # relative, the cwd not known
                            add_open(cwd_opens(), path, args[1], args[2])
                        return
                    path = absolute(path)
                    if path is not None:
                        add(_open_op(args[1], args[2]), path)
                except Exception as e:  # never let a recording failure reach the workload
                    note(event, e)
                return
            if event not in events:
                return
            if pending:
                pending.discard(get_ident())  # this thread's cwd-changing call has returned
            if event in CWD_EVENTS:
                pending.add(get_ident())
                cwd[0] = [None]
                return
            try:
                if event in file_events:
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
            except Exception as e:
                note(event, e)

        return hook
