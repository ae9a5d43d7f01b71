"""Solvers on the compiled core: sparse Newton with a line search, and Ipopt through cyipopt.

Both solve the square system ``F(x; p) = 0`` of :class:`cge.core.CompiledModel`. A result is
returned only when it has converged: max |residual| <= ``tol`` (residuals are relative to
benchmark values) and the equations dropped by Walras' law hold to ``walras_tol``. Otherwise
:class:`SolveError` is raised with the status, iterations and the worst equations.
"""

from __future__ import annotations

import contextlib
import importlib.util
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from .core import CompiledModel
from .errors import MissingExtra
from .precondition import applies, block_factorize, max_iter

TOL = 1e-9
WALRAS_TOL = 1e-8
POLISH_TOL = 1e-13
#: Newton's steps between factorisations (:func:`newton`) on systems of at least
#: :data:`BROYDEN_MIN_UNKNOWNS` unknowns: True, Broyden's ("good") secant updates of the
#: factorised Jacobian (in log x for positive variables), applied through the
#: Sherman-Morrison recursion on the steps taken, continued while each step cuts ||F||^2 by
#: :data:`BROYDEN_KEEP`; False, plain chord steps (kept only while each cuts ||F||^2 by
#: :data:`CHORD_KEEP`)
BROYDEN = True
#: below :data:`BROYDEN_MIN_UNKNOWNS` unknowns, a chord step's factorisation is kept for the
#: next step while each step cuts ||F||^2 at least by this factor (||F|| fourfold). A tenfold
#: rule (0.01) took 4% less kernel time in the 1,000-member sweep of benchmarks/bench_sweep.py
#: (fewer residual evaluations, more factorisations) and 6% more in a warm shock on usjpn2024
#: (two factorisations instead of one): not taken
CHORD_KEEP = 0.0625
#: from this many unknowns up: there a factorisation costs tens of residual evaluations
#: (world2024, 5,107 unknowns: ~37 ms against ~1.5 ms); below, it costs a few, and plain chord
#: steps with a fresh factorisation when they slow down are faster (TWOCGE, usjpn2024)
BROYDEN_MIN_UNKNOWNS = 2000
#: at most this many Broyden steps on one factorisation
BROYDEN_MEMORY = 20
#: Broyden steps continue while each cuts ||F||^2 by at least this factor (and by 4 to be taken)
BROYDEN_KEEP = 0.25
#: a Broyden step is taken if it cuts ||F||^2 by at least this factor (chord steps: 0.25)
BROYDEN_TAKE = 0.25
#: Newton steps between factorisations on systems of at least :data:`BROYDEN_MIN_UNKNOWNS`
#: unknowns, once Broyden's steps stop contracting: True, an inexact Newton step, the exact
#: Jacobian's system solved by GMRES preconditioned with the last factorisation (a
#: Newton-Krylov step; Kelley 1995, ch. 6; Knoll & Keyes, J. Comput. Phys. 193, 2004); a fresh
#: factorisation only when GMRES does not reach its tolerance within :data:`KRYLOV_MAX_ITER`
#: iterations or the step does not decrease ||F||. False: factorise afresh at once. From
#: :data:`~cge.precondition.BLOCK_MIN_UNKNOWNS` unknowns up the preconditioner is the
#: Jacobian's block-diagonal part by region (:mod:`cge.precondition`), every step is a
#: Newton-Krylov one and the full Jacobian is factorised only if GMRES fails on it.
KRYLOV = True
#: at most this many GMRES iterations (one triangular solve and one product with the Jacobian
#: each) before factorising afresh: world2024, a factorisation ~35 ms against ~0.5 ms an iteration
KRYLOV_MAX_ITER = 30
#: the forcing term: GMRES stops when ||J dx + F||_2 <= eta ||F||_2 with
#: eta = min(KRYLOV_ETA, max|F|) (Eisenstat-Walker's choice 0 in spirit: superlinear as F -> 0)
KRYLOV_ETA = 1e-3


@dataclass
class SolveInfo:
    """What a solve did: solver, status, iterations, residuals, time (seconds)."""

    solver: str
    converged: bool
    iterations: int
    max_residual: float
    walras_residuals: list[float] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""
    steps: int = 1  # continuation steps used
    warnings: list[str] = field(default_factory=list)
    krylov_steps: int = 0  # Newton's inexact (GMRES) steps, each without a factorisation

    @property
    def max_walras(self) -> float:
        return max((abs(v) for v in self.walras_residuals), default=0.0)


class SolveError(RuntimeError):
    """A solve did not converge.

    Attributes: ``info`` (status, iterations, residual), ``worst`` (the worst equations, name
    and residual), ``blocks`` (the worst residual of each equation block, see
    :func:`residual_blocks`), ``reached`` (share of the shock solved by continuation, 0–1, or
    None) and ``diagnosis`` (lines on what went wrong, e.g. variables heading to zero).
    """

    def __init__(self, message: str, info: SolveInfo, worst: list[tuple[str, float]],
                 blocks: list[dict] | None = None, *, reached: float | None = None,
                 diagnosis: list[str] | None = None):
        self.info, self.worst, self.blocks = info, worst, blocks or []
        self.reached, self.diagnosis = reached, diagnosis or []
        self.headline = message
        super().__init__(self._text())

    def _text(self) -> str:
        info = self.info
        lines = [self.headline, f"solver {info.solver}: {info.message}; {info.iterations} "
                 f"iterations; max residual {info.max_residual:.3g}"]
        if self.reached is not None:
            lines.append(f"continuation solved {100 * self.reached:.1f}% of the shock and could "
                         "not go further")
        lines += self.diagnosis
        if self.blocks:
            lines.append("worst residual by equation block:")
            lines += [f"  {b['block']:24s} {b['tag']:3s} {b['max_abs']:9.3g}  at {b['worst']}"
                      for b in self.blocks]
        elif self.worst:
            lines.append("worst equations: " + "; ".join(f"{n} = {v:.3g}" for n, v in self.worst))
        lines.append("what to try: a smaller shock, the other solver (--solver ipopt|newton), "
                     "another closure, or check the elasticities; see docs/reliability.md")
        return "\n".join(lines)

    def with_note(self, note: str) -> SolveError:
        """The same error, ``note`` appended to the solver's message (e.g. a fallback not tried)."""
        self.info.message += f" ({note})"
        self.args = (self._text(),)
        return self

    def with_continuation(self, reached: float, diagnosis: list[str]) -> SolveError:
        """The same error, noting how far continuation got and what it found there."""
        self.reached, self.diagnosis = reached, diagnosis
        self.args = (self._text(),)
        return self


def worst_equations(core: CompiledModel, F: np.ndarray, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` equations with the largest |residual| (NaN first), with their names."""
    bad = np.where(np.isnan(F), np.inf, np.abs(F))
    idx = np.argsort(-bad)[:k]
    return [(core.name(int(i)), float(F[i])) for i in idx if bad[i] > 0]


def _tag(component) -> str:
    """The equation tag of docs/model.md, e.g. ``S1``, as the model declares it (``m.tags``)."""
    return getattr(component.model(), "tags", {}).get(component.local_name, "")


def residual_blocks(core: CompiledModel, F: np.ndarray, top: int = 8) -> list[dict]:
    """Worst |residual| per equation block (constraint component), largest first.

    Each entry: ``block`` (component name), ``tag`` (equation tag in docs/model.md),
    ``max_abs``, ``worst`` (name of the worst equation), ``count`` (equations in the block
    above 1e-9). NaN counts as infinitely bad.
    """
    bad = np.where(np.isnan(F), np.inf, np.abs(F))
    out: dict[str, dict] = {}
    for k in np.flatnonzero(bad > TOL):
        c = core.constraints[int(k)].parent_component()
        e = out.setdefault(c.local_name, {"block": c.local_name, "tag": _tag(c), "max_abs": 0.0,
                                          "worst": "", "count": 0})
        e["count"] += 1
        if bad[k] >= e["max_abs"]:
            e["max_abs"], e["worst"] = float(bad[k]), core.name(int(k))
    return sorted(out.values(), key=lambda e: -e["max_abs"])[:top]


def _norm(F: np.ndarray) -> float:
    m = float(np.max(np.abs(F), initial=0.0))  # NaN if any residual is NaN
    return m if m < np.inf else float(np.inf)


def masks(core: CompiledModel) -> tuple[np.ndarray, np.ndarray]:
    """(positive, price) masks over ``x``, computed once per core: variables with a positive
    lower bound (moved in log space), and price variables (kind ``price`` in the model's
    ``kinds``)."""
    c = core.cache.get("masks")
    if c is None or c[0] is not core.lower:  # keyed on the bounds (a copy may change them)
        positive = np.isfinite(core.lower) & (core.lower > 0)
        kinds = getattr(core.model, "kinds", {})
        price = np.array([kinds.get(v.parent_component().local_name) == "price"
                          for v in core.variables], dtype=bool)
        c = core.cache["masks"] = (core.lower, (positive, price))
    return c[1]


def broyden_step(z: np.ndarray, steps: list[np.ndarray], norms: list[float]) -> np.ndarray:
    """The next step of Broyden's ("good") method from ``z = -B0^-1 F``, where ``steps``
    ``s_0 .. s_n`` are the full steps taken since ``B0`` (each ``-B_k^-1 F_k``) and ``norms``
    their squared norms: ``-B_(n+1)^-1 F`` with ``B_(k+1) = B_k + (F_(k+1)) s_k^T / (s_k^T s_k)``
    (the secant update, since ``y_k - B_k s_k = F_(k+1)`` for a full step), by the
    Sherman-Morrison recursion (Kelley, *Iterative Methods for Linear and Nonlinear
    Equations*, SIAM 1995, algorithm ``brsol``): no matrix is formed. ``z`` is overwritten."""
    for j in range(len(steps) - 1):
        z += steps[j + 1] * (float(steps[j] @ z) / norms[j])
    if steps:
        z /= 1.0 - float(steps[-1] @ z) / norms[-1]
    return z


def krylov_solve(J, lu, b: np.ndarray, rtol: float, maxiter: int = KRYLOV_MAX_ITER,
                 x0: np.ndarray | None = None) -> np.ndarray | None:
    """``J⁻¹ b`` by GMRES (scipy), right-preconditioned with ``lu`` (a factorisation of a
    nearby Jacobian, :class:`cge.core.LU`): GMRES works on ``J M⁻¹ y = b``, so its residual is
    the true one, ``dx = M⁻¹ y``. Returns ``dx`` with ``||b − J dx||_2 <= rtol ||b||_2``
    (checked on the result, not GMRES's estimate), or None if ``maxiter`` iterations (no
    restart) do not get there."""
    n = len(b)
    nb = float(np.linalg.norm(b))
    if nb == 0.0:
        return np.zeros(n)
    from scipy.sparse.linalg import LinearOperator, gmres

    r0 = b if x0 is None else b - J @ x0
    if x0 is not None and float(np.linalg.norm(r0)) <= rtol * nb:
        return x0
    op = LinearOperator((n, n), matvec=lambda v: J @ lu.solve(np.ravel(v)), dtype=float)
    with np.errstate(all="ignore"):
        y, _ = gmres(op, r0, rtol=0.5 * rtol * nb / float(np.linalg.norm(r0)), atol=0.0,
                     restart=maxiter, maxiter=1)
    if not np.all(np.isfinite(y)):
        return None
    dx = lu.solve(y) if x0 is None else x0 + lu.solve(y)
    if float(np.linalg.norm(b - J @ dx)) > rtol * nb:
        return None
    return dx


def krylov_step(core: CompiledModel, x: np.ndarray, p: list[float], F: np.ndarray, lu,
                eta: float) -> tuple[np.ndarray | None, object]:
    """An inexact Newton step ``dx`` with ``||J dx + F||_2 <= eta ||F||_2`` (``J`` the
    Jacobian at ``(x, p)``) by GMRES, and the preconditioner it used. ``lu``: a nearby
    Jacobian's factorisation or block preconditioner (:mod:`cge.precondition`), or None. An
    exact one gets :data:`KRYLOV_MAX_ITER` iterations, a block one
    :data:`~cge.precondition.BLOCK_MAX_ITER`; if a block one does not get there, or there is
    none and the core is large enough for blocks (:func:`cge.precondition.applies`), a block
    preconditioner at ``(x, p)`` gets as many. ``(None, lu)`` if GMRES fails: the caller
    factorises ``J``."""
    vals = core.jacobian_values(x, p)
    J = core.jacobian_matrix(vals)
    blocks = applies(core)
    most = max_iter()
    if lu is not None:
        dx = krylov_solve(J, lu, -F, eta, KRYLOV_MAX_ITER if lu.exact else most)
        if dx is not None or lu.exact or not blocks:
            return dx, lu
    here = block_factorize(core, vals) if blocks else None
    if here is None:
        return None, lu
    return krylov_solve(J, here, -F, eta, most), here


def newton(core: CompiledModel, x0: np.ndarray, p: list[float], *, tol: float = TOL,
           max_iter: int = 100, polish: float | None = None,
           lu0=None) -> tuple[np.ndarray, SolveInfo]:
    """Sparse Newton's method with a backtracking line search on ``||F||_2``.

    Positive variables move multiplicatively (a step in log x). A factorisation is reused for
    the next step (a chord step, one residual evaluation instead of a factorisation) if that
    step at least halves ``||F||``, and kept for the step after only if it cut ``||F||``
    at least fourfold (:data:`CHORD_KEEP`); otherwise the Jacobian is factorised afresh and a
    Newton step with backtracking is taken. With ``polish``, up to three more chord steps with the last
    factorisation bring max |F| towards ``polish`` once ``tol`` is reached (no new
    factorisation). ``lu0``: a factorisation of a nearby Jacobian (the previous point's, on a
    path) tried for chord steps before any new one, or a block preconditioner
    (:class:`cge.precondition.BlockLU`: no chord steps, Newton-Krylov steps on it). On systems
    of :data:`BROYDEN_MIN_UNKNOWNS` unknowns and more, Broyden's updates extend the chord
    steps and, once they stall, steps are Newton-Krylov ones (:func:`krylov_step`). Returns
    ``(x, info)``; ``info.converged``
    tells whether max |F| <= ``tol`` and no price fell below its floor (:func:`reject_spurious`).
    """
    x, _, info, _ = _newton(core, x0, p, tol=tol, max_iter=max_iter, polish=polish, lu0=lu0)
    return x, info


#: from this many unknowns up :func:`solve` and the welfare decomposition run with BLAS on one
#: thread (:func:`blas_for`)
ONE_BLAS_THREAD_MIN_UNKNOWNS = BROYDEN_MIN_UNKNOWNS
_BLAS = []  # threadpoolctl's controller, made at the first use (it scans the loaded libraries)


def one_blas_thread():
    """A context in which BLAS (OpenBLAS, MKL, …; through threadpoolctl) runs on one thread,
    restored on exit. Newton–Krylov steps and GMRES's tangents do vector operations and
    triangular solves of 10^3–10^5 numbers, too small to gain from threads: measured on this
    2-core machine, the second BLAS thread left wall times as they were or slowed them
    (world2024, the 50% steel tariff: 33.6 → 45.5 ms wall) and doubled CPU time (30×65: warm
    solve 0.9 → 1.8 s CPU at 0.9 s wall; decomposition 4.8 → 9.2 s CPU at 4.8 s wall).
    BLAS's thread count is per process: another thread's BLAS calls run single-threaded too
    while a solve is in this context. Changing it costs about a millisecond, so it is set
    once per solve or decomposition (:func:`blas_for`), not per GMRES call."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


def blas_for(core: CompiledModel):
    """:func:`one_blas_thread` from :data:`ONE_BLAS_THREAD_MIN_UNKNOWNS` unknowns up, else a
    context that changes nothing (below, Newton's work is too small for BLAS's threads to
    start)."""
    if core.n < ONE_BLAS_THREAD_MIN_UNKNOWNS:
        return contextlib.nullcontext()
    return one_blas_thread()


def _newton(core: CompiledModel, x0: np.ndarray, p: list[float], *, tol: float = TOL,
            max_iter: int = 100, polish: float | None = None, lu0=None,
            F0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, SolveInfo, object]:
    """:func:`newton`, also returning the residuals at the result and the last factorisation
    (or None); ``F0``: the residuals at ``x0`` if known (saves an evaluation)."""
    t0 = time.perf_counter()
    x = x0.astype(float).copy()
    F = core.residual(x, p) if F0 is None else F0
    positive = masks(core)[0]
    msg = "maximum iterations reached"
    it = 0
    lu, extra = lu0, 0
    # chord steps need an exact factorisation (a block preconditioner's are GMRES's only)
    fresh = lu0 is not None and (callable(lu0) or lu0.exact)
    broyden = BROYDEN and core.n >= BROYDEN_MIN_UNKNOWNS
    krylov = KRYLOV and core.n >= BROYDEN_MIN_UNKNOWNS
    refactor, info_krylov = False, 0
    steps: list[np.ndarray] = []  # Broyden: the steps taken since the last factorisation
    norms: list[float] = []
    xref = np.ones_like(x)
    for it in range(1, max_iter + 1):
        nF = _norm(F)  # inf if any residual is not finite
        if nF <= tol:
            if polish is not None and lu is not None and extra < 3 and nF > polish:
                extra += 1
                dx = lu.solve(-F)
                xn = np.where(positive, x * np.exp(np.clip(dx / np.where(positive, x, 1.0), -5, 5)),
                              x + dx)
                Fn = core.residual(xn, p)
                if _norm(Fn) < nF:
                    x, F = xn, Fn
                    continue
            msg = "converged"
            it -= 1
            break
        if nF == np.inf:
            msg = "residual not finite"
            break
        f0 = float(F @ F)
        if callable(lu):  # a factorisation computed when first needed (Economy.base_lu)
            lu = lu()
            fresh = lu is not None and lu.exact
        if lu is not None and fresh:  # chord step with the last factorisation: cheap when it works
            dx = lu.solve(-F)
            if broyden:  # the secant updates since the factorisation (Sherman-Morrison)
                if not steps:
                    xref = np.where(positive, x, 1.0)
                z = broyden_step(dx / xref, steps, norms)
                dx = np.where(positive, z * x, z)  # rel below is z again
            rel = np.where(positive, dx / np.where(positive, x, 1.0), 0.0)
            # (a NaN or inf in rel fails the comparison, as one in Fn fails the next one's)
            if np.max(np.abs(rel), initial=0.0) <= 5.0:
                xn = np.where(positive, x * np.exp(rel), x + dx)
                Fn = core.residual(xn, p)
                if float(Fn @ Fn) <= (BROYDEN_TAKE if broyden else 0.25) * f0:
                    if broyden:
                        s_ = np.where(positive, rel, dx)  # the step in (log x, x)
                        steps.append(s_)
                        norms.append(float(s_ @ s_))
                        fresh = (len(steps) < BROYDEN_MEMORY
                                 and float(Fn @ Fn) <= BROYDEN_KEEP * f0)
                    else:
                        fresh = float(Fn @ Fn) <= CHORD_KEEP * f0  # contracting fast: keep it
                    x, F = xn, Fn
                    continue
        steps, norms = [], []
        dx = None
        if krylov and not refactor and (lu is not None or applies(core)):
            # Newton-Krylov: no (full) factorisation
            dx, lu = krylov_step(core, x, p, F, lu, min(KRYLOV_ETA, nF))
            fresh = False  # the next step is a Krylov one again (Broyden's had stalled)
        if dx is None:
            try:
                lu, fresh, refactor = core.lu(x, p), True, False
                dx = lu.solve(-F)
            except RuntimeError as exc:  # singular Jacobian
                msg = f"singular Jacobian ({exc})"
                break
        else:
            info_krylov += 1
        # positive variables move multiplicatively (a Newton step in log x): keeps them
        # positive and is closer to linear for CES powers; others (foreign saving) additively
        rel = np.where(positive, dx / np.where(positive, x, 1.0), 0.0)
        step = min(1.0, 5.0 / max(1e-300, float(np.max(np.abs(rel), initial=0.0))))
        while step > 1e-10:
            xn = np.where(positive, x * np.exp(np.clip(step * rel, -50, 50)), x + step * dx)
            Fn = core.residual(xn, p)
            if float(Fn @ Fn) <= (1 - 1e-4 * step) * f0:  # False if Fn has a NaN or inf
                break
            step *= 0.5
        else:
            if not fresh:  # an inexact step that does not descend: factorise and try again
                refactor = True
                continue
            msg = "line search failed"
            break
        x, F = xn, Fn
    else:
        if _norm(F) <= tol:
            msg = "converged"
    info = SolveInfo("newton", _norm(F) <= tol, it, _norm(F), seconds=time.perf_counter() - t0,
                     message=msg, krylov_steps=info_krylov)
    reject_spurious(core, x, info)
    return x, F, info, (None if callable(lu) else lu)


class _IpoptProblem:
    """cyipopt callbacks: constant objective, equality constraints F(x) = 0, zero Hessian."""

    def __init__(self, core: CompiledModel, p: list[float]):
        self.core, self.p = core, p

    def objective(self, x):
        return 0.0

    def gradient(self, x):
        return np.zeros_like(x)

    def constraints(self, x):
        return self.core.residual(x, self.p)

    def jacobianstructure(self):
        return self.core.rows, self.core.cols

    def jacobian(self, x):
        return self.core.jacobian_values(x, self.p)

    def intermediate(self, alg_mod, iter_count, *args):
        self.iterations = iter_count
        return True

    def hessianstructure(self):
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)

    def hessian(self, x, lagrange, obj_factor):
        return np.zeros(0)


def ipopt(core: CompiledModel, x0: np.ndarray, p: list[float], *, tol: float = TOL,
          max_iter: int = 500, options: dict | None = None) -> tuple[np.ndarray, SolveInfo]:
    """Solve with Ipopt (cyipopt) as a square feasibility problem, then polish with Newton.

    Ipopt stops at its own tolerance in a scaled norm; a few Newton steps bring the result to
    ``tol`` in the residuals we report (Ipopt alone can sit ~1e-8 from the exact root).
    """
    cyipopt = require_ipopt()
    t0 = time.perf_counter()
    n = core.n
    upper = np.full(n, 1e20)
    lower = np.where(np.isfinite(core.lower), core.lower, -1e20)
    prob = _IpoptProblem(core, p)
    nlp = cyipopt.Problem(n=n, m=n, problem_obj=prob, lb=lower, ub=upper,
                          cl=np.zeros(n), cu=np.zeros(n))
    opts = {"print_level": 0, "sb": "yes", "tol": tol, "constr_viol_tol": tol,
            "mu_strategy": "adaptive", "max_iter": max_iter}
    opts.update(options or {})
    for k, v in opts.items():
        nlp.add_option(k, v)
    x, out = nlp.solve(np.maximum(x0, lower))
    iters = getattr(prob, "iterations", 0)
    msg = out["status_msg"].decode() if isinstance(out["status_msg"], bytes) else out["status_msg"]
    x, pol = newton(core, x, p, tol=tol, max_iter=10)
    info = SolveInfo("ipopt", pol.converged, iters + pol.iterations, pol.max_residual,
                     seconds=time.perf_counter() - t0,
                     message=f"{msg} (+{pol.iterations} Newton polish steps)")
    return x, info


SOLVERS = {"newton": newton, "ipopt": ipopt}

#: What a Newton failure says when the Ipopt fallback could not be tried.
NO_IPOPT_FALLBACK = "Ipopt fallback not tried: cyipopt is not installed (pip install 'cge[ipopt]')"


def ipopt_available() -> bool:
    """Whether cyipopt (the optional extra ``cge[ipopt]``) can be imported; imports nothing."""
    return importlib.util.find_spec("cyipopt") is not None


def require_ipopt():
    """The ``cyipopt`` module. Raises :class:`~cge.errors.MissingExtra` (one line: ``pip
    install 'cge[ipopt]'``) when it is not installed."""
    try:
        import cyipopt
    except ImportError:
        raise MissingExtra("the Ipopt solver (--solver ipopt)", "cyipopt", "ipopt") from None
    return cyipopt


def solve(core: CompiledModel, *, solver: str = "newton", x0: np.ndarray | None = None,
          tol: float = TOL, walras_tol: float = WALRAS_TOL, fallback: bool = True,
          lu0=None, write: bool = True) -> SolveInfo:
    """Solve at the model's current parameter values; write the solution into the model
    (unless ``write`` is False: the model's variables are left as they were).

    With ``fallback``, a failed Newton solve is retried with Ipopt from the same start (Ipopt's
    barrier method is more robust far from the solution); ``info.solver`` then says so.
    ``lu0``: a factorisation of a nearby Jacobian for Newton's first chord steps (see
    :func:`newton`; a sweep's previous member). The solution, ``p`` and the last
    factorisation are kept in ``core.cache[("solved", thread id)]``. Writing 565 variables
    into Pyomo costs ~0.15 ms (usjpn2024), about 3% of a sweep member's solve.

    Raises:
        SolveError: not converged, or an equation dropped by Walras' law does not hold.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose {' or '.join(SOLVERS)}")
    with blas_for(core):  # one BLAS thread from 2,000 unknowns up (one_blas_thread)
        return _solve(core, solver, x0, tol, walras_tol, fallback, lu0, write)


def _solve(core: CompiledModel, solver: str, x0: np.ndarray | None, tol: float,
           walras_tol: float, fallback: bool, lu0, write: bool = True) -> SolveInfo:
    """The body of :func:`solve`."""
    p = core.params()
    x0 = core.x_from_model() if x0 is None else x0
    F = lu = None  # residuals at x, when known; the last factorisation
    if solver == "newton":
        x, F, info, lu = _newton(core, x0, p, tol=tol, polish=POLISH_TOL, lu0=lu0)
    else:
        x, info = SOLVERS[solver](core, x0, p, tol=tol)
    if not info.converged and fallback and solver == "newton":
        if ipopt_available():
            x2, info2 = ipopt(core, x0, p, tol=tol)
            if info2.converged:
                x, info, F, lu = x2, info2, None, None
                info.solver = "newton, then ipopt"
        else:
            info.message += f" ({NO_IPOPT_FALLBACK})"
    if info.converged and (F is None or _norm(F) > POLISH_TOL):
        # polish: a converged Newton iterate gains digits almost for free (skipped when
        # Newton's own polish got there)
        xp, Fp, pol, lup = _newton(core, x, p, tol=POLISH_TOL, max_iter=3, F0=F)
        lu = lup if lup is not None else lu
        if pol.max_residual < info.max_residual:
            x, F, info.max_residual = xp, Fp, pol.max_residual
    if F is None:
        F = core.residual(x, p)
    if not info.converged:
        raise SolveError("the model did not solve", info, worst_equations(core, F),
                         residual_blocks(core, F))
    info.walras_residuals = core.dropped_residuals(x, p).tolist()
    if info.max_walras > walras_tol:
        names = [(c.name, v) for c, v in zip(core.dropped, info.walras_residuals)]
        info.converged = False
        raise SolveError("an equation dropped by Walras' law does not hold: the closure or data "
                         "are inconsistent", info, names)
    info.warnings = vanishing(core, x)
    if write:
        core.x_to_model(x)
    # the point just solved, for Economy.solve's Solution (saves reading the model back)
    core.cache[("solved", threading.get_ident())] = (x, p, lu)
    return info


def reject_spurious(core: CompiledModel, x: np.ndarray, info: SolveInfo) -> None:
    """Mark ``info`` not converged if a price fell below its lower bound.

    With every residual absolute, a point where some prices are ~1e-20 and quantities ~1e10
    can pass the residual test without being an equilibrium (found by the property tests).
    Quantities may vanish (a flow priced out by a tariff); prices may not.
    """
    if not info.converged:
        return
    bad = np.flatnonzero(masks(core)[1] & (x < core.lower))
    if bad.size:
        info.converged = False
        names = ", ".join(f"{core.variables[int(k)].name} = {x[k]:.2g}" for k in bad[:3])
        info.message = f"spurious root: price(s) below their floor ({names})"


#: A quantity index below this share of its benchmark value is reported as vanishing.
VANISHING = 1e-6


def vanishing(core: CompiledModel, x: np.ndarray, threshold: float = VANISHING,
              k: int = 5) -> list[str]:
    """Warnings for quantities (index variables) driven below ``threshold`` of their base.

    A prohibitive tariff prices a flow out: in the CES model it stays positive but tiny (the
    solution is still exact). Reported so that nobody reads a vanished flow as a small one.
    """
    idx = np.flatnonzero(masks(core)[0] & (x < threshold))
    if idx.size == 0:
        return []
    idx = idx[np.argsort(x[idx])]
    names = ", ".join(f"{core.variables[int(i)].name} = {x[i]:.2g}" for i in idx[:k])
    more = f" and {idx.size - k} more" if idx.size > k else ""
    return [f"{idx.size} variable(s) fell below {threshold:g} of their base value (a flow "
            f"priced out, e.g. by a prohibitive tariff): {names}{more}"]
