"""The model: a multi-region Armington CGE in Pyomo, as blocks that read like docs/model.md.

Every variable is an index relative to its benchmark value (1 in the benchmark): a quantity
``z`` means ``Z / Z̄``, a price is the price itself (all benchmark prices are 1). Base values
(``Z̄`` …) come from :mod:`cge.calibrate`. Policy instruments and elasticities are mutable
Params (:mod:`cge.model.sets`): a shock changes their values, never the structure.

:data:`BLOCKS` lists the equation blocks in the order of docs/model.md §5; each is one module
with ``declare(m, b)`` (its variables, each with a kind) and ``equations(m, b)`` (its
equations, each with its tag), see :mod:`cge.model.base`. Named quantities shared by
equations and reports are Pyomo Expressions in :mod:`cge.model.quantities`. Each equation is
divided by a benchmark value so residuals are relative. The closure (:mod:`cge.closure`)
then fixes variables and activates equations: it is data, not code here.

Adding a block: a new module with ``declare`` and ``equations``, one entry in :data:`BLOCKS`,
its section in docs/model.md (docs/architecture.md shows the steps).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import pyomo.core as pyo

from ..calibrate import Benchmark
from ..closure import Closure, ClosureError, get_closure
from ..closure import apply as apply_closure
from . import (
    armington,
    capital,
    government,
    households,
    investment,
    markets,
    production,
    quantities,
    regional,
    transformation,
)
from .base import FLOOR, KINDS, Block, ces_index, scale, start
from .sets import declare_parameters, declare_sets

#: The equation blocks, in the order of docs/model.md §5.
BLOCKS: tuple[Block, ...] = tuple(
    Block(mod.BLOCK, section, mod.declare, mod.equations) for mod, section in (
        (production, "5.1"), (transformation, "5.2"), (armington, "5.3"), (households, "5.4"),
        (government, "5.5"), (regional, "5.5"), (investment, "5.6"), (markets, "5.7"), (capital, "5.7")))

__all__ = ["BLOCKS", "FLOOR", "KINDS", "Block", "build_model", "build_structure", "ces_index",
           "scale", "collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector inside the block (restored after, also on an
    error). A model build allocates hundreds of thousands of objects (components, expression
    nodes) that all stay alive, so the collections this triggers find nothing to free, yet each
    walks the young objects again: about half the build's time on world2024. Reference counting
    still frees everything that is not in a cycle."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_model(b: Benchmark, closure: Closure | str | None = None) -> pyo.ConcreteModel:
    """Build the Pyomo model of benchmark ``b`` under ``closure`` (structure only: no solve).

    The closure's sector-specific factors decide the factor sets; then :func:`cge.closure.apply`
    fixes its exogenous variables and activates its equations. Every variable is at its
    benchmark value, so the model holds the benchmark solution; its active equations form a
    square system.
    """
    closure = get_closure(closure)
    with collector_paused():
        m = build_structure(b, closure.specific_factors)
        apply_closure(m, closure, closure.reference_region or b.reference_region)
    return m


def build_structure(b: Benchmark, specific_factors: tuple[str, ...] = ()) -> pyo.ConcreteModel:
    """The model's blocks without a closure: every block's equations active, the
    capital-account rules inactive, nothing fixed. ``specific_factors`` are fixed by sector."""
    unknown = set(specific_factors) - set(b.factors)
    if unknown:
        raise ClosureError(f"unknown specific factor(s) {sorted(unknown)}; factors are "
                           f"{', '.join(b.factors)}")
    m = pyo.ConcreteModel(name="cge")
    m.benchmark = b
    start(m)
    specific = set(specific_factors)
    declare_sets(m, b, specific)
    declare_parameters(m, b)
    for blk in BLOCKS:
        blk.declare(m, b)
    quantities.declare(m, b, specific)
    for blk in BLOCKS:
        blk.equations(m, b)
    return m
