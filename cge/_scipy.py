"""scipy for the compiled core without the scipy modules it does not use.

Importing this module makes ``import scipy.sparse`` (and ``scipy.sparse.linalg``,
``scipy.sparse.csgraph``) cost what those modules cost, about 0.15 s, instead of about 0.9 s.

Why: Pyomo declares scipy a deferred dependency (``pyomo.common.dependencies``) with a callback
that imports ``scipy.stats``, ``scipy.integrate`` and ``scipy.spatial`` (0.7–1.0 s, none of it
used by cge). The callback runs as soon as the top-level ``scipy`` package is loaded: through
the import hook Pyomo puts on ``sys.meta_path`` when scipy is imported after Pyomo, or at once
when Pyomo is imported after scipy. So here Pyomo's dependency table is loaded first and then
the ``scipy`` package itself, only that one name, is loaded by the standard path finder
(``importlib.machinery.PathFinder``, as ``import`` would find it on ``sys.path``) rather than
through ``sys.meta_path``; its submodules are then imported normally. Pyomo's deferred ``scipy``
stays unresolved: should Pyomo itself use scipy later, it resolves it then and its callback
imports what Pyomo wants. Nothing of Pyomo is patched; if scipy was already imported (by the
user, before cge), this does nothing.

The sparse names cge uses are re-exported from here: import them from this module (an
``import scipy...`` line next to ``from . import _scipy`` would be sorted above it by the
linter and run first).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading

import pyomo.common.dependencies  # noqa: F401  (first: see the module's docstring)

_lock = threading.Lock()


def _load_scipy() -> None:
    with _lock:
        if "scipy" in sys.modules:
            return
        spec = importlib.machinery.PathFinder.find_spec("scipy")
        if spec is None or spec.loader is None:  # not on sys.path as files: the ordinary import
            importlib.import_module("scipy")
            return
        module = importlib.util.module_from_spec(spec)
        sys.modules["scipy"] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop("scipy", None)
            raise


_load_scipy()

from scipy.sparse import csc_matrix, csr_matrix  # noqa: E402
from scipy.sparse.csgraph import maximum_bipartite_matching  # noqa: E402
from scipy.sparse.linalg import splu  # noqa: E402

__all__ = ["csc_matrix", "csr_matrix", "maximum_bipartite_matching", "splu"]
