"""The shard's `files` array written in Python, from drained columns: under the pure-Python recorder
(whose drain builds its columns here too, columns_of_opens), or when the native runtime leaves a path
to normalise (its own writer, render_table, is in C).

Imported at exit only then. Written for the 20,000-file loop, where every pass over the entries
costs 100-400 instructions an entry even as a C loop (map, zip, set, str.join) and 300-500 as a
Python loop: the checks run over all paths at once, joined into one string (a substring search
costs a few instructions a character), lists are compared slice by slice against what they are
expected to hold (a C loop that passes over the same object at almost no cost), and only a list
that needs it pays for more.
"""

import os
import sys

from .shard import _prefixes, json_plain

# normalise_files joins the paths with this to check them all at once: the "/" after each path
# shows a trailing "/", "/." or "/.." as "//", "/./" or "/../" (the last path's is looked for
# alone), and the space keeps the next path from completing any of those; both are printable, so
# the same text also tells whether JSON must escape anything
_SEP = "/ "
_TRAILING = ("/", "/.", "/..")
# up to this many odd entries are found by comparing slices (each costs ~15 slice comparisons);
# more are handled by a pass over every entry
_FEW = 64


class Columns(tuple):
    """(ops, paths, dests, counts), as normalise_files returns them. plain: True when every path is
    printable ASCII without a quote or a backslash (JSON writes it as it is), False when one is not,
    None when not known (render_files then looks for itself)."""

    plain = None


def _columns(chunk):
    if isinstance(chunk, tuple):  # drain_columns(): already (ops, paths, dests, counts)
        return chunk
    return tuple(map(list, zip(*chunk))) if chunk else ([], [], [], [])


def _result(ops, paths, dests, counts, plain):
    out = Columns((ops, paths, dests, counts))
    out.plain = plain
    return out


def normalise_files(chunks, own_dirs, unique=False):
    """Drained file events (lists of (op, path, dest, count) rows, or column tuples) with raw absolute
    paths -> Columns (ops, paths, dests, counts): paths normalised, duplicate (op, path, dest) merged
    into the first of them (counts added), and roar's own files (shards, the shim, runtime trees)
    left out; the order is kept.

    The paths are checked on one string: whether any needs os.path.normpath, may lie in roar's own
    directories, or needs JSON escaping (Columns.plain, for render_files). unique=True: the caller
    knows no (op, path, dest) repeats (one drain_columns() of either recorder); otherwise a set of
    the paths tells whether any path repeats. The lists of a drained chunk are never changed: a
    result without changes is the chunk's own lists."""
    cols = [_columns(c) for c in chunks]
    if len(cols) == 1:
        ops, paths, dests, counts = cols[0]
    else:
        ops, paths, dests, counts = [], [], [], []
        for c in cols:
            for column, more in zip((ops, paths, dests, counts), c):
                column += more
    n = len(paths)
    if not n:
        return _result([], [], [], [], True)
    prefixes = _prefixes(own_dirs)
    text = _SEP.join(paths)
    last = paths[-1]
    if dests.count(None) != n:
        moved = [d for d in dests if d is not None]
        text += _SEP + _SEP.join(moved)
        last = moved[-1]
    plain = json_plain(text)
    if "//" in text or ("/." in text and ("/./" in text or "/../" in text)) or last.endswith(_TRAILING):
        return _normalise_each(ops, paths, dests, counts, prefixes, plain)  # rare: a/./b, a//b, a/../b
    drop = []
    # a prefix found in the text may lie inside a path: the exact test runs then, with those found
    found = tuple([p for p in prefixes if p in text])
    if found:
        from itertools import compress

        from _operator import methodcaller

        drop = list(compress(range(n), map(methodcaller("startswith", found), paths)))
    if not (unique and len(cols) == 1):
        repeats = n - len(set(paths))
        if repeats > _FEW:
            return _merge_all(ops, paths, dests, counts, drop, plain)
        if repeats:
            counts, merged = _merge_repeats(ops, paths, dests, counts, repeats)
            drop = sorted(set(drop).union(merged))
    if not drop:
        return _result(ops, paths, dests, counts, plain)
    return _result(*[_without(col, drop) for col in (ops, paths, dests, counts)], plain)


def _without(col, drop):
    """A copy of col without the entries at the sorted indices drop: a few deleted from a copy, more
    left out by copying the len(drop) + 1 slices between them."""
    if len(drop) <= 16:
        out = list(col)
        for i in reversed(drop):
            del out[i]
        return out
    out = list(col[: drop[0]])
    for start, end in zip(drop, drop[1:] + [len(col)]):
        out += col[start + 1 : end]
    return out


def _merge_repeats(ops, paths, dests, counts, repeats):
    """A few entries whose path an earlier entry has (every run has one: CPython opens the main script
    twice, as "r" and "rb"): merge each repeated (op, path, dest) into its first entry.
    repeats: how many entries repeat a path. Returns (counts, indices of the merged entries)."""
    later = _repeats(paths, repeats)
    again = {paths[i] for i in later}
    if len(again) <= 2:  # the first entry of each, found by list.index (stops there)
        at = set(later)
        for p in again:
            at.add(paths.index(p))
    else:  # one pass over all paths
        from itertools import compress

        at = compress(range(len(paths)), map(again.__contains__, paths))
    first = {}
    merged = []
    counts = list(counts)  # a copy: the chunk may be written again
    for i in sorted(at):
        key = (ops[i], paths[i], dests[i])
        j = first.get(key)
        if j is None:
            first[key] = i
        else:
            counts[j] += counts[i]
            merged.append(i)
    return counts, merged


def _repeats(paths, repeats):
    """Indices of the entries whose path an earlier entry has (there are `repeats` of them).

    Looked for in a part of the list from its start that grows fourfold until it holds them all, as
    the main script's does at once. The part's distinct paths in first-seen order (keys, from
    dict.fromkeys) are the part without those entries, so the two agree entry for entry up to the
    first of them, then again (keys one behind) up to the next: found by comparing slices."""
    if paths.__class__ is not list:
        paths = list(paths)  # slices are compared with keys'
    size = 256
    while True:
        part = paths[:size]
        keys = list(dict.fromkeys(part))
        n, m = len(part), len(keys)
        if n - m == repeats:
            break
        size *= 4
    out = []
    i = j = 0
    while j < m:
        k = _first_difference(part, i, keys, j, min(n - i, m - j))
        i += k
        j += k
        if j < m:
            out.append(i)  # part[i] is not the next new path: an earlier entry has it
            i += 1
    out.extend(range(i, n))  # every new path has been seen: the rest repeat
    return out


def _first_difference(a, i, b, j, limit):
    """The least k < limit with a[i + k] != b[j + k], else limit. Slices are compared (list == passes
    over identical objects without calling anything), in steps that double while they agree, and
    the step where they differ is halved down to the entry."""
    k = 0
    step = 32
    while k < limit:
        end = min(k + step, limit)
        if a[i + k : i + end] == b[j + k : j + end]:
            k = end
            step *= 2
            continue
        while end - k > 1:  # the first difference lies in [k, end)
            mid = (k + end) // 2
            if a[i + k : i + mid] == b[j + k : j + mid]:
                k = mid
            else:
                end = mid
        return k
    return limit


def odd_positions(seq, usual, limit=_FEW):
    """Indices of the entries of seq that differ from usual, found by comparing slices with a list
    of usual (the same object again and again costs almost nothing), or None past limit."""
    n = len(seq)
    odd = n - seq.count(usual)  # list.count passes over the same object as fast
    if not odd:
        return []
    if odd > limit:
        return None
    if seq.__class__ is not list:
        seq = list(seq)  # slices are compared with a list's
    same = [usual] * n
    out = []
    i = 0
    while True:
        i += _first_difference(seq, i, same, i, n - i)
        if i >= n:
            return out
        out.append(i)
        if len(out) == odd:
            return out
        i += 1


def _merge_all(ops, paths, dests, counts, drop, plain):
    """Many repeats (a file opened two ways for every file): merge all entries in one dict. The
    entries are counted by (op, path, dest) in a C loop, then the counts that are not 1 added."""
    if drop:  # roar's own entries: left out first
        ops, paths, dests, counts = [_without(col, drop) for col in (ops, paths, dests, counts)]
    merged = {}
    try:
        from _collections import _count_elements

        _count_elements(merged, zip(ops, paths, dests))
    except ImportError:  # not CPython
        for key in zip(ops, paths, dests):
            merged[key] = merged.get(key, 0) + 1
    n = len(counts)
    odd = odd_positions(counts, 1)
    for i in odd if odd is not None else range(n):
        if counts[i] != 1:
            key = (ops[i], paths[i], dests[i])
            merged[key] += counts[i] - 1
    if not merged:
        return _result([], [], [], [], plain)
    rows = zip(*merged)
    return _result(list(next(rows)), list(next(rows)), list(next(rows)), list(merged.values()), plain)


def _normalise_each(ops, paths, dests, counts, prefixes, plain):
    """A path to normalise: every entry through os.path.normpath (which only removes characters, so
    what `plain` says still holds), merged by (op, path, dest)."""
    normpath = os.path.normpath
    out = {}
    for op, path, dest, count in zip(ops, paths, dests, counts):
        path = normpath(path)
        if path.startswith(prefixes):
            continue
        key = (op, path, normpath(dest) if dest is not None else None)
        out[key] = out.get(key, 0) + count
    return _result([k[0] for k in out], [k[1] for k in out], [k[2] for k in out], list(out.values()), plain)


def _string_encoder():
    try:
        from _json import encode_basestring_ascii  # C; `json` itself would import re

        return encode_basestring_ascii
    except ImportError:
        from .shard import _quote

        return _quote


def render_files(columns):
    """The shard's `files` array, from columns (ops, paths, dests, counts), as JSON text: the same
    text as json.dumps of its objects with separators (",", ":") (ASCII only).

    Each run of entries with the same op, dest and count is one str.join of its paths, and the
    longest run (a dataset loop) is joined last, with the text of the others glued to its first and
    last path, so the megabytes of the list are copied once. Paths are escaped only when
    Columns.plain (or a look at their text) says they must be."""
    ops, paths, dests, counts = columns
    n = len(paths)
    if not n:
        return "[]"
    plain = getattr(columns, "plain", None)
    if plain is None:
        plain = json_plain(_SEP.join(paths))
    quote = None
    if plain:
        escaped = paths
    else:
        quote = _string_encoder()
        joined = "\0".join(paths)
        escaped = None
        if "\\" not in joined:  # a path holds no NUL, and no backslash to fake one: escaped in one call
            escaped = quote(joined)[1:-1].split("\\u0000")
        if escaped is None or len(escaped) != n:
            escaped = [quote(p)[1:-1] for p in paths]
    runs = []  # (start, end, head, tail)
    start = 0
    for end in _run_ends(ops, dests, counts):
        dest = dests[start]
        if dest is not None and quote is None:
            quote = _string_encoder()
        tail = '","dest":%s,"count":%d}' % ("null" if dest is None else quote(dest), counts[start])
        runs.append((start, end, '{"op":"%s","path":"' % ops[start], tail))
        start = end
    longest = max(range(len(runs)), key=lambda r: runs[r][1] - runs[r][0])
    before = "".join([_run_text(escaped, *run) + "," for run in runs[:longest]])
    after = "".join(["," + _run_text(escaped, *run) for run in runs[longest + 1 :]])
    start, end, head, tail = runs[longest]
    entries = escaped[start:end]
    if entries.__class__ is not list:
        entries = list(entries)
    entries[0] = "[" + before + head + entries[0]
    entries[-1] = entries[-1] + tail + after + "]"
    return (tail + "," + head).join(entries)


def _run_text(escaped, start, end, head, tail):
    return head + (tail + "," + head).join(escaped[start:end]) + tail


def _run_ends(ops, dests, counts):
    """End indices of the runs of entries with the same (op, dest, count). A dataset loop is one
    long run with a few odd entries (the script read twice, a write at the end): those are found by
    comparing slices with the middle entry's, each one ending the run before it and its own."""
    n = len(ops)
    ends = {n}
    for col, usual in ((ops, ops[n // 2]), (dests, None), (counts, counts[n // 2])):
        odd = odd_positions(col, usual)
        if odd is None:  # many: i + 1 where entry i differs from entry i + 1
            from itertools import compress

            from _operator import ne

            ends.update(compress(range(1, n), map(ne, col[:-1], col[1:])))
        else:
            ends.update(odd)
            ends.update(i + 1 for i in odd)
    ends.discard(0)
    return sorted(ends)


# The pure recorder's drained events as columns: PythonRecorder.drain_columns calls this at exit (the
# recorder module itself is imported by every process at start, so it stays small).


def columns_of_opens(streams, files):
    """The pure recorder's counts -> columns ([op], [path], [dest], [count]), each (op, path, dest)
    once, in first-seen order. streams: [(base, counts, mixed)] of `open` events, each path joined to
    base ("<cwd>/") unless None, with (op, path) keys among the read paths if mixed
    (recorder._Opens); files: {(op, path, dest): n} of the other events.

    A dataset loop leaves tens of thousands of distinct paths here, and every pass over them costs
    100-400 instructions an entry even as a C loop, so there are few: the keys and counts copied
    out, the (op, path) keys found among those of length 2 by list.index, the relative paths joined
    to base by one str.join and str.split. Each stream holds an (op, path) once; whether two hold
    the same one is looked up from the smaller of them."""
    ops, paths, counts = [], [], []
    for base, by_key, mixed in streams:
        keys = list(by_key)
        n = len(keys)
        key_ops = ["read"] * n
        if mixed:
            _take_apart(keys, key_ops)
        if base is not None:
            full = (base + ("\0" + base).join(keys)).split("\0")
            # a NUL in a path would split it (an open of one fails before its audit event)
            keys = full if len(full) == n else list(map(base.__add__, keys))
        if paths:
            ops += key_ops
            paths += keys
            counts += by_key.values()
        else:
            ops, paths, counts = key_ops, keys, list(by_key.values())
    dests = [None] * len(paths)
    if files:
        rows = zip(*files)
        for column in (ops, paths, dests):
            column += next(rows)
        counts += files.values()
    n = len(paths)
    if len(streams) + bool(files) > 1:
        repeated = _shared_entry(streams, files, n // 2)
        if repeated is None:  # too many to look up: a set of the paths tells
            repeated = len(set(paths)) != n
        if repeated:
            return tuple(_merge_all(ops, paths, dests, counts, [], None))
    return ops, paths, dests, counts


def _take_apart(keys, ops):
    """Each (op, path) key among the paths in keys -> its op into ops, its path into keys.

    When the middle one is such a key (a loop that writes) they are taken apart all at once, paths
    too (a path gives two characters, never an op), and the few entries whose op is not the middle
    one's put right. Otherwise they are found by isinstance(key, str), which is quick when it is
    true (a path), and by comparing slices of its answers when they are few."""
    middle = keys[len(keys) // 2]
    if middle.__class__ is tuple:
        pair = _pair_columns(keys)
        if pair is not None:
            firsts, seconds = pair
            odd = odd_positions(firsts, middle[0])
            if odd is not None:
                for i in odd:
                    if keys[i].__class__ is not tuple:
                        firsts[i], seconds[i] = "read", keys[i]
                ops[:] = firsts
                keys[:] = seconds
                return
    from itertools import compress, repeat

    is_path = list(map(isinstance, keys, repeat(str)))
    at = odd_positions(is_path, True)
    if at is None:
        from _operator import not_

        at = compress(range(len(keys)), map(not_, is_path))
    for i in at:
        ops[i], keys[i] = keys[i]


def _pair_columns(items):
    """([item[0]], [item[1]]) for a list of pairs and of str longer than one character, else None."""
    n = len(items)
    if _ZIP_COLUMNS:
        firsts, seconds = [], []
        for i in range(0, n, 8192):  # zip makes an iterator per item: a few thousand at a time
            rows = zip(*items[i : i + 8192])
            firsts += next(rows, ())
            seconds += next(rows, ())
        return (firsts, seconds) if len(firsts) == len(seconds) == n else None
    from _operator import itemgetter

    try:
        return list(map(itemgetter(0), items)), list(map(itemgetter(1), items))
    except IndexError:  # a path of one character
        return None


# Taking two columns out of a list of pairs: before CPython 3.12 zip costs less than two maps of
# itemgetter (whose every call builds a tuple of arguments), from 3.12 the maps cost less than zip's
# tuple iterators (one an entry).
_ZIP_COLUMNS = sys.version_info < (3, 12)


def _shared_entry(streams, files, budget):
    """Does an (op, path) come from two streams, or from a stream and files? None when finding out
    would take more than budget lookups (each stream is looked up in for the entries of the smaller
    one, and in for each entry of files without a dest)."""
    work = len(files) * len(streams)
    for i, a in enumerate(streams):
        for b in streams[i + 1 :]:
            work += min(len(a[1]), len(b[1]))
    if work > budget:
        return None
    for i, a in enumerate(streams):
        for b in streams[i + 1 :]:
            small, big = (a, b) if len(a[1]) <= len(b[1]) else (b, a)
            base = small[0]
            for key in small[1]:
                op, path = ("read", key) if key.__class__ is str else key
                if _holds(big, op, path if base is None else base + path):
                    return True
    for op, path, dest in files:
        if dest is None:
            for stream in streams:
                if _holds(stream, op, path):
                    return True
    return False


def _holds(stream, op, path):
    """Has stream (base, counts, mixed) counted (op, path)?"""
    base, counts, _ = stream
    if base is not None:
        if not path.startswith(base):
            return False
        path = path[len(base) :]
    return (path if op == "read" else (op, path)) in counts
