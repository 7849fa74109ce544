"""Build the roar-runtime wheel for THE INTERPRETER RUNNING THIS SCRIPT, with the stdlib only.

    <python> python-shim/tools/build_wheel.py --out <dir>

Compiles roar-runtime/_roar_runtime.c with that interpreter's own sysconfig (CC, CFLAGS, CCSHARED,
include dir, LDSHARED) and writes roar_runtime-<version>-<py>-<abi>-<platform>.whl with WHEEL,
METADATA and a RECORD of sha256 hashes. No setuptools or wheel needed: the point is that every
local interpreter can build its own wheel, including ones without pip's build dependencies.
Prints the wheel's path on stdout. Exit code 2 when no C compiler or Python headers are found.
"""

import argparse
import base64
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM_DIR = os.path.dirname(HERE)
SOURCE_DIR = os.path.join(SHIM_DIR, "roar-runtime")
SOURCE = os.path.join(SOURCE_DIR, "_roar_runtime.c")
VERSION_FILE = os.path.join(SHIM_DIR, "_roar_shim", "__init__.py")
DIST = "roar_runtime"
MODULE = "_roar_runtime"


class BuildError(Exception):
    def __init__(self, message, missing_toolchain=False):
        super().__init__(message)
        self.missing_toolchain = missing_toolchain


def read_version(path=VERSION_FILE):
    with open(path, encoding="utf-8") as f:
        m = re.search(r'^VERSION\s*=\s*"([^"]+)"', f.read(), re.M)
    if not m:
        raise BuildError("no VERSION in %s" % path)
    return m.group(1)


def tags():
    """(python tag, abi tag, platform tag) for this interpreter, as pip expects them."""
    if sys.implementation.name != "cpython":
        raise BuildError("roar-runtime builds for CPython only (this is %s)" % sys.implementation.name)
    py = "cp%d%d" % sys.version_info[:2]
    abi = py
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        abi += "t"
    if sysconfig.get_config_var("Py_DEBUG") or hasattr(sys, "gettotalrefcount"):
        abi += "d"
    # a local build links against this machine's libc: a plain platform tag, never manylinux
    platform = re.sub(r"[^A-Za-z0-9_]", "_", sysconfig.get_platform())
    return py, abi, platform


def _var(name, default=""):
    return os.environ.get(name) or sysconfig.get_config_var(name) or default


def compile_extension(build_dir, version):
    ext_suffix = sysconfig.get_config_var("EXT_SUFFIX")
    out = os.path.join(build_dir, MODULE + ext_suffix)
    cc = shlex.split(_var("CC", "cc"))
    if not cc or shutil.which(cc[0]) is None:
        raise BuildError("no C compiler: %r not found" % (cc[0] if cc else ""), missing_toolchain=True)
    includes = []
    for key in ("include", "platinclude"):
        d = sysconfig.get_paths().get(key)
        if d and d not in includes:
            includes.append(d)
    if not any(os.path.exists(os.path.join(d, "Python.h")) for d in includes):
        raise BuildError("Python.h not found in %s (install the python3-dev package)" % ", ".join(includes), missing_toolchain=True)
    cflags = shlex.split(sysconfig.get_config_var("CFLAGS") or "") + shlex.split(os.environ.get("CFLAGS", ""))
    ccshared = shlex.split(sysconfig.get_config_var("CCSHARED") or "-fPIC")
    obj = os.path.join(build_dir, MODULE + ".o")
    compile_cmd = (
        cc
        + cflags
        + ccshared
        + ["-O2", '-DROAR_RUNTIME_VERSION="%s"' % version]
        + ["-I" + d for d in includes]
        + ["-c", SOURCE, "-o", obj]
    )
    ldshared = shlex.split(_var("LDSHARED", "cc -shared"))
    if shutil.which(ldshared[0]) is None:
        ldshared = cc + ["-shared"]
    link_cmd = ldshared + shlex.split(os.environ.get("LDFLAGS", "")) + [obj, "-o", out]
    for cmd in (compile_cmd, link_cmd):
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if proc.returncode != 0:
            raise BuildError("%s failed:\n%s" % (" ".join(cmd), proc.stdout.decode("utf-8", "replace")))
    return out


def _record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def write_wheel(extension, out_dir, version):
    py, abi, platform = tags()
    wheel_name = "%s-%s-%s-%s-%s.whl" % (DIST, version, py, abi, platform)
    dist_info = "%s-%s.dist-info" % (DIST, version)
    metadata = (
        "Metadata-Version: 2.1\n"
        "Name: roar-runtime\n"
        "Version: %s\n"
        "Summary: roar's compiled audit hook (the fast path of the roar Python shim)\n"
        "License: MIT\n"
        "Requires-Python: >=3.8\n" % version
    )
    wheel = (
        "Wheel-Version: 1.0\n"
        "Generator: roar build_wheel.py %s\n"
        "Root-Is-Purelib: false\n"
        "Tag: %s-%s-%s\n" % (version, py, abi, platform)
    )
    with open(extension, "rb") as f:
        ext_bytes = f.read()
    entries = [
        (os.path.basename(extension), ext_bytes, 0o755),
        (dist_info + "/METADATA", metadata.encode(), 0o644),
        (dist_info + "/WHEEL", wheel.encode(), 0o644),
        (dist_info + "/top_level.txt", (MODULE + "\n").encode(), 0o644),
    ]
    record_name = dist_info + "/RECORD"
    record = "".join("%s,%s,%d\n" % (name, _record_hash(data), len(data)) for name, data, _ in entries)
    record += "%s,,\n" % record_name
    entries.append((record_name, record.encode(), 0o644))

    os.makedirs(out_dir, exist_ok=True)
    final = os.path.join(out_dir, wheel_name)
    temp = final + ".tmp-%d" % os.getpid()
    with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    os.replace(temp, final)  # a reader never sees half a wheel
    return final


def build(out_dir):
    version = read_version()
    with tempfile.TemporaryDirectory(prefix="roar-runtime-build-") as build_dir:
        extension = compile_extension(build_dir, version)
        return write_wheel(extension, out_dir, version)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="directory to write the wheel into")
    parser.add_argument("--print-name", action="store_true", help="print the wheel file name this interpreter would get, build nothing")
    args = parser.parse_args(argv)
    try:
        if args.print_name:
            py, abi, platform = tags()
            print("%s-%s-%s-%s-%s.whl" % (DIST, read_version(), py, abi, platform))
            return 0
        print(build(args.out))
        return 0
    except BuildError as e:
        sys.stderr.write("build_wheel: %s\n" % e)
        return 2 if e.missing_toolchain else 1


if __name__ == "__main__":
    sys.exit(main())
