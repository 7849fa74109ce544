"""Which installed distributions the workload imported, with their versions.

Only modules imported after the shim started count (site and .pth files import things the script
never asked for), only those loaded from outside the standard library, and never roar's own.
importlib.metadata is imported only when such a module exists: most short-lived helper processes
import nothing third-party and should not pay for it.
"""

import os
import sys

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
