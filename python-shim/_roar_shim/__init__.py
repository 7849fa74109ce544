"""roar's Python shim: records what a Python process reads, writes, spawns and imports.

Started by ../sitecustomize.py when ROAR_WRAP=1 (see boot.py); the compiled fast path
`_roar_runtime` and the pure-Python recorder (recorder.py) share one interface.
Imported at every interpreter start, so it holds nothing but the version: the one place it lives
(roar-runtime is versioned with the shim: tools/build_wheel.py and roar-runtime/setup.py read the
line below rather than repeating the number). Not a module of its own: the shard needs it at exit,
where every extra import costs each Python process of a job more than the line it holds.
"""

VERSION = "0.1.0"
