"""The traced interpreter's own identity, as the shard reports it.

Everything comes from sys, os and _imp (already loaded): no platform or sysconfig import at exit.
"""

import os
import sys

from _imp import extension_suffixes


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
