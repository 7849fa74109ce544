"""roar's shim: runs at every interpreter start because roar puts this directory first on PYTHONPATH.

It does three things and nothing else:
1. when ROAR_WRAP=1, start the recorder in _roar_shim (once per process);
2. always run the `sitecustomize` this file shadows (a venv's, the distro's, conda's), as if
   site.py had imported it, so putting roar in front never changes what the interpreter does;
3. when the recorder started, take roar's own directories (this one, the runtime tree) off
   sys.path again: the workload's imports then search exactly the directories they would without
   roar (children still find the shim through PYTHONPATH).

Start-up cost matters here (every Python process of the job pays it): only modules that are
already loaded at this point (sys, os, frozen importlib) are used.
"""

import os
import sys


def _roar_chain_shadowed_sitecustomize():
    """Find the next `sitecustomize` on sys.path after this directory and execute it as the module
    `sitecustomize`. Exceptions propagate, so site.py reports them exactly as it would have."""
    from _frozen_importlib import module_from_spec
    from _frozen_importlib_external import PathFinder

    here = os.path.dirname(os.path.abspath(__file__))
    # Directories that hold a roar shim: this one and any other copy (the shim dir can be on
    # PYTHONPATH twice when a child re-arms itself); chaining into a copy would recurse.
    search = []
    after = False
    for entry in sys.path:
        full = os.path.abspath(entry or os.curdir)
        if full == here:
            after = True
            continue
        if after:
            search.append(entry)
    if not after:  # this dir was not found verbatim on sys.path (e.g. a symlinked path): search all
        search = [e for e in sys.path if os.path.abspath(e or os.curdir) != here]
    while search:
        spec = PathFinder.find_spec("sitecustomize", search)
        if spec is None or spec.origin is None:
            return
        origin_dir = os.path.dirname(os.path.abspath(spec.origin))
        if not os.path.isdir(os.path.join(origin_dir, "_roar_shim")):
            break
        # another roar shim copy: keep looking after it
        search = [e for e in search if os.path.abspath(e or os.curdir) != origin_dir]
    else:
        return
    module = module_from_spec(spec)
    # The import system returns whatever sys.modules holds once this module finishes, so the
    # shadowed module becomes `sitecustomize` for everyone, exactly as without roar.
    sys.modules["sitecustomize"] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop("sitecustomize", None)
        raise


_roar_state = None
if os.environ.get("ROAR_WRAP") == "1":
    try:
        import _roar_shim.boot

        _roar_state = _roar_shim.boot.start(os.path.dirname(os.path.abspath(__file__)))
    except Exception as _roar_error:  # the shim never breaks the workload
        if os.environ.get("ROAR_DEBUG") == "1":
            sys.stderr.write("roar: shim failed to start: %r\n" % (_roar_error,))

try:
    _roar_chain_shadowed_sitecustomize()  # finds the shadowed one after this directory on sys.path
finally:
    if _roar_state is not None:
        _roar_shim.boot.leave_sys_path(_roar_state)
