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


def _left_out(state):
    """The directories whose files the shard's list leaves out: the shard dir and roar's own."""
    return [state.shard_dir] + _own_dirs(state)


def files_json(state):
    """The shard's `files` array as JSON bytes. With the native runtime it is rendered in C, from
    the runtime's own table (render_table) or from the drained columns (render_files); otherwise
    (or when a path needs normalising) in Python, by filelist.py."""
    own_dirs = _left_out(state)
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

    # one drain_columns() (either recorder's) holds each (op, path, dest) once
    unique = all(isinstance(c, tuple) for c in chunks)
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


def _around_files(state, how, code, ended_at, files_error):
    """The shard's JSON text before its file list and after it, as bytes."""
    shard = build_shard(state, how, code, ended_at)
    if files_error is not None:
        shard["capture"]["errors"].append(files_error)
    text = dumps(shard)  # ASCII (escaped), like the files array
    # "files" follows "exit" and scalars only, and an unescaped quote cannot occur inside a string
    marker = ',"files":[],'
    i = text.index(marker)
    return text[: i + 9].encode("ascii"), text[i + 11 :].encode("ascii")


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _files_error(e):
    return {"where": "files", "message": "%s: %s" % (type(e).__name__, e)}


def _write_parts(state, how, code, ended_at, fd):
    """Write the shard to fd: the text before the file list, the list, the text after it, one
    after the other rather than copied into one buffer first (the file list can be megabytes).
    Returns the three parts (the list None when the runtime wrote it to fd itself) and the size."""
    head_written, files_error = False, None
    if table_files(state) and getattr(state.recorder, "RENDER_TO_FD", 0) == 1:
        head, tail = _around_files(state, how, code, ended_at, None)
        _write_all(fd, head)
        try:
            n = state.recorder.render_table(_prefixes(_left_out(state)), fd)
        except Exception as e:
            n, files_error = None, _files_error(e)
        if n is not None:
            _write_all(fd, tail)
            return (head, None, tail), len(head) + n + len(tail)
        # a path to normalise, or a failure: what it wrote goes, and the list is made below
        os.ftruncate(fd, len(head))
        os.lseek(fd, len(head), os.SEEK_SET)
        head_written = True
        if files_error is None:
            collect(state, files=True)  # drained into state.files: files_json renders those
    files = b"[]"
    if files_error is None:
        try:
            files = files_json(state)
        except Exception as e:
            files_error = _files_error(e)
    # made after the list: when it had to be drained after all, what that drain brought (spawned
    # processes, errors) still goes into this shard (the text before the list does not change)
    head, tail = _around_files(state, how, code, ended_at, files_error)
    if not head_written:
        _write_all(fd, head)
    _write_all(fd, files)
    _write_all(fd, tail)
    return (head, files, tail), len(head) + len(files) + len(tail)


def write_shard(state, how, code, ended_at):
    """Write atomically: a temp file in the same directory, then os.replace. Returns (path, parts,
    size): parts as _write_parts returns them."""
    token = os.urandom(6).hex()
    final = os.path.join(state.shard_dir, "shard-%d-%s.json" % (state.pid, token))
    temp = os.path.join(state.shard_dir, ".shard-%d-%s.tmp" % (state.pid, token))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        try:
            parts, size = _write_parts(state, how, code, ended_at, fd)
        finally:
            os.close(fd)
        os.replace(temp, final)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    return final, parts, size


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
# those loaded from outside the standard library, and never roar's own.
#
# A distribution provides a top-level name when its top_level.txt lists it or, without one (wheels
# from most build backends other than setuptools), when its RECORD lists a file of it ("name/..." or
# "name<module suffix>"). Read here with plain file reads, not importlib.metadata, whose
# packages_distributions() parses every installed distribution's metadata and file list: measured
# at 115 ms, plus 5 ms per version() lookup, at the exit of every process that imports numpy and
# pandas in a venv of 39 distributions. The distribution named like the module (numpy, requests)
# is asked first; the other modules (yaml: PyYAML, sklearn: scikit-learn, a namespace package) are
# looked for in one pass over every distribution on sys.path.


OWN_DISTRIBUTIONS = frozenset(("roar-runtime",))
OWN_MODULES = frozenset(("_roar_shim", "_roar_runtime", "sitecustomize", "usercustomize"))
_SITE_DIRS = ("site-packages", "dist-packages")


def _stdlib_dirs():
    dirs = set()
    for mod in ("os", "_collections_abc"):
        f = getattr(sys.modules.get(mod), "__file__", None)
        if f:
            dirs.add(os.path.dirname(os.path.abspath(f)))
    return dirs


def candidate_modules(preloaded, own_dirs):
    """Top-level names imported after start whose code lives outside the stdlib and roar. Dunder
    names are left out: they are aliases of the script (multiprocessing's __mp_main__). One pass
    over sys.modules with prefix tests only: an import-heavy process has hundreds of modules."""
    stdlib = tuple(d.rstrip(os.sep) + os.sep for d in _stdlib_dirs())
    own = tuple(d.rstrip(os.sep) + os.sep for d in own_dirs)
    site = tuple(os.sep + d + os.sep for d in _SITE_DIRS)  # inside the stdlib dir, not of it
    names = set()
    for name, module in list(sys.modules.items()):
        if "." in name or name in preloaded or name in OWN_MODULES or module is None or name.startswith("__"):
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
        if not os.path.isabs(location):
            location = os.path.abspath(location)
        if location.startswith(own) or (location.startswith(stdlib) and not any(s in location for s in site)):
            continue
        names.add(name)
    return names


def _normalise(name):
    """A project name as PEP 503 compares them: lowercase, runs of "-", "_" and "." as one "-"."""
    return "-".join(filter(None, name.lower().replace("_", "-").replace(".", "-").split("-")))


def _installed(skip):
    """(normalised project name, directory) of every .dist-info and .egg-info directory on
    sys.path (but in the directories `skip`), in sys.path order. The name is the directory's own
    ("PyYAML-6.0.dist-info")."""
    found = []
    seen = set(skip)
    for entry in sys.path:
        d = os.path.abspath(entry or os.curdir)
        if d in seen:
            continue
        seen.add(d)
        try:
            listing = sorted(os.listdir(d))
        except OSError:  # missing, not a directory, a zip file
            continue
        for n in listing:
            if n.endswith((".dist-info", ".egg-info")):
                found.append((_normalise(n[: n.rindex(".")].split("-", 1)[0]), os.path.join(d, n)))
    return found


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return None


def _provided(info, modules, suffixes):
    """Which of the top-level names in `modules` the distribution in directory `info` provides."""
    declared = _read(os.path.join(info, "top_level.txt"))
    if declared and declared.strip():
        return modules.intersection(declared.split())
    record = _read(os.path.join(info, "RECORD"))
    if not record:
        return set()
    record = "\n" + record
    found = set()
    for m in modules:
        at = record.find("\n" + m)
        while at >= 0:  # a line starting with the name: is it the name's own file?
            end = record.find(",", at)
            path = record[at + 1 : end if end >= 0 else None]
            if path.startswith(m + "/") or path[len(m) :] in suffixes:
                found.add(m)
                break
            at = record.find("\n" + m, at + 1)
    return found


def _name_and_version(info):
    """Name and Version from the distribution's METADATA (PKG-INFO for .egg-info) headers."""
    text = _read(os.path.join(info, "METADATA")) or _read(os.path.join(info, "PKG-INFO")) or ""
    fields = {}
    for line in text.partition("\n\n")[0].splitlines():  # not the description after the headers
        if not line.strip():
            break  # the headers end at the first empty line
        key, sep, value = line.partition(":")
        if sep and line[0] not in " \t":  # not a continuation line
            fields.setdefault(key.strip().lower(), value.strip())
    return fields.get("name"), fields.get("version")


def imported_distributions(preloaded, own_dirs):
    names = candidate_modules(preloaded, own_dirs)
    if not names:
        return []
    installed = _installed(_stdlib_dirs() | set(own_dirs))
    suffixes = frozenset([".py", ".pyc"] + extension_suffixes())
    first = {}
    for key, info in installed:
        first.setdefault(key, info)  # the one found first on sys.path, as an import would
    providers = []
    left = set()
    for module in sorted(names):
        info = first.get(_normalise(module))
        if info is not None and _provided(info, {module}, suffixes):
            providers.append(info)
        else:
            left.add(module)
    if left:
        providers += [info for _, info in installed if info not in providers and _provided(info, left, suffixes)]
    seen = {}
    for info in providers:
        name, version = _name_and_version(info)
        if not name or not version:
            continue
        key = _normalise(name)
        if key not in OWN_DISTRIBUTIONS and key not in seen:
            seen[key] = {"name": name, "version": version}
    return sorted(seen.values(), key=lambda p: p["name"].lower())


# A small JSON writer for the shard (dict, list, tuple, str, int, float, bool, None). Importing `json`
# pulls in `re` and the decoder, and even `_json` is a shared library to load: milliseconds on every
# short-lived Python process of a job. Shards are flat and mostly ASCII paths, so a few lines do.
# Output is pure ASCII (like json.dumps with ensure_ascii).


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


# what JSON escapes besides non-ASCII: the quote, the backslash, the C0 controls and DEL
_UNPLAIN = ('"', "\\") + tuple(map(chr, range(32))) + ("\x7f",)


def json_plain(s):
    """Does JSON write s as it is: printable ASCII without a quote or a backslash? (Almost every
    string in a shard is such a path.) A long text (a file list's paths, joined) is searched for each
    character JSON escapes, a memchr each, where str.isprintable looks every character up: on 20,000
    paths 2 million instructions against 15."""
    if len(s) < 1024:
        return s.isascii() and s.isprintable() and '"' not in s and "\\" not in s
    return s.isascii() and not any(c in s for c in _UNPLAIN)


def _quote(s):
    if json_plain(s):
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
