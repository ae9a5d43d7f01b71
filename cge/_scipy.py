"""The scipy.sparse names of the compiled core, imported without the rest of scipy (see
:mod:`cge._deps`: Pyomo's scipy hook would import scipy.stats, integrate and spatial)."""

from __future__ import annotations

from ._deps import load

load("scipy")

from scipy.sparse import csc_matrix, csr_matrix  # noqa: E402
from scipy.sparse.csgraph import maximum_bipartite_matching  # noqa: E402
from scipy.sparse.linalg import splu  # noqa: E402

__all__ = ["csc_matrix", "csr_matrix", "maximum_bipartite_matching", "splu"]
