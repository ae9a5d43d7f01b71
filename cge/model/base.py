"""What a block is made of: variables with a kind, equations with a tag, and CES unit costs.

A block (one module of :mod:`cge.model`, one section of docs/model.md) declares its variables
with :func:`variable` and its equations with :func:`equation`. Both record model *data* on the
Pyomo model: ``m.kinds`` (variable component → ``"price"``, ``"quantity"`` or ``"free"``),
``m.tags`` (equation component → its docs/model.md tag, e.g. ``"P1"``) and ``m.blocks``
(component → block name). Solvers and diagnostics read kinds and tags from there, never from
name lists or docstrings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyomo.core as pyo

#: Lower bound for every price and quantity index (keeps CES powers defined).
FLOOR = 1e-8
#: Variable kinds: a price cannot collapse to zero in a regular equilibrium; a quantity may
#: vanish (a flow priced out); a free variable has no sign (e.g. foreign saving).
KINDS = ("price", "quantity", "free")


@dataclass(frozen=True)
class Block:
    """One equation block of the model, in the order of docs/model.md.

    Attributes:
        name: short name, e.g. ``"production"``; ``section``: its section in docs/model.md.
        declare: ``declare(m, b)`` adds the block's variables (and nothing else).
        equations: ``equations(m, b)`` adds the block's equations; every block's variables
            and the named quantities (:mod:`cge.model.quantities`) exist by then.
    """

    name: str
    section: str
    declare: Callable
    equations: Callable


def start(m: pyo.ConcreteModel) -> None:
    """Give a new model the registries that blocks fill in."""
    m.kinds, m.tags, m.blocks, m.targets = {}, {}, {}, {}


def variable(m, block: str, name: str, index, kind: str, doc: str, *, positive=True,
             initialize=1.0) -> pyo.Var:
    """Declare an index variable of ``block`` (benchmark value 1 unless ``initialize``).

    ``positive``: bounded below by :data:`FLOOR` (True), free (False), or a function of the
    index deciding it per member (a quantity whose base value is zero is not bounded)."""
    if kind not in KINDS:
        raise ValueError(f"variable {name}: kind must be one of {', '.join(KINDS)}")
    if callable(positive):
        rule = positive
        bounds = (lambda _, *k: (FLOOR, None) if rule(*k) else (None, None))
    else:
        bounds = (FLOOR, None) if positive else (None, None)
    comp = pyo.Var(*([index] if index is not None else []), initialize=initialize, bounds=bounds,
                   doc=doc)
    m.add_component(name, comp)
    m.kinds[name], m.blocks[name] = kind, block
    return comp


def equation(m, block: str, tag: str, name: str, index, rule, doc: str, *,
             active: bool = True) -> pyo.Constraint:
    """Declare an equation of ``block`` with its docs/model.md ``tag`` (e.g. ``"P1"``)."""
    comp = pyo.Constraint(*([index] if index is not None else []), rule=rule, doc=f"({tag}) {doc}")
    m.add_component(name, comp)
    m.tags[name], m.blocks[name] = tag, block
    if not active:
        comp.deactivate()
    return comp


def scale(base: float, fallback: float) -> float:
    """A normalising magnitude: the benchmark value, or ``fallback`` where that is zero."""
    return base if abs(base) > 1e-12 * abs(fallback) else fallback


def ces_index(prices, shares, sigma, cobb_douglas: bool):
    """Unit cost of a CES aggregate in calibrated-share form, 1 at benchmark prices.

    ``(Σ_k θ_k p_k^(1-σ))^(1/(1-σ))``, or ``Π_k p_k^θ_k`` when σ = 1 (Cobb–Douglas). With
    σ replaced by -ψ it is the unit revenue of a CET frontier. Prices are relative to their
    benchmark values; ``shares`` are benchmark value shares summing to 1.
    """
    if cobb_douglas:
        return pyo.prod(p ** th for p, th in zip(prices, shares))
    return sum(th * p ** (1 - sigma) for p, th in zip(prices, shares)) ** (1 / (1 - sigma))
