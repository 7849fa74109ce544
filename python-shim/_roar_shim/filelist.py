"""The shard's `files` array written in Python, from drained columns: under the pure-Python recorder,
or when the native runtime leaves a path to normalise (its own writer, render_table, is in C).

Imported at exit only then. Written for the 20,000-file loop: the checks run over all paths at
once (joined into one string, or in C loops), and only a list that needs it pays for more.
"""

import os

from .shard import _prefixes


def _columns(chunk):
    if isinstance(chunk, tuple):  # drain_columns(): already (ops, paths, dests, counts)
        return chunk
    return tuple(map(list, zip(*chunk))) if chunk else ([], [], [], [])


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

        from _operator import methodcaller, not_

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
        from .shard import _quote

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
