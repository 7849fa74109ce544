"""roar-runtime: the compiled audit hook of roar's Python shim (module `_roar_runtime`).

The version lives in ../_roar_shim/__init__.py (one place for the shim and its runtime); an sdist
carries it in PKG-INFO instead.
"""

import os
import re

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read_version():
    for path, pattern in (
        (os.path.join(HERE, "..", "_roar_shim", "__init__.py"), r'^VERSION\s*=\s*"([^"]+)"'),
        (os.path.join(HERE, "PKG-INFO"), r"^Version:\s*(\S+)"),
    ):
        try:
            with open(path, encoding="utf-8") as f:
                m = re.search(pattern, f.read(), re.M)
        except OSError:
            continue
        if m:
            return m.group(1)
    raise RuntimeError("roar-runtime: cannot find the shim version")


VERSION = read_version()

setup(
    name="roar-runtime",
    version=VERSION,
    description="roar's compiled audit hook (the fast path of the roar Python shim)",
    license="MIT",
    python_requires=">=3.8",
    ext_modules=[
        Extension(
            "_roar_runtime",
            sources=["_roar_runtime.c"],
            define_macros=[("ROAR_RUNTIME_VERSION", '"%s"' % VERSION)],
        )
    ],
    zip_safe=False,
)
