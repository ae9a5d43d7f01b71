"""The solution as a value: what :meth:`cge.economy.Economy.solve` returns.

A :class:`Solution` holds the free variables ``x`` and the parameter vector ``p`` of the
compiled core at an equilibrium, with the solve statistics. It is immutable (read-only arrays)
and independent of the Pyomo model, so tables computed from it (:mod:`cge.indicators`,
:class:`cge.results.Results`) do not change when the economy solves the next scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .solver import SolveInfo


def _frozen(a) -> np.ndarray:
    out = np.array(a, dtype=float, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Solution:
    """An equilibrium of one economy.

    Attributes:
        x: free variables, in the order of the economy's compiled core (``core.variables``).
        p: parameters (instruments, elasticities, fixed variables) in the order of
            ``core.param_objects``.
        info: the solve statistics (solver, iterations, residuals, warnings). Its fields are
            also readable on the solution itself (``solution.converged``, ``.iterations`` …),
            so code written for the SolveInfo that ``solve`` returned before keeps working.
    """

    x: np.ndarray
    p: np.ndarray
    info: SolveInfo

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _frozen(self.x))
        object.__setattr__(self, "p", _frozen(self.p))

    def __getattr__(self, name: str):
        if name in ("x", "p", "info") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.info, name)
