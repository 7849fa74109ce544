"""The shard's file list: normalised, merged, roar's own files left out, and rendered exactly as the
stdlib's JSON encoder would render it (the CLI parses it with JSON.parse)."""

import json
import os
import random
import sys
import unittest

from shim_support import SHIM_DIR

sys.path.insert(0, SHIM_DIR)
from _roar_shim.filelist import normalise_files, odd_positions, render_files  # noqa: E402

TRICKY = [
    ("read", "/data/plain.txt", None, 1),
    ("read", "/data/second.txt", None, 1),
    ("write", "/data/caf\u00e9 \"q\".txt", None, 2),
    ("write", "/data/back\\slash\\u0000.txt", None, 1),
    ("readwrite", "/data/new\nline\ttab", None, 1),
    ("read", "/data/surrogate-\udcff.bin", None, 3),
    ("read", "/data/emoji-\U0001f996.txt", None, 1),
    ("rename", "/data/a.tmp", "/data/a \"final\".txt", 1),
    ("delete", "/data/a.tmp", None, 1),
]


def columns(files):
    return tuple(list(c) for c in zip(*files)) if files else ([], [], [], [])


def rows(cols):
    return list(zip(*cols))


def as_objects(files):
    return [{"op": op, "path": path, "dest": dest, "count": count} for op, path, dest, count in files]


class RenderFilesTest(unittest.TestCase):
    def test_same_text_as_json_dumps(self):
        for files in (TRICKY, TRICKY[:2], TRICKY[:1], [f for f in TRICKY if "\\" not in f[1]], []):
            with self.subTest(n=len(files)):
                self.assertEqual(render_files(columns(files)), json.dumps(as_objects(files), separators=(",", ":")))

    def test_large_list_round_trips(self):
        files = [("read", "/d/f%05d.txt" % i, None, 1) for i in range(20000)] + [("write", "/d/out.bin", None, 5)]
        self.assertEqual(json.loads(render_files(columns(files))), as_objects(files))

    def test_runs_around_the_longest_one(self):
        # the longest run is joined last, with the text of the runs before and after it glued on
        files = (
            [("write", "/d/w%d" % i, None, 1) for i in range(5)]
            + [("read", "/d/r%d" % i, None, 1) for i in range(50)]
            + [("read", "/d/odd", None, 2)]
            + [("read", "/d/s%d" % i, None, 1) for i in range(80)]
            + [("rename", "/d/a", '/d/"b"', 1), ("rename", "/d/c", "/d/d", 1), ("delete", "/d/a", None, 1)]
        )
        for n in (1, 2, 55, 56, 136, len(files)):
            with self.subTest(n=n):
                self.assertEqual(render_files(columns(files[:n])), json.dumps(as_objects(files[:n]), separators=(",", ":")))


def reference(chunks, own_dirs):
    """The file list as the shard must hold it, written the plain way: every path (and dest)
    through os.path.normpath if any needs it, roar's own files left out, each (op, path, dest) once
    where it first came, with the counts added."""
    rows = [row for chunk in chunks for row in chunk]
    prefixes = tuple(d.rstrip("/") + "/" for d in own_dirs if d)
    texts = [r[1] for r in rows] + [r[2] for r in rows if r[2] is not None]
    tails = ("/", "/.", "/..")
    if any("//" in t or "/./" in t or "/../" in t or t.endswith(tails) for t in texts):
        norm = os.path.normpath
    else:
        norm = lambda p: p  # noqa: E731
    out = {}
    for op, path, dest, count in rows:
        path = norm(path)
        if path.startswith(prefixes):
            continue
        key = (op, path, norm(dest) if dest is not None else None)
        out[key] = out.get(key, 0) + count
    return [key + (n,) for key, n in out.items()]


def simple(path):
    """A path to write as it is: nothing to escape, nothing to normalise."""
    plain = path.isascii() and path.isprintable() and '"' not in path and "\\" not in path
    return plain and "/." not in path and "//" not in path and not path.endswith("/")


def dataset(rng, n, repeats, where):
    """n reads of distinct files, then `repeats` entries that name a file already read (the same or
    another op, as a Path or the script read twice would), put at the start, the end, or anywhere."""
    rows = [("read", "/data/set/f%05d.bin" % i, None, 1) for i in range(n)]
    for _ in range(repeats):
        i = {"start": 0, "end": n - 1}.get(where, rng.randrange(n))
        op = rng.choice(("read", "read", "write"))
        at = {"start": 1, "end": len(rows)}.get(where, rng.randrange(len(rows) + 1))
        rows.insert(at, (op, rows[i][1], None, rng.choice((1, 1, 2, 300))))
    return rows


class ReferenceTest(unittest.TestCase):
    """normalise_files and render_files against the plain reference, on lists shaped like the ones
    a process leaves: a dataset loop with a few or many repeats, roar's own files, odd counts, a path
    to normalise or to escape, renames, more than one drain, lists or tuples."""

    OWN = ["/roar/shards", "/roar/shim/"]

    def check(self, chunks, unique=False):
        before = [tuple(list(col) for col in c) if isinstance(c, tuple) else list(c) for c in chunks]
        rows = [list(zip(*c)) if isinstance(c, tuple) else c for c in chunks]
        expected = reference(rows, self.OWN)
        got = normalise_files(chunks, self.OWN, unique)
        self.assertEqual(list(zip(*got)), [tuple(r) for r in expected])
        self.assertEqual(render_files(got), json.dumps(as_objects(expected), separators=(",", ":")))
        after = [tuple(list(col) for col in c) if isinstance(c, tuple) else list(c) for c in chunks]
        self.assertEqual(after, before, "the drained chunks are left as they were")

    def test_a_dataset_loop_with_repeats_anywhere(self):
        rng = random.Random(7)
        for where in ("start", "end", "anywhere"):
            for repeats in (0, 1, 2, 5, 64, 65, 400):
                with self.subTest(where=where, repeats=repeats):
                    self.check([columns(dataset(rng, 1500, repeats, where))])

    def test_mixed_lists(self):
        rng = random.Random(11)
        pool = (
            ["/data/f%d" % i for i in range(40)]
            + ["/data/.hidden/x", "/data/a.b./c", "/roar/shimmer/x", "/roar/shim/_roar_shim/boot.pyc", "/roar/shards/s.json"]
            + ["/data/caf\u00e9", '/data/q"uote', "/data/back\\slash", "/data/tab\there", "/data/del\x7f", "/data/emoji-\U0001f996"]
            + ["/data/./dot", "/data//double", "/data/sub/../up", "/data/trailing/", "/data/end/.", "/data/end/.."]
        )
        for case in range(300):
            names = pool if case % 3 else [p for p in pool if simple(p)]
            chunks = []
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                rows = []
                for _ in range(rng.randrange(1, 60)):
                    op = rng.choice(("read", "read", "read", "write", "readwrite", "rename", "delete", "mkdir"))
                    dest = rng.choice(names) if op == "rename" else None
                    rows.append((op, rng.choice(names), dest, rng.choice((1, 1, 1, 2, 3, 255, 256, 100000))))
                chunks.append(columns(rows) if rng.random() < 0.7 else rows)
            with self.subTest(case=case):
                self.check(chunks)

    def test_columns_may_be_tuples(self):
        rows = dataset(random.Random(3), 300, 3, "anywhere")
        self.check([tuple(tuple(c) for c in columns(rows))])

    def test_unique_input_is_passed_through(self):
        rows = dataset(random.Random(5), 2000, 0, "start") + [("write", "/roar/shards/x.json", None, 1), ("rename", "/a", "/b", 2)]
        self.check([columns(rows)], unique=True)
        cols = columns(rows[:2000])
        got = normalise_files([cols], self.OWN, True)
        self.assertIs(got[1], cols[1], "nothing to change: the drained list itself, not a copy")

    def test_a_path_with_a_nul_is_escaped(self):
        # the audit event of shutil.copyfile comes before the open that would reject it
        self.check([columns([("read", "/data/a", None, 1), ("read", "/data/nul\x00byte", None, 1), ("write", "/data/b", None, 2)])])


class JsonPlainTest(unittest.TestCase):
    def test_plain_exactly_when_json_writes_it_as_it_is(self):
        # short strs (shard values) and long texts (a file list joined) take different tests
        from _roar_shim.shard import json_plain

        for c in [chr(i) for i in range(0x101)] + ["\u2028", "\U0001f996", "\udcff"]:
            for s in ("/d/x" + c, "/d/" + "x" * 2000 + c + "/y"):
                with self.subTest(c=c, long=len(s) > 100):
                    self.assertEqual(json_plain(s), json.dumps(s) == '"' + s + '"')


class OddPositionsTest(unittest.TestCase):
    def test_finds_each_entry_that_differs(self):
        rng = random.Random(1)
        for n in (1, 2, 31, 32, 33, 1000, 5000):
            for odd in (0, 1, 2, 7, 64):
                seq = [1] * n
                for i in rng.sample(range(n), min(odd, n)):
                    seq[i] = rng.choice((0, 2, 300, "x", None))
                with self.subTest(n=n, odd=odd):
                    self.assertEqual(odd_positions(seq, 1), [i for i, v in enumerate(seq) if v != 1])
                    self.assertEqual(odd_positions(tuple(seq), 1), [i for i, v in enumerate(seq) if v != 1])

    def test_none_past_the_limit(self):
        self.assertIsNone(odd_positions([0, 1, 0, 1, 0], 1, limit=2))
        self.assertEqual(odd_positions([0, 1, 0, 1, 0], 1, limit=3), [0, 2, 4])


class NormaliseFilesTest(unittest.TestCase):
    def test_clean_paths_pass_through_unchanged(self):
        files = [("read", "/d/.hidden/x", None, 1), ("write", "/d/y", None, 1)]
        self.assertEqual(rows(normalise_files([files], ["/roar/shards"])), files)

    def test_paths_are_normalised_and_merged(self):
        files = [("read", "/d/./x", None, 1), ("read", "/d//x", None, 2), ("read", "/d/sub/../x", None, 1), ("rename", "/d/a", "/d/./b", 1)]
        self.assertEqual(rows(normalise_files([files], [])), [("read", "/d/x", None, 4), ("rename", "/d/a", "/d/b", 1)])

    def test_the_last_path_or_dest_is_normalised_too(self):
        for end in ("/", "/.", "/.."):
            with self.subTest(end=end):
                files = [("read", "/d/x", None, 1), ("read", "/d/y" + end, None, 1)]
                self.assertEqual(rows(normalise_files([files], [])), [("read", "/d/x", None, 1), ("read", os.path.normpath("/d/y" + end), None, 1)])
                files = [("rename", "/d/a", "/d/b" + end, 1), ("read", "/d/x", None, 1)]
                self.assertEqual(rows(normalise_files([files], [])), [("rename", "/d/a", os.path.normpath("/d/b" + end), 1), ("read", "/d/x", None, 1)])

    def test_two_drains_are_merged(self):
        first = [("read", "/d/x", None, 1)]
        second = [("read", "/d/x", None, 2), ("write", "/d/y", None, 1)]
        self.assertEqual(rows(normalise_files([first, second], [])), [("read", "/d/x", None, 3), ("write", "/d/y", None, 1)])

    def test_repeats_merge_into_the_first_entry_and_keep_the_order(self):
        files = [("read", "/d/x", None, 1), ("read", "/d/y", None, 1), ("write", "/d/x", None, 1), ("read", "/shim/a", None, 1), ("read", "/d/x", None, 2), ("read", "/d/z", None, 1)]
        first = columns(files)
        self.assertEqual(rows(normalise_files([first], ["/shim"])), [("read", "/d/x", None, 3), ("read", "/d/y", None, 1), ("write", "/d/x", None, 1), ("read", "/d/z", None, 1)])
        self.assertEqual(rows(first), files, "the drained chunk itself is left as it was")
        many = [("read", "/d/%d" % (i % 100), None, 1) for i in range(300)]
        self.assertEqual(rows(normalise_files([columns(many)], [])), [("read", "/d/%d" % i, None, 3) for i in range(100)])

    def test_roars_own_files_are_left_out(self):
        files = [("read", "/shim/_roar_shim/x.pyc", None, 1), ("read", "/shim/../shim/y", None, 1), ("read", "/shimmer/z", None, 1), ("write", "/shards/s.json", None, 1)]
        self.assertEqual(rows(normalise_files([files], ["/shim", "/shards/"])), [("read", "/shimmer/z", None, 1)])


if __name__ == "__main__":
    unittest.main()
