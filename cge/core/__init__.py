"""Compiled core: residuals and sparse Jacobian of a Pyomo model, by index.

Pyomo's own cyipopt route needs the AMPL Solver Library, which cannot be installed here, so we
compile the Pyomo model ourselves, once per model structure. The Pyomo model stays the single
source of truth: every active equality constraint becomes a residual ``body - rhs``, read off
its expression tree. Two backends turn the trees into evaluators; both emit Python source in
which data are reached by index only — never by a user-supplied name — and compile it once:

``backend="vector"`` (the default from :data:`AUTO_PYTHON_BELOW` equations up)
    Each tree is walked once. Its *signature* is its shape with the leaves (variables,
    parameters, constants) replaced by slots; a sum's signature is the set of its terms'
    signatures, so sums of any length share one (a segment sum, ``np.add.reduceat``, adds the
    terms up). Constraints with equal signatures form a group — whatever their Pyomo block: the
    default model has 18 groups, a 10-region, 65-sector one 19. For each group we emit
    straight-line numpy code over index arrays: the tree once, evaluated over all members at
    once, and its reverse-mode derivative (adjoints pushed from the root to the slots), with
    constants folded at compile time (a derivative that depends on constants only, e.g. of a
    linear term, goes into a constant part of the Jacobian). Partials are added into the
    Jacobian's values by ``np.bincount`` (a variable in two slots of one equation is summed).
    In the generated code ``x`` is the vector of leaf values (free variables, then parameters,
    then constants), ``p`` the tuple of index arrays, constant arrays and segment-sum functions
    built at compile time, ``r`` the list of intermediate arrays. Pyomo's ``differentiate`` is
    not used; setup time is linear in the size of the trees and the source does not grow with
    the model.
``backend="python"`` (the default for smaller systems)
    The original compiler: derivatives by Pyomo's symbolic differentiation (reverse symbolic
    mode), emitted as one straight line of scalar Python per residual and per Jacobian entry,
    with free variables ``x[k]`` and mutable parameters and fixed variables ``p[k]``. Kept for
    comparison and tests (tests/test_core_backends.py checks that the two agree).

Arithmetic: a negative base with a fractional exponent gives NaN (never an exception), and so
do undefined logarithms; overflow gives inf (python backend: NaN) — so that a solver's line
search can step back.

A shock changes Param values; :meth:`CompiledModel.params` re-reads them into ``p``. Nothing is
rebuilt. Equations dropped by the closure (Walras) are compiled too, to report their residuals.

The package, one module a stage, each importing only those before it:

* :mod:`~cge.core.system`: the square system of a model (active equations, residuals);
* :mod:`~cge.core.program`: a vector core's parameter stage (numpy instructions on ``w``);
* :mod:`~cge.core.compiled`: :class:`CompiledModel`, :class:`VectorModel` and :class:`LU`
  (evaluation, factorisation, the LU ordering and its cache);
* :mod:`~cge.core.python` and :mod:`~cge.core.vector`: the two backends;
* :mod:`~cge.core.compiler`: :func:`compile_model` (the only ``exec`` in cge) and the check of a
  source read from a file;
* :mod:`~cge.core.cached`: the compiled core on disk, :func:`compiled_core`.

Module-level switches are read where they are defined: set them there (for example
``cge.core.compiled.CONDENSE``), not on this package.
"""

from __future__ import annotations

from .cached import compiled_core, export_vector
from .compiled import (
    LU,
    CompiledModel,
    VectorModel,
    csc_pattern,
    factorize_in_order,
    pivot_order,
    pivot_plan,
)
from .compiler import AUTO_PYTHON_BELOW, BACKENDS, compile_model
from .program import run_steps
from .system import StructureError

__all__ = ["AUTO_PYTHON_BELOW", "BACKENDS", "LU", "CompiledModel", "StructureError",
           "VectorModel", "compile_model", "compiled_core", "csc_pattern", "export_vector",
           "factorize_in_order", "pivot_order", "pivot_plan", "run_steps"]
