"""Runtime trees on sys.path, and the gate that decides whether the compiled fast path loads.

Both run at interpreter start, so they use only what is already loaded (os, sys, frozen importlib).
"""

import os
import sys

from _frozen_importlib_external import PathFinder
from _imp import extension_suffixes

MODULE = "_roar_runtime"
INTERFACE = ("install", "drain", "reset")
_SOURCE_SUFFIXES = (".py", ".pyc")
_METADATA_SUFFIXES = (".dist-info", ".egg-info", ".data")


def top_level_names(entries):
    """Importable top-level names a directory listing provides (packages, modules, extensions)."""
    suffixes = sorted(set(extension_suffixes()) | set(_SOURCE_SUFFIXES), key=len, reverse=True)
    names = set()
    for entry in entries:
        if entry.startswith(".") or entry == "__pycache__" or entry.endswith(_METADATA_SUFFIXES):
            continue
        if entry.endswith(".pth"):
            continue
        for suffix in suffixes:
            if entry.endswith(suffix):
                entry = entry[: -len(suffix)]
                break
        if entry.isidentifier():
            names.add(entry)
    return names


def select_runtime_dirs(value):
    """ROAR_RUNTIME_PYTHONPATH may name the trees of several ABIs (the CLI passes every cached one,
    so a 3.12 job's 3.11 subprocess finds its own). Keep only the first tree built for this
    interpreter; when none is, keep the first entry so the gate can say what it found instead."""
    entries = [e for e in (value or "").split(os.pathsep) if e]
    if len(entries) <= 1:
        return os.pathsep.join(entries)
    for entry in entries:
        match, _ = find_compiled([entry])
        if match is not None:
            return entry
    return entries[0]


def place_runtime_dirs(value, path=None):
    """Put the ROAR_RUNTIME_PYTHONPATH entries at the front of sys.path, unless one would shadow a
    top-level name the workload can already import (its own copy of anything must win).

    Returns (placed dirs, skipped reasons). `path` is the sys.path list to change (tests pass one).
    """
    path = sys.path if path is None else path
    placed = []
    skipped = []
    for entry in (value or "").split(os.pathsep):
        if not entry:
            continue
        try:
            listing = os.listdir(entry)
        except OSError as e:
            skipped.append("%s: not a readable directory (%s)" % (entry, e.strerror or e))
            continue
        if entry in path or entry in placed:
            placed.append(entry)  # already importable from there: nothing to shadow
            continue
        clash = None
        for name in sorted(top_level_names(listing)):
            if name in sys.builtin_module_names:
                clash = (name, "built-in")
                break
            try:
                spec = PathFinder.find_spec(name, path)
            except Exception:
                spec = None
            if spec is not None:
                where = spec.origin if spec.origin not in (None, "namespace") else list(spec.submodule_search_locations or [])
                clash = (name, where)
                break
        if clash is not None:
            skipped.append("%s: would shadow %s (already importable from %s)" % (entry, clash[0], clash[1]))
            continue
        placed.append(entry)
    for entry in reversed(placed):
        if entry not in path:
            path.insert(0, entry)
    return placed, skipped


class GateResult:
    __slots__ = ("module", "outcome", "reason", "runtime_path")

    def __init__(self, module, outcome, reason, runtime_path):
        self.module = module
        self.outcome = outcome
        self.reason = reason
        self.runtime_path = runtime_path


def find_compiled(dirs):
    """Look for `_roar_runtime<S>` where S is exactly one of this interpreter's extension suffixes.

    Returns (path of the match or None, names of `_roar_runtime.*` files built for another ABI)."""
    suffixes = set(extension_suffixes())
    foreign = []
    for d in dirs:
        try:
            listing = os.listdir(d)
        except OSError:
            continue
        for entry in sorted(listing):
            if not entry.startswith(MODULE + "."):
                continue
            if entry[len(MODULE) :] in suffixes:
                return os.path.join(d, entry), foreign
            if entry.endswith((".so", ".pyd", ".dylib")):
                foreign.append(os.path.join(d, entry))
    return None, foreign


def open_gate(placed, skipped, import_module=None):
    """Decide the audit backend: the compiled module when a file for this exact ABI is there and
    imports with the expected interface, the pure-Python recorder otherwise (with why)."""
    if not placed:
        if skipped:
            return GateResult(None, "shadowed" if any("would shadow" in s for s in skipped) else "no-runtime", "; ".join(skipped), None)
        return GateResult(None, "no-runtime", "ROAR_RUNTIME_PYTHONPATH names no runtime tree", None)
    match, foreign = find_compiled(placed)
    if match is None:
        if foreign:
            return GateResult(
                None,
                "abi-mismatch",
                "%s is not built for this interpreter (it loads %s)" % (", ".join(os.path.basename(f) for f in foreign), extension_suffixes()[0]),
                os.path.dirname(foreign[0]),
            )
        return GateResult(None, "no-runtime", "no %s%s in %s" % (MODULE, extension_suffixes()[0], os.pathsep.join(placed)), None)
    runtime_path = os.path.dirname(match)
    try:
        if import_module is not None:
            module = import_module(MODULE)
        else:
            module = __import__(MODULE)
        loaded = os.path.abspath(getattr(module, "__file__", "") or "")
        if loaded != os.path.abspath(match):
            sys.modules.pop(MODULE, None)
            return GateResult(None, "import-error", "%s loaded from %s, not %s" % (MODULE, loaded, match), runtime_path)
        missing = [n for n in INTERFACE if not callable(getattr(module, n, None))]
        if missing:
            return GateResult(None, "import-error", "%s lacks %s" % (match, ", ".join(missing)), runtime_path)
    except Exception as e:
        sys.modules.pop(MODULE, None)
        return GateResult(None, "import-error", "importing %s failed: %s: %s" % (match, type(e).__name__, e), runtime_path)
    return GateResult(module, "native", None, runtime_path)


def warning_text(result, executable):
    how = {
        "no-runtime": "no roar runtime was found for it",
        "abi-mismatch": "the roar runtime found was built for another Python ABI",
        "import-error": "the roar runtime failed to load",
        "shadowed": "the roar runtime tree was not put on sys.path",
    }.get(result.outcome, result.outcome)
    return (
        "roar: native runtime not used for %s: %s (%s). File I/O is still captured, by the slower "
        "pure-Python audit hook. Fix: roar runtime install %s (in a container, run that once at image "
        "build time, e.g. RUN roar runtime install %s)\n" % (executable, how, result.reason, executable, executable)
    )
