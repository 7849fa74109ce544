"""roar's Python shim: records what a Python process reads, writes, spawns and imports.

Started by ../sitecustomize.py when ROAR_WRAP=1 (see boot.py); the compiled fast path
`_roar_runtime` and the pure-Python recorder (recorder.py) share one interface.
Deliberately empty: this package is imported at every interpreter start.
"""
