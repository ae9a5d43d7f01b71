"""Newton's reuse of factorisations (issue 16, items 3 and 5): Broyden steps between
factorisations, the benchmark factorisation for warm shocks, the previous member's in a sweep,
and the per-solve glue (parameters and variables read in one pass, the dropped equations and
outputs evaluated once per point).

Each equilibrium is compared with the same shock solved the old way (plain chord steps, a
fresh factorisation at the start): the model's equations have one solution near the
benchmark, so any two converged solves agree to the solver's tolerance whatever their path.
"""

from __future__ import annotations

import numpy as np
import pytest
from solver_probes import count_factorisations

import cge
from cge import solver
from cge.economy import resolve_data


def _dense_broyden(F, B0, u0, n_steps):
    """Broyden's good method with the matrices formed explicitly (the textbook update)."""
    u, B, out = u0.copy(), B0.copy(), []
    Fu = F(u)
    for _ in range(n_steps):
        s = -np.linalg.solve(B, Fu)
        u = u + s
        Fn = F(u)
        B = B + np.outer(Fn - Fu - B @ s, s) / (s @ s)  # secant: B_new s = y
        out.append(s)
        Fu = Fn
    return out


def test_the_sherman_morrison_recursion_gives_the_explicit_broyden_steps():
    # a small smooth system whose root is (1, 2, 3): F_i = u_i^2 + 0.3 u_(i+1) - c_i
    root = np.array([1.0, 2.0, 3.0])

    def F(u):
        return u ** 2 + 0.3 * np.roll(u, -1) - (root ** 2 + 0.3 * np.roll(root, -1))

    u0 = np.array([1.2, 1.7, 3.4])
    B0 = np.diag(2 * u0) + 0.3 * np.roll(np.eye(3), 1, axis=1) + 0.05  # a nearby Jacobian
    explicit = _dense_broyden(F, B0, u0, 5)
    steps, norms, u = [], [], u0.copy()
    for k in range(5):
        z = solver.broyden_step(-np.linalg.solve(B0, F(u)), steps, norms)
        np.testing.assert_allclose(z, explicit[k], rtol=1e-9, atol=1e-13)
        u = u + z
        steps.append(z)
        norms.append(float(z @ z))
    # and the method converged (superlinearly) on this easy system
    assert np.max(np.abs(u - root)) < 1e-5


@pytest.fixture(scope="module")
def world():
    return cge.Economy(resolve_data("world2024"))


def test_broyden_and_the_benchmark_factorisation_reach_the_same_equilibrium(world, monkeypatch):
    eco = world
    assert eco.core.n >= solver.BROYDEN_MIN_UNKNOWNS
    sc = cge.load_scenario("scenarios/us_autos_232.toml")
    calls = count_factorisations(monkeypatch, eco.core)
    monkeypatch.setattr(solver, "BROYDEN", False)
    eco.base_lu = False
    eco.reset()
    eco.apply(sc)
    old, n_old = eco.solve(), len(calls)
    monkeypatch.setattr(solver, "BROYDEN", True)
    eco.base_lu = True
    kept = eco._base_factorisation()  # computed once, kept from now on
    calls.clear()
    eco.reset()
    eco.apply(sc)
    new = eco.solve()
    assert new.converged and new.max_residual <= solver.TOL
    # the full system's residuals at the new point, evaluated afresh
    assert np.max(np.abs(eco.core.residual(np.array(new.x), list(new.p)))) <= solver.TOL
    np.testing.assert_allclose(new.x, old.x, rtol=1e-10, atol=1e-12)  # x ~ 1 (indices)
    # the first steps used the kept benchmark factorisation: fewer new ones than the old
    # route, which factorised at its start point at least
    assert n_old >= 1 and len(calls) < n_old
    assert eco._base_factorisation() is kept
    # the kept factorisation follows the elasticities (the Jacobian depends on them)
    ela = eco.dataset.elasticities
    region, sector = ela.index[ela["sigma_m"] > 1.5][0]
    eco.set_elasticities({("sigma_m", region, sector): 1.5})
    assert eco._base_factorisation() is not kept
    eco.reset_elasticities()


def test_a_sweep_reuses_the_previous_members_factorisation_and_matches_solo_solves(world):
    eco = world
    base = eco.base_tariffs()
    cells = [k for k in base if k[1] == "USA" and k[2] == "AUTO"][:3]
    members = [{k: base[k] + d for k in cells} for d in (0.10, 0.12, 0.14)]
    eco.reset()
    chained = []
    for m in members:
        eco.set_tariffs(m)
        chained.append(np.array(eco.solve(reuse_lu=True).x))
        assert eco._kept_lu is not None  # kept for the next member
    eco.reset()
    assert eco._kept_lu is None  # a chunk starts afresh: results do not depend on the worker
    for m, x in zip(members, chained):
        eco.reset()
        eco.set_tariffs(m)
        solo = eco.solve()
        np.testing.assert_allclose(x, solo.x, rtol=1e-10, atol=1e-12)  # x ~ 1 (indices)


def test_below_the_threshold_a_kept_factorisation_gives_chord_steps_and_the_same_solutions(
        monkeypatch):
    """usjpn2024 (565 unknowns, below Broyden's threshold): a reuse_lu solve keeps its last
    factorisation and the next member's first steps are chord steps with it (the next solve
    factorises less often); the benchmark's factorisation is not made there (base_lu is
    from the threshold up); the solutions equal solo solves from the benchmark to 1e-10."""
    eco = cge.Economy(resolve_data("usjpn2024"))
    assert eco.core.n < solver.BROYDEN_MIN_UNKNOWNS
    base = eco.base_tariffs()
    k = next(k for k in base if k[:3] == ("JPN", "USA", "AUTO"))
    members = [{k: base[k] + d} for d in (0.25, 0.26, 0.27)]
    eco.reset()
    chained, lus = [], []
    calls = count_factorisations(monkeypatch, eco.core)
    for m in members:
        eco.set_tariffs(m)
        before = len(calls)
        chained.append(np.array(eco.solve(reuse_lu=True).x))
        lus.append(len(calls) - before)
        assert eco._kept_lu is not None
    assert getattr(eco, "_base_lu", None) is None
    assert lus[0] >= 1 and lus[2] < lus[0]  # one point away, the kept one is enough
    for m, x in zip(members, chained):
        eco.reset()
        eco.set_tariffs(m)
        np.testing.assert_allclose(x, eco.solve().x, rtol=1e-10, atol=1e-12)


def test_parameters_and_variables_read_in_one_pass_equal_pyomos_accessors():
    eco = cge.Economy(resolve_data("usjpn2024"))
    core = eco.core
    obj = core.param_objects[0]
    obj.set_value(2)  # an int: read back as the float 2.0
    p = core.params()
    assert p == [float(o.value) for o in core.param_objects] and p[0] == 2.0
    assert all(type(v) is float for v in p)
    x = core.x_from_model()
    assert np.array_equal(x, np.array([v.value for v in core.variables], dtype=float))
    core.variables[0].set_value(None)  # no value: NaN, as before
    assert np.isnan(core.x_from_model()[0])


def test_dropped_equations_and_outputs_are_evaluated_once_per_point_and_returned_as_copies():
    eco = cge.Economy(resolve_data("usjpn2024"))
    core = eco.core
    x, p = eco.x_base, core.params()
    a = core.output_values(x, p)
    a[:] = -1.0  # a caller's change must not reach the kept values
    b = core.output_values(x, p)
    assert not np.any(b == -1.0)
    # a different point is evaluated afresh: at the benchmark the dropped equation holds,
    # away from it (every variable 1% higher, a price level change) it need not
    assert np.max(np.abs(core.dropped_residuals(x, p))) < 1e-9
    moved = core.output_values(x * 1.01, p)
    assert not np.allclose(moved, b)


class _Splu:
    """A preconditioner with :class:`cge.core.LU`'s ``solve``: the LU of a nearby matrix."""

    def __init__(self, M):
        from scipy.sparse.linalg import splu

        self.lu = splu(M.tocsc())

    def solve(self, b):
        return self.lu.solve(b)


def test_krylov_solve_matches_a_direct_solve_and_says_when_it_cannot():
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    rng = np.random.default_rng(7)
    n = 200
    R = sp.random(n, n, density=0.03, random_state=rng, format="csc")
    J = (sp.identity(n, format="csc") * 4.0 + R).tocsc()
    b = rng.standard_normal(n)
    exact = spsolve(J, b)
    near = _Splu(J + sp.random(n, n, density=0.01, random_state=rng) * 0.2)  # a stale LU
    dx = solver.krylov_solve(J, near, b, 1e-12)
    assert dx is not None
    # the true residual meets the tolerance, and the solution is the direct one
    assert np.linalg.norm(b - J @ dx) <= 1e-12 * np.linalg.norm(b)
    np.testing.assert_allclose(dx, exact, rtol=1e-9, atol=1e-12)
    # a poor preconditioner (the identity) and one iteration cannot reach 1e-12: None, not a guess
    assert solver.krylov_solve(J, _Splu(sp.identity(n)), b, 1e-12, maxiter=1) is None
    assert np.array_equal(solver.krylov_solve(J, near, np.zeros(n), 1e-12), np.zeros(n))


def test_newton_krylov_solves_large_shocks_on_the_kept_factorisation(world, monkeypatch):
    # the 50% steel tariff moved too far for Broyden's steps alone: it used to factorise twice
    eco = world
    sc = cge.load_scenario("scenarios/us_steel_232_50.toml")
    monkeypatch.setattr(solver, "BROYDEN", False)
    monkeypatch.setattr(solver, "KRYLOV", False)
    eco.base_lu = False
    eco.reset()
    eco.apply(sc)
    old = eco.solve()
    monkeypatch.setattr(solver, "BROYDEN", True)
    monkeypatch.setattr(solver, "KRYLOV", True)
    eco.base_lu = True
    eco._base_factorisation()
    calls = count_factorisations(monkeypatch, eco.core)
    eco.reset()
    eco.apply(sc)
    new = eco.solve()
    assert new.converged and new.info.krylov_steps >= 1
    assert len(calls) == 0  # no factorisation beyond the benchmark's, kept from before
    assert np.max(np.abs(eco.core.residual(np.array(new.x), list(new.p)))) <= solver.TOL
    np.testing.assert_allclose(new.x, old.x, rtol=1e-10, atol=1e-12)


def test_the_benchmark_factorisation_is_made_only_when_a_step_needs_it(monkeypatch):
    eco = cge.Economy(resolve_data("world2024"))
    calls = count_factorisations(monkeypatch, eco.core)
    sol = eco.solve()  # at the benchmark: already solved, nothing to factorise
    assert sol.converged and sol.iterations == 0
    assert len(calls) == 0 and getattr(eco, "_base_lu", None) is None


def test_tangents_by_gmres_on_a_kept_factorisation_equal_the_direct_ones(world):
    from cge.path import tangents

    eco = world
    eco.reset()
    eco.apply(cge.load_scenario("scenarios/us_autos_232.toml"))
    sol = eco.solve()
    x, p = np.array(sol.x), np.array(sol.p)
    d = p - np.array(eco.base_params(p))
    (direct,), lu_new = tangents(eco.core, x, p, [d])  # factorised at the solution
    (kry,), lu_used = tangents(eco.core, x, p, [d], lu=eco._base_factorisation())
    assert lu_used is eco._base_factorisation()  # GMRES converged: no new factorisation
    np.testing.assert_allclose(kry, direct, rtol=1e-9, atol=1e-12 * np.max(np.abs(direct)))


def test_the_decomposition_at_scale_needs_no_factorisation_and_matches_the_exact_path(
        world, monkeypatch):
    from cge import path, welfare

    eco = world
    eco.reset()
    eco.apply(cge.load_scenario("scenarios/us_after_deals_2025.toml"))
    sol = eco.solve()
    eco._base_factorisation()
    calls = count_factorisations(monkeypatch, eco.core)
    fast = welfare.decompose(eco, sol)
    assert len(calls) == 0  # predictor, Newton-Krylov nodes, GMRES tangents on the kept LU
    # the reference: the small-system path (a factorisation at every node, Richardson's
    # derivative, iterative refinement), forced on this economy
    monkeypatch.setattr(path, "BROYDEN_MIN_UNKNOWNS", 10**9)
    exact = welfare.decompose(eco, sol)
    assert len(calls) >= 1
    ev = exact.summary["EV, regional"].abs().max()
    diff = (fast.summary - exact.summary).abs().to_numpy().max()
    assert diff <= 1e-7 * ev
    assert fast.identity_gap <= 1e-8 * ev


def test_the_path_predictor_is_exact_for_a_cubic_in_log_x():
    """cge.path's predictor: from two solved points the cubic Hermite interpolant of their
    values and slopes (in log x for positive variables), from one the tangent line. A cubic
    (a line) in log x, resp. in x for a variable that may be negative, is then predicted
    exactly at the next node; a step of more than a factor e in x is clipped to e."""
    from cge.path import _predict

    c = np.array([[0.1, -0.3, 0.7, 0.2], [-2.0, 1.5, -0.4, 0.9]])  # y = Σ c_k λ^k per variable
    y = lambda lam: c @ lam ** np.arange(4)  # noqa: E731
    dy = lambda lam: c[:, 1:] @ (np.arange(1, 4) * lam ** np.arange(3))  # noqa: E731
    positive = np.array([True, False])  # variable 0 is x = exp(y), variable 1 is x = y

    done = [(lam, y(lam), dy(lam)) for lam in (0.2, 0.45)]
    got = _predict(done, 0.7, positive)
    np.testing.assert_allclose(got, [np.exp(y(0.7)[0]), y(0.7)[1]], rtol=1e-13)
    line = [(0.2, c[:, 0] + 0.2 * c[:, 1], c[:, 1])]  # y = c0 + c1 λ: the tangent line is exact
    np.testing.assert_allclose(_predict(line, 0.7, positive),
                               [np.exp(c[0, 0] + 0.7 * c[0, 1]), c[1, 0] + 0.7 * c[1, 1]],
                               rtol=1e-13)
    far = [(0.0, np.zeros(2), np.array([10.0, 10.0]))]  # log x would move by 5: clipped to 1
    np.testing.assert_allclose(_predict(far, 0.5, positive), [np.e, 5.0], rtol=1e-15)


def test_a_solve_from_a_given_start_point():
    """Economy.solve(start=x): from the scenario's own solution there is nothing to do (no
    iteration, the same point); a start of the wrong length is one clear error."""
    eco = cge.Economy(resolve_data("usjpn2024"))
    base = eco.base_tariffs()
    k = next(k for k in base if k[:3] == ("JPN", "USA", "AUTO"))
    eco.set_tariffs({k: base[k] + 0.25})
    x = np.array(eco.solve().x)
    eco.reset()
    eco.set_tariffs({k: base[k] + 0.25})
    again = eco.solve(start=x)
    assert again.iterations == 0 and np.allclose(again.x, x, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match=f"start has 3 values; the model has {eco.core.n}"):
        eco.solve(start=np.ones(3))


def test_a_solve_that_does_not_write_the_model():
    """Economy.solve(write=False) (a sweep's): the same solution, bit for bit, as a solve that
    writes it, while the Pyomo variables keep the point they held (the benchmark here), so a
    later solve without a start still starts from there."""
    eco = cge.Economy(resolve_data("usjpn2024"))
    base = eco.base_tariffs()
    k = next(k for k in base if k[:3] == ("JPN", "USA", "AUTO"))
    eco.set_tariffs({k: base[k] + 0.25})
    quiet = eco.solve(write=False)
    assert quiet.iterations > 0
    np.testing.assert_array_equal(eco.core.x_from_model(), eco.x_base)  # untouched
    written = eco.solve()  # from the benchmark again, since nothing was written
    assert written.iterations == quiet.iterations
    np.testing.assert_array_equal(written.x, quiet.x)
    np.testing.assert_array_equal(eco.core.x_from_model(), written.x)
