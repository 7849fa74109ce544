"""Build this process's inject-log shard and write it atomically into ROAR_SHARD_DIR.

Imported only at exit. The field names come from schema_fields.py, generated from
packages/inject-log/schema/inject-log.schema.json, so writer and reader cannot drift apart.
"""

import os
import sys

from . import schema_fields as F
from .identity import interpreter_identity
from .version import VERSION


def normalise_files(files, own_dirs):
    """(op, path, dest) -> count, with raw absolute paths, into the schema's list, merging entries
    that normalise to the same path. roar's own files (shards, the shim, runtime trees) are left out."""
    normpath = os.path.normpath
    out = {}
    prefixes = tuple(d.rstrip("/") + "/" for d in own_dirs if d)
    for (op, path, dest), count in files.items():
        path = normpath(path)
        if path.startswith(prefixes):
            continue
        dest = normpath(dest) if dest is not None else None
        key = (op, path, dest)
        out[key] = out.get(key, 0) + count
    return [{"op": op, "path": path, "dest": dest, "count": count} for (op, path, dest), count in out.items()]


def _text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return os.fsdecode(value)
    try:
        return _text(os.fspath(value))
    except TypeError:
        return str(value)


def normalise_spawned(spawned):
    out = []
    for event, executable, argv in spawned:
        if event == "os.system":
            exe = "/bin/sh"
            args = ["/bin/sh", "-c", _text(argv)]
        else:
            exe = _text(executable) if executable is not None else None
            if argv is None:
                args = None
            elif isinstance(argv, (str, bytes)) or hasattr(argv, "__fspath__"):
                args = [_text(argv)]  # Popen("cmd", shell=True) or a lone program path
            else:
                try:
                    args = [_text(a) for a in argv]
                except TypeError:
                    args = [_text(argv)]
        out.append({"event": event, "executable": exe, "argv": args})
    return out


def build_shard(state, how, code, ended_at):
    from .packages import imported_distributions

    errors = list(state.errors)
    try:
        identity = interpreter_identity()
    except Exception as e:  # identity is required: fill what sys alone says
        errors.append(("identity", "%s: %s" % (type(e).__name__, e)))
        identity = _minimal_identity()
    try:
        packages = imported_distributions(state.preloaded, _own_dirs(state))
    except Exception as e:
        errors.append(("packages", "%s: %s" % (type(e).__name__, e)))
        packages = []
    try:
        spawned = normalise_spawned(state.spawned)
    except Exception as e:
        errors.append(("spawned", "%s: %s" % (type(e).__name__, e)))
        spawned = []
    argv = list(getattr(sys, "orig_argv", None) or getattr(sys, "argv", None) or [])
    values = {
        "schema_version": F.SCHEMA_VERSION,
        "job_id": state.job_id,
        "pid": state.pid,
        "ppid": state.ppid,
        "argv": [_text(a) for a in argv],
        "cwd": state.cwd,
        "started_at": state.started_at,
        "ended_at": ended_at,
        "exit": {"how": how, "code": code},
        "files": normalise_files(state.files, [state.shard_dir] + _own_dirs(state)),
        "spawned": spawned,
        "packages": packages,
        "capture": {
            "audit_backend": state.backend,
            "gate": {"outcome": state.gate_outcome, "reason": state.gate_reason},
            "runtime_expected": state.runtime_expected,
            "runtime_path": state.runtime_path,
            "sys_path_skipped": list(state.sys_path_skipped),
            "events_dropped": state.dropped,
            "errors": [{"where": w, "message": m} for w, m in errors],
            "shim_version": VERSION,
            "getframe_unaudited": state.getframe_unaudited,
        },
    }
    values.update(identity)
    # schema order first, then anything extra the schema allows
    shard = {name: values[name] for name in F.TOP_LEVEL_FIELDS if name in values}
    for name, value in values.items():
        if name not in shard:
            shard[name] = value
    missing = [name for name in F.TOP_LEVEL_REQUIRED if name not in shard]
    if missing:
        raise ValueError("shard lacks required fields: %s" % ", ".join(missing))
    return shard


def _own_dirs(state):
    dirs = [state.shim_dir] + list(state.runtime_dirs)
    return [os.path.abspath(d) for d in dirs if d]


def _minimal_identity():
    return {
        "executable": sys.executable or "",
        "python_version": sys.version.split()[0],
        "python_implementation": sys.implementation.name,
        "abi": {"abi_tag": "", "ext_suffix": "", "gil_disabled": False},
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "virtual_env": sys.prefix != getattr(sys, "base_prefix", sys.prefix),
    }


# Above this many file entries the shard is written with the stdlib's C JSON encoder.
LARGE_SHARD_FILES = 500


def write_shard(state, how, code, ended_at):
    """Write atomically: a temp file in the same directory, then os.replace. Returns the path."""
    shard = build_shard(state, how, code, ended_at)
    if len(shard["files"]) > LARGE_SHARD_FILES:
        # A dataset loop leaves tens of thousands of entries: the C encoder is ~10x faster than
        # jsonwrite, and its import cost no longer matters. Same output: ASCII, no NaN (no floats
        # but the two times).
        import json

        text = json.dumps(shard, separators=(",", ":"))
    else:
        from .jsonwrite import dumps

        text = dumps(shard)
    data = text.encode("utf-8", "surrogateescape")
    token = os.urandom(6).hex()
    final = os.path.join(state.shard_dir, "shard-%d-%s.json" % (state.pid, token))
    temp = os.path.join(state.shard_dir, ".shard-%d-%s.tmp" % (state.pid, token))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    finally:
        os.close(fd)
    try:
        os.replace(temp, final)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    return final
