"""Start the recorder in this process and make sure its shard gets written however the process ends.

Ways a Python process ends, and where the shard is written:
  normal end, sys.exit, uncaught exception, KeyboardInterrupt  -> atexit (registered first, runs last)
  os._exit (multiprocessing fork workers leave this way)        -> wrapped os._exit
  os.exec*                                                      -> wrapped os.execv / os.execve
  fork                                                          -> the child resets its state and
                                                                   writes its own shard later
  SIGTERM in a multiprocessing worker (Pool.terminate)          -> a handler that writes the shard,
                                                                   then dies by SIGTERM as before
Spawn/forkserver workers and subprocesses are fresh interpreters: they inherit the environment and
start their own shim. Other signals Python does not handle (SIGKILL, SIGTERM elsewhere) leave no shard.

The exit status in the shard is what the process really exits with. At atexit CPython no longer
says what status it will exit with after an uncaught SystemExit (`raise SystemExit(3)`, the `exit()`
builtin, a library's own raise), so:
  native runtime on glibc  the shard is written with a guess, and the runtime's on_exit callback
                           rewrites its exit object when exit() gets another status (ground truth);
  Python 3.12+ otherwise   a sys.monitoring PY_UNWIND callback sees the SystemExit leave __main__;
  3.8-3.11 otherwise       sys.exit() called in the main thread is the best there is: a bare
                           `raise SystemExit(n)` is recorded as exit 0 (known gap).
"""

import os
import sys
import time

_state = None


def _debug(message):
    if os.environ.get("ROAR_DEBUG") == "1":
        try:
            sys.stderr.write("roar: %s\n" % message)
        except Exception:
            pass


class ShimState:
    def __init__(self, shim_dir, shard_dir):
        self.shim_dir = shim_dir
        self.shard_dir = shard_dir
        self.job_id = os.environ.get("ROAR_JOB_ID") or None
        self.runtime_expected = os.environ.get("ROAR_RUNTIME_EXPECTED") == "1"
        # ROAR_FILE_AUDIT=0: the job's tracer captures file I/O; the shim records identity only.
        self.file_audit = os.environ.get("ROAR_FILE_AUDIT") != "0"
        self.runtime_dirs = []
        self.sys_path_skipped = []
        self.recorder = None
        self.backend = "none"
        self.gate_outcome = "disabled"
        self.gate_reason = None
        self.runtime_path = None
        self.getframe_unaudited = False
        # A sys.monitoring watch (3.12+) on SystemExit leaving __main__: registrations survive fork.
        self.unwind_watched = False
        # modules imported before the workload (by site and .pth files) are not the workload's;
        # kept across fork: a fork worker uses what its parent imported
        self.preloaded = frozenset(sys.modules)
        self.reset_process()

    def reset_process(self):
        """What belongs to one process: set at start and again in a fork's child."""
        self.pid = os.getpid()
        self.ppid = os.getppid()
        self.started_at = time.time()
        try:
            self.cwd = os.getcwd()
        except OSError:
            self.cwd = None
        self.exit_how = None  # from sys.exit() in the main thread: a guess (it may be caught)
        self.exit_code = None
        self.unwound_exit = None  # status of a SystemExit seen leaving __main__ (3.12+)
        # what this process has recorded so far (kept across a failed exec)
        self.files = []  # one entry per drain: (ops, paths, dests, counts), or a list of rows
        self.spawned = []
        self.dropped = 0
        self.errors = []
        self.written = None  # path of the shard once written
        self.written_data = None  # its bytes, in parts (shard.write_shard; the file list None when the runtime wrote it)

    def error(self, where, e):
        if len(self.errors) < 50:
            self.errors.append((where, "%s: %s" % (type(e).__name__, e)))


def start(shim_dir):
    """Arm this process (idempotent). Never raises past sitecustomize's guard, never prints unless
    a runtime was expected and not used (once per job) or ROAR_DEBUG=1."""
    global _state
    if _state is not None:
        return _state
    shard_dir = os.environ.get("ROAR_SHARD_DIR")
    if not shard_dir or not os.path.isdir(shard_dir) or not os.access(shard_dir, os.W_OK | os.X_OK):
        _debug("ROAR_SHARD_DIR %r is missing or not writable: recording nothing" % (shard_dir,))
        return None
    state = ShimState(shim_dir, os.path.abspath(shard_dir))
    _state = state

    from . import gate

    try:
        state.runtime_dirs, state.sys_path_skipped = gate.place_runtime_dirs(gate.select_runtime_dirs(os.environ.get("ROAR_RUNTIME_PYTHONPATH")))
        result = gate.open_gate(state.runtime_dirs, state.sys_path_skipped)
    except Exception as e:
        state.error("gate", e)
        result = gate.GateResult(None, "import-error", "gate failed: %s" % (e,), None)
    state.gate_outcome = result.outcome
    state.gate_reason = result.reason
    state.runtime_path = result.runtime_path

    # Without file audit (the CLI's preload or strace tracer sees this process's file I/O below
    # Python) no audit hook is installed at all, so Python code runs as without roar; the runtime
    # stays loaded for its exact exit status.
    recorder = result.module
    if state.file_audit and recorder is not None:
        try:
            recorder.install()
            state.backend = "native"
            _unaudit_getframe(state, recorder)
        except Exception as e:
            state.error("native-install", e)
            state.gate_outcome = "import-error"
            state.gate_reason = "install() failed: %s" % (e,)
            recorder = None
    if recorder is None and state.file_audit:
        try:
            from .recorder import PythonRecorder

            recorder = PythonRecorder()
            recorder.install()
            state.backend = "python"
        except Exception as e:
            state.error("python-install", e)
            recorder = None
    state.recorder = recorder

    if state.gate_outcome != "native" and state.runtime_expected and state.file_audit and os.environ.get("ROAR_GATE_WARNED") != "1":
        os.environ["ROAR_GATE_WARNED"] = "1"
        try:
            final = gate.GateResult(None, state.gate_outcome, state.gate_reason, state.runtime_path)
            sys.stderr.write(gate.warning_text(final, sys.executable))
            sys.stderr.flush()
        except Exception:
            pass
    _debug("pid %d: backend %s, gate %s (%s)" % (state.pid, state.backend, state.gate_outcome, state.gate_reason))

    _install_exit_paths(state)
    if "--multiprocessing-fork" in (getattr(sys, "argv", None) or ()):
        _install_sigterm_flush()  # a spawn (or forkserver-launched) multiprocessing worker
    return state


def leave_sys_path(state):
    """Take roar's own directories (the shim's, the runtime trees) off sys.path once the shim has
    imported what it needs from them (at exit it imports only _roar_shim submodules, found through
    the package). Each one searched before the workload's own cost every top-level import a stat
    and a finder call: 142 stdlib imports on 3.8, 1.076x -> 1.040x the bare process's instructions."""
    own = {os.path.abspath(d) for d in [state.shim_dir] + list(state.runtime_dirs) if d}
    try:
        sys.path[:] = [p for p in sys.path if not (p and isinstance(p, str) and os.path.abspath(p) in own)]
    except Exception as e:
        state.error("sys-path", e)


def _unaudit_getframe(state, runtime):
    """Swap sys._getframe for the runtime's un-audited equivalent (see _roar_runtime.c for why)."""
    if os.environ.get("ROAR_AUDIT_GETFRAME") == "1" or not hasattr(runtime, "getframe"):
        return
    try:
        runtime.getframe(0)  # must work here before it replaces anything
        sys._getframe = runtime.getframe
        state.getframe_unaudited = True
    except Exception as e:
        state.error("getframe", e)


def _install_exit_paths(state):
    import atexit

    atexit.register(_at_exit)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)

    exact = getattr(state.recorder, "EXIT_FIX", 0) == 1
    if not exact:
        _watch_main_unwind(state)

    real_exit = sys.exit
    from _thread import get_ident

    main_thread = get_ident()

    def exit(status=None):
        # sys.exit in another thread only ends that thread
        if get_ident() == main_thread:
            try:
                state.exit_how = "exit"
                state.exit_code = exit_status(status)
            except Exception:
                pass
        real_exit(status)

    exit.__doc__ = real_exit.__doc__
    sys.exit = exit

    real_os_exit = os._exit

    def _exit(status):
        try:
            flush("os_exit", exit_status(status) if isinstance(status, int) else None)
        except Exception:
            pass
        real_os_exit(status)

    _exit.__doc__ = real_os_exit.__doc__
    os._exit = _exit

    # os.execl/execle/execlp/execvp/execvpe all end in these two module globals
    for name in ("execv", "execve"):
        real = getattr(os, name, None)
        if real is not None:
            setattr(os, name, _exec_wrapper(real))


def _exec_wrapper(real):
    def wrapper(*args, **kwargs):
        written = None
        # the os.exec audit event fires inside the real call, after the shard is written
        entry = ("os.exec", args[0] if args else None, args[1] if len(args) > 1 else None)
        try:
            if _state is not None:
                _state.spawned.append(entry)
            written = flush("exec", None)
        except Exception:
            pass
        try:
            return real(*args, **kwargs)
        except BaseException:
            # exec failed and this process goes on: forget the shard, the real end writes it
            # (the audit hook has recorded this attempt itself by now)
            _unflush(written, entry)
            raise

    wrapper.__name__ = real.__name__
    wrapper.__doc__ = real.__doc__
    return wrapper


_C_LONG_MIN, _C_LONG_MAX = -(2**63), 2**63 - 1


def exit_status(code):
    """The status a parent's wait() sees for SystemExit(code), as CPython maps it: None -> 0, an int
    -> its low 8 bits (one outside a C long fails to convert: -1 -> 255), anything else is printed
    and -> 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        if not _C_LONG_MIN <= code <= _C_LONG_MAX:
            return 255
        return code & 0xFF
    return 1


def _watch_main_unwind(state):
    """Python 3.12+: note the status of a SystemExit that leaves the __main__ module's code (the
    process then exits with it). PY_UNWIND is global but fires only when an exception leaves a
    Python frame, which ordinary hot code does not do."""
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return
    try:
        tool = next(t for t in (4, 3) if monitoring.get_tool(t) is None)
    except StopIteration:
        state.error("exit-watch", RuntimeError("no free sys.monitoring tool id"))
        return
    getframe = sys._getframe

    def on_unwind(code, offset, exc):
        if exc.__class__ is SystemExit or isinstance(exc, SystemExit):
            try:
                if code.co_name == "<module>" and getframe(1).f_globals.get("__name__") == "__main__":
                    state.unwound_exit = exit_status(exc.code)
            except Exception:
                pass

    try:
        monitoring.use_tool_id(tool, "roar")
        monitoring.register_callback(tool, monitoring.events.PY_UNWIND, on_unwind)
        monitoring.set_events(tool, monitoring.events.PY_UNWIND)
        state.unwind_watched = True
    except Exception as e:
        state.error("exit-watch", e)
        return
    _yield_tool_id(monitoring, tool, state)


def _yield_tool_id(monitoring, tool, state):
    """Tool ids 3 and 4 have no assigned owner, so a workload may claim the one roar holds: roar then
    lets go of it (and of the exact exit status) rather than have the workload's use_tool_id fail."""
    use_tool_id = monitoring.use_tool_id

    def use_tool_id_yielding(tool_id, name):
        if tool_id == tool and state.unwind_watched:
            state.unwind_watched = False
            monitoring.use_tool_id = use_tool_id
            try:
                monitoring.set_events(tool, 0)
                monitoring.register_callback(tool, monitoring.events.PY_UNWIND, None)
                monitoring.free_tool_id(tool)
            except Exception as e:
                state.error("exit-watch", e)
        return use_tool_id(tool_id, name)

    try:
        use_tool_id_yielding.__doc__ = use_tool_id.__doc__
        monitoring.use_tool_id = use_tool_id_yielding
    except Exception as e:
        state.error("exit-watch", e)


def _is_multiprocessing_fork():
    """Was this fork made by multiprocessing (a fork-context worker, or a forkserver's child)?
    Called from the after-fork hook: the frames just above are whoever called os.fork()."""
    f = sys._getframe(2)
    for _ in range(3):
        if f is None:
            return False
        name = f.f_code.co_filename
        if name.endswith(("popen_fork.py", "forkserver.py")) and "multiprocessing" in name:
            return True
        f = f.f_back
    return False


def _install_sigterm_flush():
    """In a multiprocessing worker only: Pool.terminate() and Process.terminate() send SIGTERM,
    whose default action leaves no shard. Write it, then die by SIGTERM exactly as before (the
    parent sees exitcode -SIGTERM). Installed only over the default action, and invisible to
    signal.getsignal(), so a handler the workload sets (or inherited) always wins."""
    import signal

    real_signal, real_getsignal = signal.signal, signal.getsignal
    if real_getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return
    default = signal.SIG_DFL

    def on_sigterm(signum, frame):
        try:
            flush("signal", signum)
        except Exception:
            pass
        real_signal(signum, default)
        os.kill(os.getpid(), signum)

    real_signal(signal.SIGTERM, on_sigterm)

    def getsignal(signalnum):
        handler = real_getsignal(signalnum)
        return default if handler is on_sigterm else handler

    def signal_(signalnum, handler):
        previous = real_signal(signalnum, handler)
        return default if previous is on_sigterm else previous

    for wrapper, real in ((getsignal, real_getsignal), (signal_, real_signal)):
        wrapper.__name__ = real.__name__
        wrapper.__qualname__ = real.__name__
        wrapper.__doc__ = real.__doc__
        wrapper.__module__ = "signal"
    signal.getsignal = getsignal
    signal.signal = signal_


def _after_fork_in_child():
    state = _state
    if state is None:
        return
    try:
        state.reset_process()
        if state.recorder is not None:
            state.recorder.reset()
    except Exception as e:
        state.error("fork", e)
    try:
        if "multiprocessing" in sys.modules and _is_multiprocessing_fork():
            _install_sigterm_flush()
    except Exception as e:
        state.error("fork-sigterm", e)


def _at_exit():
    try:
        _record_exit()
    except Exception as e:  # an atexit failure would print to the workload's stderr
        _debug("at exit: %r" % (e,))


def _record_exit():
    state = _state
    if state is None or state.written is not None or os.getpid() != state.pid:
        return
    last = getattr(sys, "last_value", None)  # set when an uncaught exception was printed
    if state.unwound_exit is not None:
        how, code = "exit", state.unwound_exit
    elif last is not None:
        if isinstance(last, KeyboardInterrupt):
            how, code = "signal", 2  # CPython kills itself with SIGINT (SIG_DFL) after printing it
        else:
            how, code = "exception", 1
    elif state.exit_how is not None and not state.unwind_watched:
        how, code = state.exit_how, state.exit_code
    else:
        how, code = "exit", 0
    if flush(how, code) is not None:
        _arm_exit_fix(state, how, code)


def _arm_exit_fix(state, how, code):
    """Native runtime on glibc: have exit() put its real status into the shard when it differs."""
    arm = getattr(state.recorder, "arm_exit_fix", None)
    if arm is None or getattr(state.recorder, "EXIT_FIX", 0) != 1:
        return
    try:
        from .shard import exit_span

        first = state.written_data[0]
        start, end = exit_span(first, how, code)
        if getattr(state.recorder, "EXIT_FIX_OFFSET", 0) == 1:
            tail = end  # the runtime reads the rest back from the file, only if it must rewrite it
        else:  # a runtime built before EXIT_FIX_OFFSET
            tail = first[end:] + b"".join(state.written_data[1:])
        # signal: if exit() runs at all, SIGINT did not kill the process and any status is news
        expected = code if how in ("exit", "exception") else -1
        temp = os.path.join(state.shard_dir, ".exit-%d-%s.tmp" % (state.pid, os.urandom(4).hex()))
        arm(state.written, temp, first[:start], tail, expected)
    except Exception as e:
        _debug("arming the exit status fix failed: %r" % (e,))


def collect(state, files=False):
    """Move what the recorder holds into the state (merging with what an earlier flush took).

    The native runtime keeps its file events unless files=True: shard.files_json renders them from
    its table (render_table), and drains them only when that cannot be done."""
    recorder = state.recorder
    if recorder is None:
        return
    try:
        if not files and table_files(state):
            files = None
            spawned, dropped, errors = recorder.drain_events()
        else:
            # files: a tuple of four columns from drain_columns(), a list of rows from drain() (a
            # runtime built before drain_columns existed)
            drain = getattr(recorder, "drain_columns", None) or recorder.drain
            files, spawned, dropped, errors = drain()
    except Exception as e:
        state.error("drain", e)
        return
    if files and files[0]:
        state.files.append(files)  # merged (rarely needed: one drain per process) when the shard is built
    state.spawned.extend(spawned)
    state.dropped += dropped
    for where, message in errors:
        if len(state.errors) < 50:
            state.errors.append((where, message))


def table_files(state):
    """Are this process's file events to be rendered from the native runtime's table? (Not when an
    earlier flush has drained some of them: those are in state.files.)"""
    recorder = state.recorder
    return state.backend == "native" and not state.files and hasattr(recorder, "render_table") and hasattr(recorder, "drain_events")


def flush(how, code):
    """Write this process's shard once. Returns its path, or None."""
    state = _state
    if state is None or state.written is not None or os.getpid() != state.pid:
        return None
    if table_files(state):
        return _flush(state, how, code)  # the file list is rendered in C: few objects are made
    import gc

    # tens of thousands of short-lived tuples would set off collections that find nothing to free
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _flush(state, how, code)
    finally:
        if gc_was_enabled:
            gc.enable()


def _flush(state, how, code):
    debug = os.environ.get("ROAR_DEBUG") == "1"
    t0 = time.perf_counter() if debug else 0
    collect(state)
    t1 = time.perf_counter() if debug else 0
    try:
        from . import shard

        state.written, state.written_data, size = shard.write_shard(state, how, code, time.time())
    except Exception as e:
        _debug("writing the shard failed: %r" % (e,))
        return None
    if how != "exec":
        # the process is ending: what the shard holds need not outlive it (the interpreter's last
        # garbage collections would walk these lists, tens of thousands of entries, three times)
        state.files = []
    if debug:
        _debug("pid %d: shard written (%s %s): drain %.1f ms, build and write %.1f ms, %d bytes" % (state.pid, how, code, (t1 - t0) * 1000, (time.perf_counter() - t1) * 1000, size))
    return state.written


def _unflush(path, entry=None):
    state = _state
    if state is None:
        return
    state.spawned[:] = [s for s in state.spawned if s is not entry]
    if path is None:
        return
    state.written = None
    state.written_data = None
    try:
        os.unlink(path)
    except OSError:
        pass
