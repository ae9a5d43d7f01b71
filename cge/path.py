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
from .precondition import max_iter, preconditioner
from .solver import (
    BROYDEN_MIN_UNKNOWNS,
    NO_IPOPT_FALLBACK,
    SolveError,
    ipopt,
    ipopt_available,
    krylov_solve,
    masks,
    newton,
    residual_blocks,
    worst_equations,
)


def parameter_derivative(core: CompiledModel, x: np.ndarray, p: np.ndarray, d: np.ndarray,
                         h: float = 1e-3, richardson: bool = True) -> np.ndarray:
    """``∂F/∂p · d`` at ``(x, p)``: central differences with one Richardson step (error
    O(h⁴), about 1e-13 relative for the model's smooth dependence on its parameters; four
    residual evaluations). Without ``richardson``, one central difference with step
    :data:`CENTRAL_STEP` (two evaluations; about 1e-10 relative, measured on world2024's
    2025 scenarios, where truncation and round-off balance)."""
    def central(step):
        return (core.residual(x, (p + step * d).tolist())
                - core.residual(x, (p - step * d).tolist())) / (2 * step)

    if not richardson:
        return central(CENTRAL_STEP)
    return (4 * central(h / 2) - central(h)) / 3


#: the step of a single central difference in :func:`parameter_derivative` (fraction of d)
CENTRAL_STEP = 1e-5


#: Iterative refinement of a tangent solved with a nearby point's factorisation: at most this
#: many corrections, each a sparse product and two triangular solves, before factorising anew
#: (below :data:`~cge.solver.BROYDEN_MIN_UNKNOWNS` unknowns; from there, GMRES preconditioned
#: with it, at most :data:`KRYLOV_STEPS` iterations).
REFINE_STEPS = 8
KRYLOV_STEPS = 30
#: ... until the linear residual is this small relative to the right-hand side (max norm;
#: iterative refinement).
REFINE_TOL = 1e-14
#: GMRES's tolerance for a tangent: ``||b − J dx||_2 <= KRYLOV_TOL ||b||_2``. Its round-off
#: floor is 2e-15 to 6e-15 (measured at 10 regions x 30 sectors), so 1e-14 in the max norm
#: (``REFINE_TOL``) is out of its reach; the decomposition's identity (its terms add up to
#: dEV/dλ, tested to 1e-8 of EV) needs far less.
KRYLOV_TOL = 1e-12


def tangents(core: CompiledModel, x: np.ndarray, p: np.ndarray,
             directions: list[np.ndarray], lu=None,
             guesses: list[np.ndarray] | None = None) -> tuple[list[np.ndarray], object]:
    """Solution tangents ``dx = −J⁻¹ ∂F/∂p · d`` for each parameter direction ``d`` and the
    factorisation used. With ``lu`` (a nearby point's, or a function returning one), each
    tangent is solved with it against the exact Jacobian: on small systems by iterative
    refinement (``dx += lu⁻¹ (b − J dx)``, at most :data:`REFINE_STEPS`) until ``max |b − J
    dx| <= REFINE_TOL · max(1, max |b|)``; from :data:`~cge.solver.BROYDEN_MIN_UNKNOWNS`
    unknowns up, where a factorisation costs tens of iterations (and ``∂F/∂p · d`` is one
    central difference, :func:`parameter_derivative`), by GMRES preconditioned with
    it (:func:`cge.solver.krylov_solve`, at most :data:`KRYLOV_STEPS` iterations) until
    ``||b − J dx||_2 <= KRYLOV_TOL ||b||_2``. If that fails, ``J`` is factorised (one
    factorisation for all directions) and that one is returned. ``guesses``: GMRES's
    starting points (a nearby point's tangents), one per direction."""
    krylov = core.n >= BROYDEN_MIN_UNKNOWNS
    rhs = [-parameter_derivative(core, x, p, d, richardson=not krylov) for d in directions]
    if callable(lu):
        lu = lu()
    if lu is not None:
        J = core.jacobian(x, p.tolist())
        out = _solve_all(J, lu, rhs, guesses, krylov)
        if out is None and not lu.exact:  # a nearby point's block preconditioner: one here
            lu = preconditioner(core, x, p.tolist())
            if lu.exact:  # the blocks are singular here: preconditioner factorised J itself
                return [lu.solve(b) for b in rhs], lu
            out = _solve_all(J, lu, rhs, guesses, krylov)
        if out is not None:
            return out, lu
    lu = core.lu(x, p.tolist())
    return [lu.solve(b) for b in rhs], lu


def _solve_all(J, lu, rhs: list[np.ndarray], guesses: list[np.ndarray] | None,
               krylov: bool) -> list[np.ndarray] | None:
    """:func:`tangents`' solves of ``J dx = b`` for every ``b`` with the preconditioner or
    nearby factorisation ``lu``; None as soon as one fails."""
    out = []
    for k, b in enumerate(rhs):
        scale = max(1.0, float(np.max(np.abs(b), initial=0.0)))
        dx = (_krylov(J, lu, b, None if guesses is None else guesses[k]) if krylov
              else _refine(J, lu, b, scale))
        if dx is None:
            return None
        out.append(dx)
    return out


def _refine(J, lu, b: np.ndarray, scale: float) -> np.ndarray | None:
    dx = lu.solve(b)
    for _ in range(REFINE_STEPS):
        r = b - J @ dx
        if float(np.max(np.abs(r), initial=0.0)) <= REFINE_TOL * scale:
            return dx
        dx = dx + lu.solve(r)
    return None


def _krylov(J, lu, b: np.ndarray, guess: np.ndarray | None) -> np.ndarray | None:
    most = KRYLOV_STEPS if lu.exact else max_iter()
    return krylov_solve(J, lu, b, KRYLOV_TOL, maxiter=most, x0=guess)


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
         nodes: int, lu0=None) -> Iterator[tuple[float, float, np.ndarray, np.ndarray,
                                                list[np.ndarray]]]:
    """Solved points at the Gauss–Legendre nodes of ``[0, 1]`` on the path
    ``p₀ + λ Σ_g d_g``, each with its tangents per group.

    Yields ``(λ, weight, x, p, [dx/dλ for each group])``; points are solved in order of λ,
    each from the previous one and corrected by Newton to 1e-12. From
    :data:`~cge.solver.BROYDEN_MIN_UNKNOWNS` unknowns up the start is a predictor (the
    previous point's tangent line; from the third node on the cubic Hermite interpolant of
    the last two points and their tangents; in log x where positive), and factorisations are
    reused along the path: each point's Newton steps start from the previous point's
    factorisation (at the first point ``lu0``, e.g. the benchmark's, or a function returning
    one), and its tangents are solved with it (:func:`tangents`). Below, where a
    factorisation is cheap, there is no predictor and ``lu0`` is not used.
    """
    t, w = np.polynomial.legendre.leggauss(nodes)
    dp = np.sum(groups, axis=0)
    positive = masks(core)[0]
    predict = core.n >= BROYDEN_MIN_UNKNOWNS  # below, Newton from the last point is as cheap
    x, lu, dxs = x0.copy(), (lu0 if predict else None), None
    done: list[tuple[float, np.ndarray, np.ndarray]] = []  # (λ, y, dy/dλ) of solved points
    for lam, wt in zip((t + 1) / 2, w / 2):
        p = p0 + lam * dp
        if predict and done:
            guess = _predict(done[-2:], lam, positive)
            if np.all(np.isfinite(guess)):
                x = guess
        x = solve_point(core, x, p, lu0=lu)
        dxs, lu = tangents(core, x, p, groups, lu, guesses=dxs if predict else None)
        if predict:
            dx = np.sum(dxs, axis=0)
            with np.errstate(all="ignore"):
                y = np.where(positive, np.log(np.where(positive, x, 1.0)), x)
                dy = np.where(positive, dx / np.where(positive, x, 1.0), dx)
            done.append((float(lam), y, dy))
        yield float(lam), float(wt), x, p, dxs


def _predict(done: list[tuple[float, np.ndarray, np.ndarray]], lam: float,
             positive: np.ndarray) -> np.ndarray:
    """The predictor of :func:`walk` at ``lam`` from the last solved points ``done`` (each
    ``(λ, y, dy/dλ)`` with ``y = log x`` where x is positive, ``x`` elsewhere): from one point
    the tangent line, from two the cubic Hermite interpolant of both (values and slopes),
    extended to ``lam``; the step in ``log x`` is clipped to ±1 (a factor of e)."""
    l1, y1, d1 = done[-1]
    if len(done) == 1:
        step = (lam - l1) * d1
    else:
        l0, y0, d0 = done[-2]
        h = l1 - l0
        s = (lam - l0) / h
        h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
        h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
        step = h00 * y0 + h10 * h * d0 + h01 * y1 + h11 * h * d1 - y1
    with np.errstate(all="ignore"):
        return np.where(positive, np.exp(y1 + np.clip(step, -1.0, 1.0)), y1 + step)
