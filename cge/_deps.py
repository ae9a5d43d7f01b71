"""scipy and matplotlib without the modules of theirs that cge does not use.

Pyomo declares scipy and matplotlib deferred dependencies (``pyomo.common.dependencies``) with
callbacks that import more of them: for scipy, ``scipy.stats``, ``scipy.integrate`` and
``scipy.spatial`` (0.7–1.0 s); for matplotlib, ``matplotlib.pyplot`` and ``matplotlib.pylab``
(about 0.45 s; under a test runner it also switches the process's backend to Agg). None of it
is used by cge (a solve needs ``scipy.sparse``, a figure ``matplotlib.figure`` and the Agg
canvas). A callback runs as soon as the top-level package is loaded: through the import hook
Pyomo puts on ``sys.meta_path`` when the package is imported after Pyomo, or at once when Pyomo
is imported after it.

:func:`load` therefore loads Pyomo's dependency table first and then the top-level package
itself, that one name only, by the standard path finder (``importlib.machinery.PathFinder``,
which finds it on ``sys.path`` as ``import`` would) rather than through ``sys.meta_path``; its
submodules are then imported normally. Pyomo's deferred module stays unresolved: should Pyomo
itself use scipy or matplotlib later, it resolves it then and its callback imports what Pyomo
wants. Nothing of Pyomo is patched; a package already imported (by the user, before cge) is
left as it is.

Import the names cge uses from :mod:`cge._scipy` (scipy) or after calling :func:`load`
(matplotlib), never with a bare ``import scipy...`` at the top of a module: the linter sorts
third-party imports above first-party ones, so it would run first.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
from types import ModuleType

import pyomo.common.dependencies  # noqa: F401  (first: see the module's docstring)

_lock = threading.Lock()


def load(name: str) -> ModuleType:
    """The top-level package ``name`` (``"scipy"``, ``"matplotlib"``), loaded past Pyomo's
    import hook if it is not loaded yet."""
    with _lock:
        module = sys.modules.get(name)
        if module is not None:
            return module
        spec = importlib.machinery.PathFinder.find_spec(name)
        if spec is None or spec.loader is None:  # not on sys.path as files: the ordinary import
            return importlib.import_module(name)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module
