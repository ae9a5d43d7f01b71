"""The solution path from the benchmark to a scenario, and its tangents.

A scenario moves the parameter vector in a straight line, ``p(λ) = p₀ + λ (p₁ − p₀)`` for
``λ ∈ [0, 1]``. Along it the solution ``x(λ)`` is smooth, and the implicit-function theorem
gives its tangent from the factorised Jacobian: ``J dx/dλ = −∂F/∂p · (p₁ − p₀)``. Splitting
``p₁ − p₀`` into shock groups splits the tangent the same way (it is linear in the
direction). Integrating tangents over ``λ`` with Gauss–Legendre quadrature gives the welfare
decomposition (:mod:`cge.welfare`) and subtotals (:mod:`cge.sensitivity`); a tangent at the
solution gives local sensitivities.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .core import CompiledModel
from .solver import SolveError, ipopt, newton, residual_blocks, worst_equations


def parameter_derivative(core: CompiledModel, x: np.ndarray, p: np.ndarray, d: np.ndarray,
                         h: float = 1e-3) -> np.ndarray:
    """``∂F/∂p · d`` at ``(x, p)``: central differences with one Richardson step (error
    O(h⁴), about 1e-13 relative for the model's smooth dependence on its parameters)."""
    def central(step):
        return (core.residual(x, (p + step * d).tolist())
                - core.residual(x, (p - step * d).tolist())) / (2 * step)

    return (4 * central(h / 2) - central(h)) / 3


def tangents(core: CompiledModel, x: np.ndarray, p: np.ndarray,
             directions: list[np.ndarray]) -> list[np.ndarray]:
    """Solution tangents ``dx = −J⁻¹ ∂F/∂p · d`` for each parameter direction ``d``
    (one LU factorisation for all)."""
    lu = core.lu(x, p.tolist())
    return [lu.solve(-parameter_derivative(core, x, p, d)) for d in directions]


def solve_point(core: CompiledModel, x: np.ndarray, p: np.ndarray,
                what: str = "a point on the path") -> np.ndarray:
    """Solve at parameters ``p`` from ``x`` (Newton, then Ipopt) to 1e-12; never touches the
    Pyomo model. Raises :class:`SolveError`."""
    pl = p.tolist()
    xn, info = newton(core, x, pl, tol=1e-12)
    if not info.converged:
        xn, info = ipopt(core, x, pl, tol=1e-12)
    if not info.converged:
        F = core.residual(xn, pl)
        raise SolveError(f"{what} did not solve", info, worst_equations(core, F),
                         residual_blocks(core, F))
    return xn


def walk(core: CompiledModel, x0: np.ndarray, p0: np.ndarray, groups: list[np.ndarray],
         nodes: int) -> Iterator[tuple[float, float, np.ndarray, np.ndarray, list[np.ndarray]]]:
    """Solved points at the Gauss–Legendre nodes of ``[0, 1]`` on the path
    ``p₀ + λ Σ_g d_g``, each with its tangents per group.

    Yields ``(λ, weight, x, p, [dx/dλ for each group])``; points are solved in order of λ,
    each warm-started from the previous one (from ``x0`` at λ = 0).
    """
    t, w = np.polynomial.legendre.leggauss(nodes)
    dp = np.sum(groups, axis=0)
    x = x0.copy()
    for lam, wt in zip((t + 1) / 2, w / 2):
        p = p0 + lam * dp
        x = solve_point(core, x, p)
        yield float(lam), float(wt), x, p, tangents(core, x, p, groups)
