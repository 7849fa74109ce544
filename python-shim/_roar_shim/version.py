"""The one place the shim's version lives.

roar-runtime (the compiled fast path) is versioned with the shim: tools/build_wheel.py and
roar-runtime/setup.py read this file rather than repeating the number.
"""

VERSION = "0.1.0"
