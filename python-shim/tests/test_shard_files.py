"""The shard's file list: normalised, merged, roar's own files left out, and rendered exactly as the
stdlib's JSON encoder would render it (the CLI parses it with JSON.parse)."""

import json
import os
import sys
import unittest

from shim_support import SHIM_DIR

sys.path.insert(0, SHIM_DIR)
from _roar_shim.filelist import normalise_files, render_files  # noqa: E402

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


class NormaliseFilesTest(unittest.TestCase):
    def test_clean_paths_pass_through_unchanged(self):
        files = [("read", "/d/.hidden/x", None, 1), ("write", "/d/y", None, 1)]
        self.assertEqual(rows(normalise_files([files], ["/roar/shards"])), files)

    def test_paths_are_normalised_and_merged(self):
        files = [("read", "/d/./x", None, 1), ("read", "/d//x", None, 2), ("read", "/d/sub/../x", None, 1), ("rename", "/d/a", "/d/./b", 1)]
        self.assertEqual(rows(normalise_files([files], [])), [("read", "/d/x", None, 4), ("rename", "/d/a", "/d/b", 1)])

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
