"""Systematic sensitivity analysis: the quadrature's moments, the guards on elasticities, and
quadrature against Monte Carlo."""

import dataclasses

import numpy as np
import pytest
from conftest import POLICY, TWOCGE

import cge
from cge import sensitivity
from cge.closure import Closure

pytestmark = pytest.mark.three_region  # written for usjpn2024's numbers (conftest.py)

ABOLISH = """
name = "abolish"
[[shock]]
importer = "JPN"
exporters = ["USA"]
sectors = "all"
set_pct = 0
[[shock]]
importer = "USA"
exporters = ["JPN"]
sectors = "all"
set_pct = 0
"""


@pytest.mark.parametrize("n", [1, 2, 5, 6, 20])
def test_stroud_points_reproduce_moments_to_order_three(n):
    """Mean 0, identity covariance, all third moments 0: what makes the rule exact for every
    polynomial of degree <= 3 in independent symmetric unit-variance variables."""
    X = sensitivity.stroud3(n)
    assert X.shape == (2 * n, n)
    assert np.allclose(X.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(X.T @ X / (2 * n), np.eye(n), atol=1e-12)
    third = np.einsum("pi,pj,pk->ijk", X, X, X) / (2 * n)
    assert np.allclose(third, 0, atol=1e-12)


def test_elasticity_guards_and_benchmark_invariance():
    eco = cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB"))
    with pytest.raises(ValueError, match="Cobb–Douglas"):
        eco.set_elasticities({("sigma_va", "JPN", "BRD"): 2.0})
    with pytest.raises(ValueError, match="away from 1"):
        eco.set_elasticities({("sigma_m", "JPN", "BRD"): 1.0})
    with pytest.raises(ValueError, match="unknown elasticity"):
        eco.set_elasticities({("sigma_x", "JPN", "BRD"): 2.0})
    # calibrated share form: the benchmark solves the model for any elasticities
    eco.set_elasticities({("sigma_d", "JPN", "BRD"): 5.0, ("psi", "USA", "MLK"): 0.5})
    F = eco.core.residual(eco.x_base, eco.core.params())
    assert np.max(np.abs(F)) <= 1e-13
    eco.reset()
    assert eco.elasticities()[("sigma_d", "JPN", "BRD")] == 5.0  # reset keeps elasticities
    eco.reset_elasticities()
    assert eco.elasticities()[("sigma_d", "JPN", "BRD")] == 2.0


def test_higher_armington_elasticity_means_larger_trade_response():
    """Abolishing tariffs: with a larger σ_D, USA's imports of BRD from JPN grow more."""
    eco = cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB"))
    sc = cge.parse_scenario(ABOLISH)
    growth = []
    for sigma in (1.5, 4.0):
        eco.reset()
        eco.set_elasticities({("sigma_d", "USA", "BRD"): sigma})
        eco.apply(sc)
        eco.solve()
        growth.append(eco.model.ms["JPN", "USA", "BRD"].value)
    assert 1 < growth[0] < growth[1]


def test_quadrature_agrees_with_monte_carlo():
    """2N = 12 quadrature points against 1,500 seeded Monte Carlo draws (same distributions):
    means within 3 standard errors, standard deviations within 10%."""
    eco = cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB"))
    sc = cge.parse_scenario(ABOLISH)
    vary = {"sigma_d": 0.5, "sigma_m": 0.5, "psi": 0.5}
    q = sensitivity.ssa(eco, sc, vary)
    assert len(q.points) == 12 and not q.failed
    mc = sensitivity.ssa(eco, sc, vary, method="montecarlo", draws=1500, seed=1)
    for r in ("JPN", "USA"):
        mq, sq = q.ev().loc[r, ["mean", "sd"]]
        mm, sm = mc.ev().loc[r, ["mean", "sd"]]
        assert abs(mq - mm) <= 3 * sm / np.sqrt(1500)
        assert sq == pytest.approx(sm, rel=0.10)
        assert sm > 0
    # the economy is left at the scenario with the data's elasticities
    assert eco.elasticities()[("sigma_d", "USA", "BRD")] == 2.0
    assert eco.model.tm["JPN", "USA", "BRD"].value == 0.0


def test_cet_elasticity_may_be_one():
    """ψ = 1 is an ordinary CET frontier (the formula's singularity is at ψ = −1): allowed, and
    the benchmark still solves the model."""
    eco = cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB"))
    eco.set_elasticities({("psi", "USA", "MLK"): 1.0})
    assert np.max(np.abs(eco.core.residual(eco.x_base, eco.core.params()))) <= 1e-13
    with pytest.raises(ValueError, match="must be finite, > 0"):
        eco.set_elasticities({("psi", "USA", "MLK"): 0.0})


def test_ssa_of_a_scenario_with_instruments_and_a_revenue_rule_solves_it_as_cge_run_at_every_point():
    """The study solves every point under the scenario's closure (revenue rule, swap) with its
    instrument shock. Its point result is cge run's (<= 1e-10); with a spread of 1e-7 the
    quadrature's mean is too (Stroud's points are symmetric: the first-order terms cancel, the
    rest is ~1e-14 of the result), and far from the same tariffs alone (the instrument and the
    rule are applied at every point, not only at the mean)."""
    from cge.sensitivity_study import study

    sc = cge.parse_scenario(POLICY)
    ref = cge.run(sc).summary["ev"]
    st = study(sc, widths={"sigma_m": 1e-7})
    ev = st.tables["ssa_summary"].xs("EV", level="measure").droplevel("item").loc[ref.index]
    assert len(st.tables["ssa_points"]) == 20  # 10 sectors' sigma_m: 2N points
    np.testing.assert_allclose(ev["point"].to_numpy(), ref.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(ev["mean"].to_numpy(), ref.to_numpy(), rtol=1e-8)
    tariffs_only = cge.run(dataclasses.replace(sc, instruments=(), revenue=None, swaps=()))
    assert np.max(np.abs(tariffs_only.summary["ev"].to_numpy() - ev["mean"])) > 100
    # the economy is left at the scenario: its instrument set, its closure
    eco = st.economy
    assert eco.model.endow["USA", "CAP"].value == pytest.approx(1.02)
    assert eco.closure.revenue == "household" and eco.closure.swaps == sc.swaps


def test_a_study_with_points_that_do_not_solve_reports_no_moments(monkeypatch):
    """Issue 15: moments were computed from the points that solved, the failures dropped, so
    the point estimate could fall outside its own interval. Now the study fails, naming the
    points, and the economy is back at the scenario's solution."""
    from cge.solver import SolveError, SolveInfo

    eco = cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB"))
    sc = cge.parse_scenario(ABOLISH)
    real, calls = cge.Economy.solve, []

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) in (3, 5):  # two of the quadrature points
            raise SolveError("the model did not solve", SolveInfo("newton", False, 50, 1.0), [])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cge.Economy, "solve", flaky)
    with pytest.raises(sensitivity.IncompleteStudy, match=r"2 of 4 sensitivity points did not "
                       r"solve, so no moments are reported \(point 1 \(sigma_d\[BRD\] -41%, "
                       r"sigma_d\[MLK\] \+0%\)"
                       ) as exc:
        sensitivity.ssa(eco, sc, {"sigma_d": 0.5})
    assert exc.value.failed == [1, 3]
    monkeypatch.undo()
    assert eco.solution is not None and eco.solution.info.converged


@pytest.mark.parametrize("draws", [0, 1])
def test_monte_carlo_needs_two_draws(draws):
    eco = cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB"))
    with pytest.raises(ValueError, match="draws must be at least 2"):
        sensitivity.ssa(eco, cge.parse_scenario(ABOLISH), {"sigma_d": 0.5},
                        method="montecarlo", draws=draws)
