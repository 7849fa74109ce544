"""Build this process's inject-log shard and write it atomically into ROAR_SHARD_DIR.

Imported only at exit, and alone: the interpreter's identity, the imported distributions and the
JSON writer live here too, since every module imported at exit costs a process more than the code
in it (finding, reading and unmarshalling it) and every Python process of a job pays that. The file
list is rendered by the native runtime; filelist.py, the Python writer, is imported only without it.
The field names come from schema_fields.py, generated from
packages/inject-log/schema/inject-log.schema.json, so writer and reader cannot drift apart.
"""

import os
import sys

from _imp import extension_suffixes

from . import VERSION
from . import schema_fields as F
from .boot import collect, table_files


def _prefixes(own_dirs):
    return tuple(d.rstrip("/") + "/" for d in own_dirs if d)


def files_json(state):
    """The shard's `files` array as JSON bytes. With the native runtime it is rendered in C, from
    the runtime's own table (render_table) or from the drained columns (render_files); otherwise
    (or when a path needs normalising) in Python, by filelist.py."""
    own_dirs = [state.shard_dir] + _own_dirs(state)
    recorder = state.recorder
    if table_files(state):
        data = recorder.render_table(_prefixes(own_dirs))
        if data is not None:
            return data
        collect(state, files=True)  # a path to normalise: drained into state.files, done below
    chunks = state.files
    render = getattr(recorder, "render_files", None)
    if render is not None and state.backend == "native" and len(chunks) == 1 and isinstance(chunks[0], tuple):
        data = render(*chunks[0], _prefixes(own_dirs))
        if data is not None:
            return data
    from .filelist import normalise_files, render_files

    # the runtime counts in dicts keyed by (op, path, dest): one drain of it has no repeats
    unique = state.backend == "native" and all(isinstance(c, tuple) for c in chunks)
    return render_files(normalise_files(chunks, own_dirs, unique)).encode("ascii")


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
        "files": [],  # rendered separately (render_files) and put in by write_shard
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


def exit_span(data, how, code):
    """(start, end): where the shard's top-level exit object lies in data (for the runtime's
    exit-status fix). Inside a JSON string every quote is escaped, so the first match is the real
    key; it comes before the file list, so the first part of a written shard holds it."""
    marker = ('"exit":{"how":"%s","code":%s}' % (how, "null" if code is None else int(code))).encode()
    i = data.find(marker)
    if i < 0:
        raise ValueError("exit object not found in the shard")
    return i + len('"exit":'), i + len(marker)


def write_shard(state, how, code, ended_at):
    """Write atomically: a temp file in the same directory, then os.replace. Returns (path, parts):
    the shard's bytes in three parts (before the file list, the file list, after it), written one
    after the other rather than copied into one buffer first (the file list can be megabytes)."""
    # the files first: when they must be drained after all, what that drain brings (spawned
    # processes, errors) still goes into this shard
    try:
        files, files_error = files_json(state), None
    except Exception as e:
        files, files_error = b"[]", {"where": "files", "message": "%s: %s" % (type(e).__name__, e)}
    shard = build_shard(state, how, code, ended_at)
    if files_error is not None:
        shard["capture"]["errors"].append(files_error)
    text = dumps(shard)  # ASCII (escaped), like the files array
    # "files" follows "exit" and scalars only, and an unescaped quote cannot occur inside a string
    marker = ',"files":[],'
    i = text.index(marker)
    parts = (text[: i + 9].encode("ascii"), files, text[i + 11 :].encode("ascii"))
    token = os.urandom(6).hex()
    final = os.path.join(state.shard_dir, "shard-%d-%s.json" % (state.pid, token))
    temp = os.path.join(state.shard_dir, ".shard-%d-%s.tmp" % (state.pid, token))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        for part in parts:
            view = memoryview(part)
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
    return final, parts


# The traced interpreter's own identity: everything from sys, os and _imp (already loaded), no
# platform or sysconfig import at exit.


def _soabi(ext_suffix):
    # ".cpython-312-x86_64-linux-gnu.so" -> "cpython-312-x86_64-linux-gnu"
    parts = ext_suffix.split(".")
    return parts[1] if len(parts) >= 3 and parts[1] else None


def _abi_flags(soabi):
    # the flags follow the version digits in the first field: "cpython-313td" -> "td"
    if not soabi:
        return ""
    fields = soabi.split("-")
    if len(fields) < 2:
        return ""
    return fields[1].lstrip("0123456789")


def interpreter_identity():
    impl = sys.implementation.name
    suffixes = list(extension_suffixes())
    ext_suffix = suffixes[0] if suffixes else ""
    soabi = _soabi(ext_suffix)
    flags = _abi_flags(soabi)
    major, minor = sys.version_info[:2]
    debug = "d" in flags or hasattr(sys, "gettotalrefcount")
    gil_disabled = "t" in flags
    if impl == "cpython":
        abi_tag = "cp%d%d%s%s" % (major, minor, "t" if gil_disabled else "", "d" if debug else "")
    elif impl == "pypy" and soabi:
        # "pypy310-pp73-x86_64-linux-gnu" -> "pypy310_pp73"
        abi_tag = "_".join(soabi.split("-")[:2])
    else:
        abi_tag = "%s%d%d" % (impl, major, minor)
    try:
        machine = os.uname().machine
    except Exception:
        machine = None
    base_prefix = getattr(sys, "base_prefix", sys.prefix)
    return {
        "executable": sys.executable or "",
        "python_version": sys.version.split()[0],
        "python_implementation": {"cpython": "CPython", "pypy": "PyPy", "ironpython": "IronPython", "jython": "Jython"}.get(impl, impl),
        "abi": {
            "abi_tag": abi_tag,
            "ext_suffix": ext_suffix,
            "extension_suffixes": suffixes,
            "soabi": soabi,
            "cache_tag": sys.implementation.cache_tag,
            "gil_disabled": gil_disabled,
            "debug": debug,
            "platform": sys.platform,
            "machine": machine,
        },
        "prefix": sys.prefix,
        "base_prefix": base_prefix,
        "virtual_env": sys.prefix != base_prefix,
    }


# Which installed distributions the workload imported, with their versions. Only modules imported
# after the shim started count (site and .pth files import things the script never asked for), only
# those loaded from outside the standard library, and never roar's own. importlib.metadata is
# imported only when such a module exists: most short-lived helper processes import nothing
# third-party and should not pay for it.


OWN_DISTRIBUTIONS = frozenset(("roar-runtime", "roar_runtime"))
OWN_MODULES = frozenset(("_roar_shim", "_roar_runtime", "sitecustomize", "usercustomize"))
_SITE_DIRS = ("site-packages", "dist-packages")


def _stdlib_dirs():
    dirs = set()
    for mod in ("os", "_collections_abc"):
        f = getattr(sys.modules.get(mod), "__file__", None)
        if f:
            dirs.add(os.path.dirname(os.path.abspath(f)))
    return dirs


def _is_inside(path, dirs):
    for d in dirs:
        if path == d or path.startswith(d.rstrip(os.sep) + os.sep):
            return True
    return False


def candidate_modules(preloaded, own_dirs):
    """Top-level names imported after start whose code lives outside the stdlib and roar."""
    stdlib = _stdlib_dirs()
    names = set()
    for name, module in list(sys.modules.items()):
        if "." in name or name in preloaded or name in OWN_MODULES or module is None:
            continue
        location = getattr(module, "__file__", None)
        if not location:
            paths = getattr(module, "__path__", None)  # namespace package
            try:
                location = next(iter(paths)) if paths is not None else None
            except (StopIteration, TypeError):
                location = None
        if not isinstance(location, str):
            continue  # built-in or frozen
        location = os.path.abspath(location)
        if _is_inside(location, own_dirs):
            continue
        parts = location.split(os.sep)
        in_site = any(p in _SITE_DIRS for p in parts)
        if not in_site and _is_inside(location, stdlib):
            continue
        names.add(name)
    return names


def _module_to_distributions_fallback(metadata):
    """packages_distributions() for 3.8/3.9: top_level.txt, else the RECORD's top-level entries."""
    mapping = {}
    for dist in metadata.distributions():
        try:
            name = dist.metadata["Name"]
        except Exception:
            continue
        if not name:
            continue
        tops = set()
        text = dist.read_text("top_level.txt")
        if text:
            tops.update(line.strip() for line in text.splitlines() if line.strip())
        else:
            for f in dist.files or ():
                first = f.parts[0] if f.parts else ""
                if not first or first.endswith((".dist-info", ".egg-info", ".data")) or first == "..":
                    continue
                if len(f.parts) == 1:
                    first = first.split(".", 1)[0]  # module.py, module.cpython-38-...so
                tops.add(first)
        for top in tops:
            mapping.setdefault(top, []).append(name)
    return mapping


def imported_distributions(preloaded, own_dirs):
    names = candidate_modules(preloaded, own_dirs)
    if not names:
        return []
    import importlib.metadata as metadata  # 3.8+

    if hasattr(metadata, "packages_distributions"):
        mapping = metadata.packages_distributions()
    else:
        mapping = _module_to_distributions_fallback(metadata)
    seen = {}
    for module in sorted(names):
        for dist_name in mapping.get(module, ()):
            key = dist_name.lower().replace("_", "-")
            if key in OWN_DISTRIBUTIONS or key in seen:
                continue
            try:
                version = metadata.version(dist_name)
            except Exception:
                continue
            seen[key] = {"name": dist_name, "version": version}
    return sorted(seen.values(), key=lambda p: p["name"].lower())


# A small JSON writer for the shard (dict, list, tuple, str, int, float, bool, None). Importing `json`
# pulls in `re` and the decoder, and even `_json` is a shared library to load: milliseconds on every
# short-lived Python process of a job. Shards are flat and mostly ASCII paths, so a few lines do.
# Output is pure ASCII (like json.dumps with ensure_ascii).


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _quote(s):
    # Almost every string in a shard is a printable ASCII path: no escaping needed.
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = ['"']
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            code = ord(ch)
            if code > 0xFFFF:  # outside the BMP: a UTF-16 surrogate pair, as JSON wants
                code -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 | (code >> 10), 0xDC00 | (code & 0x3FF)))
            else:
                out.append("\\u%04x" % code)
    out.append('"')
    return "".join(out)


def dumps(value):
    out = []
    _write(value, out.append)
    return "".join(out)


def _write(value, emit):
    if isinstance(value, str):
        emit(_quote(value))
    elif value is None:
        emit("null")
    elif value is True:
        emit("true")
    elif value is False:
        emit("false")
    elif isinstance(value, int):
        emit(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            emit("null")  # JSON has no NaN/Infinity
        else:
            emit(float.__repr__(value))
    elif isinstance(value, dict):
        emit("{")
        first = True
        for key, item in value.items():
            if not first:
                emit(",")
            first = False
            emit(_quote(key if isinstance(key, str) else str(key)))
            emit(":")
            _write(item, emit)
        emit("}")
    elif isinstance(value, (list, tuple)):
        emit("[")
        for i, item in enumerate(value):
            if i:
                emit(",")
            _write(item, emit)
        emit("]")
    else:
        emit(_quote(str(value)))
