"""Start the recorder in this process and make sure its shard gets written however the process ends.

Ways a Python process ends, and where the shard is written:
  normal end, sys.exit, uncaught exception, KeyboardInterrupt  -> atexit (registered first, runs last)
  os._exit (multiprocessing fork workers leave this way)        -> wrapped os._exit
  os.exec*                                                      -> wrapped os.execv / os.execve
  fork                                                          -> the child resets its state and
                                                                   writes its own shard later
Spawn/forkserver workers and subprocesses are fresh interpreters: they inherit the environment and
start their own shim. A signal Python does not handle (SIGKILL, default SIGTERM) leaves no shard.
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
        self.runtime_dirs = []
        self.sys_path_skipped = []
        self.recorder = None
        self.backend = "none"
        self.gate_outcome = "disabled"
        self.gate_reason = None
        self.runtime_path = None
        self.errors = []
        self.getframe_unaudited = False
        # what this process has recorded so far (kept across a failed exec)
        self.files = {}
        self.spawned = []
        self.dropped = 0
        # modules imported before the workload (by site and .pth files) are not the workload's;
        # kept across fork: a fork worker uses what its parent imported
        self.preloaded = frozenset(sys.modules)
        self.reset_process()

    def reset_process(self):
        self.pid = os.getpid()
        self.ppid = os.getppid()
        self.started_at = time.time()
        try:
            self.cwd = os.getcwd()
        except OSError:
            self.cwd = None
        self.exit_how = None
        self.exit_code = None
        self.written = None  # path of the shard once written

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

    recorder = result.module
    if recorder is not None:
        try:
            recorder.install()
            state.backend = "native"
            _unaudit_getframe(state, recorder)
        except Exception as e:
            state.error("native-install", e)
            state.gate_outcome = "import-error"
            state.gate_reason = "install() failed: %s" % (e,)
            recorder = None
    if recorder is None:
        try:
            from .recorder import PythonRecorder

            recorder = PythonRecorder()
            recorder.install()
            state.backend = "python"
        except Exception as e:
            state.error("python-install", e)
            recorder = None
    state.recorder = recorder

    if state.gate_outcome != "native" and state.runtime_expected and os.environ.get("ROAR_GATE_WARNED") != "1":
        os.environ["ROAR_GATE_WARNED"] = "1"
        try:
            final = gate.GateResult(None, state.gate_outcome, state.gate_reason, state.runtime_path)
            sys.stderr.write(gate.warning_text(final, sys.executable))
            sys.stderr.flush()
        except Exception:
            pass
    _debug("pid %d: backend %s, gate %s (%s)" % (state.pid, state.backend, state.gate_outcome, state.gate_reason))

    _install_exit_paths(state)
    return state


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

    real_exit = sys.exit

    def exit(status=None):
        try:
            state.exit_how = "exit"
            state.exit_code = _exit_code(status)
        except Exception:
            pass
        real_exit(status)

    exit.__doc__ = real_exit.__doc__
    sys.exit = exit

    real_os_exit = os._exit

    def _exit(status):
        try:
            flush("os_exit", status if isinstance(status, int) else None)
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


def _exit_code(status):
    if status is None:
        return 0
    if isinstance(status, int):
        return status
    return 1  # sys.exit("message") prints the message and exits 1


def _after_fork_in_child():
    state = _state
    if state is None:
        return
    try:
        state.reset_process()
        state.files = {}
        state.spawned = []
        state.dropped = 0
        state.errors = []
        if state.recorder is not None:
            state.recorder.reset()
    except Exception as e:
        state.error("fork", e)


def _at_exit():
    try:
        _record_exit()
    except Exception as e:  # an atexit failure would print to the workload's stderr
        _debug("at exit: %r" % (e,))


def _record_exit():
    state = _state
    if state is None or state.written is not None or os.getpid() != state.pid:
        return
    how, code = state.exit_how, state.exit_code
    last = getattr(sys, "last_value", None)  # set when an uncaught exception was printed
    if how is None and last is not None:
        if isinstance(last, KeyboardInterrupt):
            how, code = "signal", 130  # CPython re-raises SIGINT on itself: 128 + SIGINT
        else:
            how, code = "exception", 1
    if how is None:
        how, code = "exit", 0
    flush(how, code)


def _collect(state):
    """Move what the recorder holds into the state (merging with what an earlier flush took)."""
    if state.recorder is None:
        return
    try:
        files, spawned, dropped, errors = state.recorder.drain()
    except Exception as e:
        state.error("drain", e)
        return
    merged = state.files
    for op, path, dest, count in files:
        key = (op, path, dest)
        merged[key] = merged.get(key, 0) + count
    state.spawned.extend(spawned)
    state.dropped += dropped
    for where, message in errors:
        if len(state.errors) < 50:
            state.errors.append((where, message))


def flush(how, code):
    """Write this process's shard once. Returns its path, or None."""
    state = _state
    if state is None or state.written is not None or os.getpid() != state.pid:
        return None
    _collect(state)
    try:
        from . import shard

        state.written = shard.write_shard(state, how, code, time.time())
    except Exception as e:
        _debug("writing the shard failed: %r" % (e,))
        return None
    return state.written


def _unflush(path, entry=None):
    state = _state
    if state is None:
        return
    state.spawned[:] = [s for s in state.spawned if s is not entry]
    if path is None:
        return
    state.written = None
    try:
        os.unlink(path)
    except OSError:
        pass
