"""Build this process's inject-log shard and write it atomically into ROAR_SHARD_DIR.

Imported only at exit. The field names come from schema_fields.py, generated from
packages/inject-log/schema/inject-log.schema.json, so writer and reader cannot drift apart.
"""

import os
import sys
from _operator import not_

from . import schema_fields as F
from .identity import interpreter_identity
from .version import VERSION


def _columns(chunk):
    if isinstance(chunk, tuple):  # drain_columns(): already (ops, paths, dests, counts)
        return chunk
    return tuple(map(list, zip(*chunk))) if chunk else ([], [], [], [])


def _prefixes(own_dirs):
    return tuple(d.rstrip("/") + "/" for d in own_dirs if d)


def files_json(state):
    """The shard's `files` array as JSON bytes. With the native runtime and one drain (the usual
    case) it is rendered in C from the drained columns; otherwise (or when a path needs
    normalising) here, by normalise_files and render_files."""
    own_dirs = [state.shard_dir] + _own_dirs(state)
    chunks = state.files
    render = getattr(state.recorder, "render_files", None)
    if render is not None and state.backend == "native" and len(chunks) == 1 and isinstance(chunks[0], tuple):
        data = render(*chunks[0], _prefixes(own_dirs))
        if data is not None:
            return data
    # the runtime counts in dicts keyed by (op, path, dest): one drain of it has no repeats
    unique = state.backend == "native" and all(isinstance(c, tuple) for c in chunks)
    return render_files(normalise_files(chunks, own_dirs, unique)).encode("ascii")


def normalise_files(chunks, own_dirs, unique=False):
    """Drained file events (lists of (op, path, dest, count) rows, or column tuples) with raw absolute
    paths -> columns (ops, paths, dests, counts): paths normalised, duplicate (op, path, dest)
    merged, and roar's own files (shards, the shim, runtime trees) left out.

    Written for the 20,000-file loop: the checks run over all paths at once (joined into one
    string, or in C loops), and only a list that needs it pays for os.path.normpath or a merge.
    unique=True: the caller knows no (op, path, dest) repeats (one drain of the native runtime)."""
    cols = [_columns(c) for c in chunks]
    if len(cols) == 1:
        ops, paths, dests, counts = cols[0]
    else:
        ops, paths, dests, counts = ([x for c in cols for x in c[i]] for i in range(4))
    if not paths:
        return [], [], [], []
    joined = "\0".join(paths) + "\0"
    prefixes = _prefixes(own_dirs)
    if dests.count(None) != len(dests):
        joined += "\0".join([d for d in dests if d is not None]) + "\0"
    clean = not ("//" in joined or "/\0" in joined or ("/." in joined and any(s in joined for s in ("/./", "/../", "/.\0", "/..\0"))))
    marked = "\0" + joined
    own = any("\0" + p in marked for p in prefixes)
    last = None
    if not (unique and len(cols) == 1):
        last = dict(zip(paths, range(len(paths))))  # path -> index of its last entry
        unique = len(last) == len(paths)
    if clean and unique:
        if not own:
            return ops, paths, dests, counts
        from itertools import compress

        from _operator import methodcaller

        keep = list(map(not_, map(methodcaller("startswith", prefixes), paths)))
        return tuple(list(compress(col, keep)) for col in (ops, paths, dests, counts))
    if clean:
        return _merge_duplicates(ops, paths, dests, counts, prefixes if own else None, last)
    # rare: a path to normalise (a/./b, a//b, a/../b)
    normpath = os.path.normpath
    out = {}
    for op, path, dest, count in zip(ops, paths, dests, counts):
        path = normpath(path)
        if path.startswith(prefixes):
            continue
        key = (op, path, normpath(dest) if dest is not None else None)
        out[key] = out.get(key, 0) + count
    return [k[0] for k in out], [k[1] for k in out], [k[2] for k in out], list(out.values())


def _merge_duplicates(ops, paths, dests, counts, prefixes, last):
    """Merge repeated (op, path, dest) entries (every run has a few: CPython opens the main script
    twice, as "r" and "rb") with C loops over all entries; only entries whose path repeats are looked
    at in Python. last: {path: index of its last entry}."""
    from itertools import compress

    from _operator import methodcaller

    n = len(paths)
    # the few entries that are not their path's last one, by set operations (C loops)
    earlier = set(range(n)).difference(last.values())
    repeated = sorted(earlier.union([last[paths[i]] for i in earlier]))
    drop = []
    first = {}
    counts = list(counts)
    for i in repeated:
        key = (ops[i], paths[i], dests[i])
        j = first.get(key)
        if j is None:
            first[key] = i
        else:
            counts[j] += counts[i]
            drop.append(i)
    if prefixes:
        drop = sorted(set(drop).union(compress(range(n), map(methodcaller("startswith", prefixes), paths))))
    if not drop:
        return ops, paths, dests, counts
    if len(drop) > 64:
        keep = [True] * n
        for i in drop:
            keep[i] = False
        return tuple(list(compress(col, keep)) for col in (ops, paths, dests, counts))
    cols = (list(ops), list(paths), list(dests), counts)  # copies: the chunk may be written again
    for i in reversed(drop):
        for col in cols:
            del col[i]
    return cols


def _string_encoder():
    try:
        from _json import encode_basestring_ascii  # C; `json` itself would import re

        return encode_basestring_ascii
    except ImportError:
        from .jsonwrite import _quote

        return _quote


# bytes JSON writes as they are: printable ASCII but the quote and the backslash
_PLAIN = bytes(c for c in range(0x20, 0x7F) if c not in (0x22, 0x5C))


def render_files(columns):
    """The shard's `files` array, from columns (ops, paths, dests, counts), as JSON text: the same
    text as json.dumps of its objects with separators (",", ":") (ASCII only).

    Paths are escaped in one call on their NUL-joined text where possible, and each run of entries
    with the same op, dest and count is emitted with one str.join."""
    ops, paths, dests, counts = columns
    if not paths:
        return "[]"
    quote = _string_encoder()
    joined = "\0".join(paths)
    if joined.isascii() and len(joined.encode("ascii").translate(None, _PLAIN)) == len(paths) - 1:
        escaped = paths  # printable ASCII without a quote or backslash (the NULs are the separators)
    elif "\\" not in joined:
        escaped = quote(joined)[1:-1].split("\\u0000")  # a path cannot hold NUL; no backslash to fake one
    else:
        escaped = [quote(p)[1:-1] for p in paths]
    out = []
    start = 0
    for end in _run_ends(ops, dests, counts):
        op, dest, count = ops[start], dests[start], counts[start]
        tail = '","dest":%s,"count":%d}' % ("null" if dest is None else quote(dest), count)
        out.append('{"op":"%s","path":"' % op + (tail + ',{"op":"%s","path":"' % op).join(escaped[start:end]) + tail)
        start = end
    return "[" + ",".join(out) + "]"


def _run_ends(ops, dests, counts):
    """End indices of the runs of entries with the same (op, dest, count), found with C loops (a
    dataset loop is one long run with a few odd entries: the script read twice, a write)."""
    n = len(ops)
    if ops.count(ops[0]) == n and dests.count(None) == n and counts.count(counts[0]) == n:
        return [n]  # the dataset loop: one run
    from itertools import compress

    from _operator import ne

    ends = set()
    for col in (ops, dests, counts):
        if col.count(col[0]) == n:
            continue
        odd = _odd_counts(col) if col is counts else None
        if odd is not None:  # the few counts that are not the usual one start and end runs
            ends.update(odd)
            ends.update(i + 1 for i in odd)
        else:  # i + 1 where entry i differs from entry i + 1
            ends.update(compress(range(1, n), map(ne, col[:-1], col[1:])))
    ends.discard(0)
    ends.add(n)
    return sorted(ends)


def _odd_counts(counts):
    """Indices of the counts that differ from the most common one, found in bytes (C loops), or
    None when a count does not fit in a byte."""
    try:
        b = bytes(counts)
    except ValueError:
        return None
    usual = max(set(b), key=b.count)
    odd = []
    for v in set(b) - {usual}:
        i = b.find(v)
        while i >= 0:
            odd.append(i)
            i = b.find(v, i + 1)
    return odd


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
    from .jsonwrite import dumps

    shard = build_shard(state, how, code, ended_at)
    try:
        files = files_json(state)
    except Exception as e:
        shard["capture"]["errors"].append({"where": "files", "message": "%s: %s" % (type(e).__name__, e)})
        files = b"[]"
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
