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
from .solver import (
    NO_IPOPT_FALLBACK,
    SolveError,
    ipopt,
    ipopt_available,
    newton,
    residual_blocks,
    worst_equations,
)


def parameter_derivative(core: CompiledModel, x: np.ndarray, p: np.ndarray, d: np.ndarray,
                         h: float = 1e-3) -> np.ndarray:
    """``∂F/∂p · d`` at ``(x, p)``: central differences with one Richardson step (error
    O(h⁴), about 1e-13 relative for the model's smooth dependence on its parameters)."""
    def central(step):
        return (core.residual(x, (p + step * d).tolist())
                - core.residual(x, (p - step * d).tolist())) / (2 * step)

    return (4 * central(h / 2) - central(h)) / 3


#: Iterative refinement of a tangent solved with a nearby point's factorisation: at most this
#: many corrections, each a sparse product and two triangular solves, before factorising anew.
REFINE_STEPS = 8
#: ... until the linear residual is this small relative to the right-hand side.
REFINE_TOL = 1e-14


def tangents(core: CompiledModel, x: np.ndarray, p: np.ndarray,
             directions: list[np.ndarray], lu=None) -> tuple[list[np.ndarray], object]:
    """Solution tangents ``dx = −J⁻¹ ∂F/∂p · d`` for each parameter direction ``d`` and the
    factorisation used. With ``lu`` (a nearby point's), each tangent is solved with it and
    refined against the exact Jacobian (``dx += lu⁻¹ (b − J dx)``) to :data:`REFINE_TOL`; if
    that does not converge within :data:`REFINE_STEPS`, ``J`` is factorised (one factorisation
    for all directions) and that one is returned."""
    rhs = [-parameter_derivative(core, x, p, d) for d in directions]
    if lu is not None:
        J = core.jacobian(x, p.tolist())
        out = []
        for b in rhs:
            dx, scale = lu.solve(b), max(1.0, float(np.max(np.abs(b), initial=0.0)))
            for _ in range(REFINE_STEPS):
                r = b - J @ dx
                if float(np.max(np.abs(r), initial=0.0)) <= REFINE_TOL * scale:
                    break
                dx = dx + lu.solve(r)
            else:
                break
            out.append(dx)
        else:
            return out, lu
    lu = core.lu(x, p.tolist())
    return [lu.solve(b) for b in rhs], lu


def solve_point(core: CompiledModel, x: np.ndarray, p: np.ndarray,
                what: str = "a point on the path", lu0=None) -> np.ndarray:
    """Solve at parameters ``p`` from ``x`` (Newton, then Ipopt) to 1e-12; never touches the
    Pyomo model. ``lu0``: a nearby point's factorisation for Newton's first (chord) steps.
    Raises :class:`SolveError`."""
    pl = p.tolist()
    xn, info = newton(core, x, pl, tol=1e-12, lu0=lu0)
    if not info.converged:
        if ipopt_available():
            xn, info = ipopt(core, x, pl, tol=1e-12)
        else:
            info.message += f" ({NO_IPOPT_FALLBACK})"
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
    each warm-started from the previous one (from ``x0`` at λ = 0). Factorisations are reused
    along the path: each point's Newton steps start from the previous point's factorisation,
    and its tangents are solved with it and refined (:func:`tangents`).
    """
    t, w = np.polynomial.legendre.leggauss(nodes)
    dp = np.sum(groups, axis=0)
    x, lu = x0.copy(), None
    for lam, wt in zip((t + 1) / 2, w / 2):
        p = p0 + lam * dp
        x = solve_point(core, x, p, lu0=lu)
        dxs, lu = tangents(core, x, p, groups, lu)
        yield float(lam), float(wt), x, p, dxs
