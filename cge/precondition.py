"""A block preconditioner by region for the Newton–Krylov steps of large models.

Bilateral trade couples every pair of regions, and the exact LU of the Jacobian fills in as
``R^3`` (docs/performance.md): at 30 regions x 65 sectors it takes ~117 s and 66 M non-zeros.
Most of the Jacobian is within one region, though: a region's production, demand, incomes
and prices. The *block Jacobi* preconditioner keeps those entries only — every equation and
every unknown belongs to the region its index starts with (``model.R``), the rest (world
quantities) to one world block — and factorises that block-diagonal matrix. Its factors do not
couple regions, so they grow with the number of unknowns (as ``R^2`` at a given number of
sectors: each region's block holds its imports from every partner), not as ``R^3`` (30 x 65:
1.0 M non-zeros against the full LU's 66 M, factorised in 0.08 s). GMRES
(:func:`cge.solver.krylov_solve`) preconditioned with it solves the exact Jacobian's system:
the cross-region entries (a region's demand for its partners' goods, their demand for its own)
are small next to the diagonal blocks, so it takes ~10 iterations to cut the residual 1000-fold
and ~15 to 1e-8 (30 x 65 and world2024, measured). The Newton steps it gives are those of the
exact Jacobian to GMRES's tolerance; the convergence test is the same. If GMRES does not get
there, the solver refreshes the preconditioner at the current point, then factorises the full
Jacobian (:mod:`cge.solver`).

Blocks must be square for the block-diagonal matrix to be invertible: a region with more
equations than unknowns (or fewer) under a closure is merged into the world block (the union of
all non-square blocks and the world block is square, since the whole system is).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._scipy import csc_matrix
from .core import LU, CompiledModel, csc_pattern, factorize_in_order, pivot_order, pivot_plan

#: from this many unknowns up the solvers use :class:`BlockLU` where they used the exact
#: factorisation of a nearby Jacobian (the benchmark's, a path point's); below, the exact LU
#: is cheap enough (world2024, 5,107 unknowns: 0.06 s) and needs fewer GMRES iterations.
#: Measured (benchmarks/bench_scale.py --block-min, CPU s, blocks against exact): 10 x 35
#: (~8,200 unknowns) cold solve 0.12 vs 0.50, warm 0.07 vs 0.11, decomposition 0.47 vs 0.37;
#: 10 x 65 (15,183) cold 0.59 vs 1.49, warm 0.53 vs 0.61, decomposition 1.74 vs 2.34
BLOCK_MIN_UNKNOWNS = 10_000
#: GMRES iterations with a block preconditioner before it is refreshed at the current point
#: (then, before the full Jacobian is factorised): each costs a product with the Jacobian
#: and a solve with the block factors
BLOCK_MAX_ITER = 60


def applies(core: CompiledModel) -> bool:
    """Whether the solvers use a :class:`BlockLU` on ``core``: from :data:`BLOCK_MIN_UNKNOWNS`
    unknowns up."""
    return core.n >= BLOCK_MIN_UNKNOWNS


def max_iter() -> int:
    """:data:`BLOCK_MAX_ITER`, read when called (tests and benchmarks may change it)."""
    return BLOCK_MAX_ITER


def _first(index) -> object:
    return index[0] if isinstance(index, tuple) else index


def region_blocks(core: CompiledModel) -> tuple[np.ndarray, np.ndarray, int]:
    """``(of_unknown, of_equation, blocks)``: the block of each unknown and equation of
    ``core`` — the position in ``model.R`` of the region its index starts with, else the world
    block ``len(model.R)`` — with every block that does not have as many equations as
    unknowns merged into the world block; ``blocks`` counts the blocks left."""
    regions = list(getattr(core.model, "R", ()))
    at = {r: k for k, r in enumerate(regions)}
    world = len(regions)
    bv = np.fromiter((at.get(_first(v.index()), world) for v in core.variables), dtype=np.int64,
                     count=core.n)
    be = np.fromiter((at.get(_first(c.index()), world) for c in core.constraints),
                     dtype=np.int64, count=core.n)
    nv, ne = np.bincount(bv, minlength=world + 1), np.bincount(be, minlength=world + 1)
    odd = np.flatnonzero(nv != ne)
    if odd.size:
        bv[np.isin(bv, odd)] = world
        be[np.isin(be, odd)] = world
    return bv, be, int(np.count_nonzero(np.bincount(bv, minlength=world + 1)))


@dataclass
class BlockPlan:
    """The structure of a core's block preconditioner, computed once: the block-diagonal
    matrix in pivot order, ``csc_matrix((vals[data], indices, indptr))`` with ``vals`` from
    :meth:`~cge.core.CompiledModel.jacobian_values` (as :func:`~cge.core.pivot_plan`; ``data``
    picks the entries within a block), and ``blocks``, how many blocks."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    rows: np.ndarray
    q: np.ndarray
    blocks: int


class BlockLU(LU):
    """The factorised block-diagonal part of a Jacobian (module docstring): :meth:`solve`
    is a preconditioner for GMRES, not ``J^-1 b``."""

    exact = False

    def __init__(self, lu, rows: np.ndarray, q: np.ndarray, blocks: int):
        super().__init__(lu, rows, q)
        self.blocks = blocks


def block_plan(core: CompiledModel, vals: np.ndarray) -> BlockPlan | None:
    """The :class:`BlockPlan` of ``core`` (kept in ``core.cache``), ordered at the values
    ``vals``; None if the block-diagonal matrix is structurally singular or singular there."""
    if "blocks" in core.cache:
        return core.cache["blocks"]
    bv, be, blocks = region_blocks(core)
    sel = np.flatnonzero(be[core.rows] == bv[core.cols])
    rows, cols, n = core.rows[sel], core.cols[sel], core.n
    csc = csc_pattern(rows, cols, n)
    order, indices, indptr = csc
    perm = pivot_order(csc_matrix((vals[sel][order], indices, indptr), shape=(n, n)))
    plan = None
    if perm is not False:
        data, indices, indptr, r, q = pivot_plan(csc, n, *perm)
        plan = BlockPlan(sel[data], indices, indptr, r, q, blocks)
    core.cache["blocks"] = plan
    return plan


def block_factorize(core: CompiledModel, vals: np.ndarray) -> BlockLU | None:
    """:class:`BlockLU` of the Jacobian with non-zeros ``vals``; None if the block-diagonal
    matrix is singular (the caller then factorises the full Jacobian)."""
    plan = block_plan(core, vals)
    if plan is None:
        return None
    n = core.n
    try:
        lu = factorize_in_order(csc_matrix((vals[plan.data], plan.indices, plan.indptr),
                                           shape=(n, n)), plan.rows, plan.q)
    except RuntimeError:
        return None
    return BlockLU(lu.superlu, plan.rows, plan.q, plan.blocks)


def preconditioner(core: CompiledModel, x: np.ndarray, p: list[float]) -> LU:
    """A factorisation of the Jacobian at ``(x, p)`` for Newton's and the path's GMRES
    solves: from :data:`BLOCK_MIN_UNKNOWNS` unknowns up the :class:`BlockLU` (unless it is
    singular), else the exact :meth:`~cge.core.CompiledModel.lu`.

    Raises:
        RuntimeError: the exact factorisation is needed and the Jacobian is singular.
    """
    vals = core.jacobian_values(x, p)
    if applies(core):
        f = block_factorize(core, vals)
        if f is not None:
            return f
    return core.factorize(vals)
