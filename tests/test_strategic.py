"""Optimal tariffs, Nash tariff wars and bargaining (cge.strategic).

Independent references: the optimal tariff of the one-good, labour-only, two-country Armington
model with revenue rebated (the inverse elasticity of the partner's export supply, Johnson 1953;
Costinot & Rodríguez-Clare 2014, eq. for t* = 1/(ε λ')), computed from a hand reduction of that
model (brentq, no model code); finite differences of re-solved equilibria for the gradient; the
symmetry of a symmetric game.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

import cge
from cge import strategic
from cge.strategic.games import best_responses


def _write_two_country(folder, sigma, lam_a, m=20.0, d_b=180.0, t0=0.0):
    """Two countries A, B; one good (each country's own variety: Armington), labour only, no
    intermediates, no saving; A spends a share ``lam_a`` of its income on its own good, B
    ``d_b / (d_b + m)``; trade ``m`` each way at world prices 1; A's base tariff ``t0``, B's 0;
    10% of each country's spending is government consumption (the regional household splits
    income in fixed shares between C and G, both buying the same composite: welfare is real
    income ``Y/P``)."""
    d_a = lam_a / (1 - lam_a) * m * (1 + t0)
    lab_a, spend_a = d_a + m, d_a + m * (1 + t0)
    lab_b = spend_b = d_b + m
    g_a, g_b = 0.10 * spend_a, 0.10 * spend_b
    rows = [("A", "LAB", "GOOD", lab_a), ("A", "B", "GOOD", m), ("A", "TRF", "GOOD", t0 * m),
            ("A", "GOOD", "HOH", spend_a - g_a), ("A", "GOOD", "GOV", g_a),
            ("A", "GOOD", "B", m), ("A", "HOH", "LAB", lab_a),
            ("A", "GOV", "HOH", g_a - t0 * m), ("A", "GOV", "TRF", t0 * m),
            ("B", "LAB", "GOOD", lab_b), ("B", "A", "GOOD", m),
            ("B", "GOOD", "HOH", spend_b - g_b), ("B", "GOOD", "GOV", g_b),
            ("B", "GOOD", "A", m), ("B", "HOH", "LAB", lab_b), ("B", "GOV", "HOH", g_b)]
    folder.mkdir()
    (folder / "sam.csv").write_text("region,row,col,value\n" + "".join(
        f"{r},{a},{b},{v!r}\n" for r, a, b, v in rows if v != 0))
    (folder / "trade.csv").write_text("exporter,importer,sector,value,tariff_pct\n"
                                      f"A,B,GOOD,{m!r},0\nB,A,GOOD,{m!r},{100 * t0!r}\n")
    (folder / "elasticities.csv").write_text("sector,sigma_va,sigma_d,sigma_m,psi,source\n"
                                             f"GOOD,1,{sigma!r},{sigma!r},,test value\n")
    (folder / "meta.toml").write_text('name = "two"\nunit = "unit"\nreference_region = "B"\n'
                                      'regions = ["A", "B"]\nsectors = ["GOOD"]\n'
                                      'factors = ["LAB"]\n')
    return folder


def _b_import_share(sigma, lam_a, t, m=20.0, d_b=180.0, t0=0.0):
    """B's import share of spending when A's tariff is ``t`` (hand reduction of the model:
    B's good the numeraire, A's good at world price ``pa``; CES shares in calibrated form;
    A's spending ``Y_A = pa L_A / (1 − t/(1+t) s_A)`` (revenue rebated); balanced trade
    ``s_A Y_A/(1+t) = s_B Y_B`` pins ``pa``)."""
    d_a = lam_a / (1 - lam_a) * m * (1 + t0)
    lab_a, y0 = d_a + m, d_a + m * (1 + t0)
    lab_b = d_b + m
    s_a0, s_b0 = m * (1 + t0) / y0, m / lab_b
    gross = (1 + t) / (1 + t0)

    def shares(pa):
        price_a = ((1 - s_a0) * pa ** (1 - sigma) + s_a0 * gross ** (1 - sigma)) ** (1 / (1 - sigma))
        s_a = s_a0 * (gross / price_a) ** (1 - sigma)
        price_b = ((1 - s_b0) + s_b0 * pa ** (1 - sigma)) ** (1 / (1 - sigma))
        s_b = s_b0 * (pa / price_b) ** (1 - sigma)
        y_a = pa * lab_a / (1 - t / (1 + t) * s_a)
        return s_b, s_a * y_a / (1 + t) - s_b * lab_b

    pa = brentq(lambda p: shares(p)[1], 0.05, 20.0, xtol=1e-15, rtol=1e-15)
    return shares(pa)[0]


def _crc_tariff(sigma, lam_a, **kw):
    """The fixed point t = 1 / ((σ − 1) λ'(t)), λ' = 1 − B's import share at A's tariff t."""
    return brentq(lambda t: t - 1 / ((sigma - 1) * (1 - _b_import_share(sigma, lam_a, t, **kw))),
                  1e-6, 50.0, xtol=1e-14, rtol=1e-14)


@pytest.mark.parametrize("sigma,lam_a,t0", [(3.0, 0.8, 0.0), (5.0, 0.6, 0.10), (2.0, 0.9, 0.0)])
def test_optimal_tariff_is_the_inverse_export_supply_elasticity(tmp_path, sigma, lam_a, t0):
    """Costinot & Rodríguez-Clare (2014): with one good per country (Armington), labour only,
    balanced trade and tariff revenue rebated, A's welfare Y_A/P_A is maximised at
    t* = 1/(ε λ'), ε = σ − 1, λ' B's domestic expenditure share at the optimum.

    Derivation: B's exports (its good, the numeraire) are X_B = s_B L_B with
    s_B = b p_A^{1−σ} / (a + b p_A^{1−σ}); B's terms of trade π = 1/p_A give
    d ln X_B / d ln π = (σ − 1)(1 − s_B) = ε λ', and the optimal tariff of a country facing
    an export supply of elasticity η is 1/η (Johnson 1953). The model meets the assumptions:
    one sector (σ_D = σ_M = σ, only one import source), value added of labour only
    (no intermediates: output = endowment), perfect transformation between home and export
    sales (ψ = ∞), no saving or investment (fixed foreign saving of 0: trade balanced), and
    the regional household's fixed C/G shares of income make EV the real income change
    (tests/test_regional_household.py)."""
    eco = cge.Economy(_write_two_country(tmp_path / "two", sigma, lam_a, t0=t0))
    opt = strategic.optimal_tariff(eco, "A", "uniform")
    assert opt.rates["all"] == pytest.approx(_crc_tariff(sigma, lam_a, t0=t0), abs=1e-6)
    assert np.max(np.abs(opt.projected_gradient)) <= 1e-8
    assert opt.residual <= 1e-9


def test_ift_gradient_matches_finite_differences_of_resolved_equilibria():
    """The adjoint gradient of regional and household EV with respect to per-sector controls
    equals central differences of EV computed by re-solving the model (cge.run's path:
    set_tariffs, solve, the EV indicators), away from any optimum."""
    from synth import make_dataset

    eco = cge.Economy(make_dataset(3, 3, seed=2))
    ins = strategic.instrument(eco, "R0", "sector")
    x0, p0 = np.array(eco.x_base), np.array(eco.p_base)
    u = np.array([0.08, 0.20, 0.12])[:len(ins)]
    for objective, name in [("regional", "ev"), ("household", "ev_household")]:
        eq = strategic.Equilibria(eco, x0, p0)
        ctl = strategic.Controls(eco, [ins], p0)
        eq.at(ctl.params(u))
        rows = eq.welfare_rows(["R0", "R1"], objective)
        g = eq.gradient(rows, ctl.D)

        def ev(v, name=name):
            eco.reset()
            eco.set_tariffs({c: float(r) for grp, r in zip(ins.groups, v) for c in grp})
            sol = eco.solve()
            return np.asarray(cge.indicators.compute(eco, sol, [name])[name])[:2]

        h = 1e-4
        for k in range(len(ins)):
            e = np.zeros(len(ins))
            e[k] = h
            fd = (ev(u + e) - ev(u - e)) / (2 * h)
            assert g[:, k] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_partial_parameter_stage_gives_the_full_reruns_derivatives_bit_for_bit():
    """∂F/∂p·d from the partial parameter stage (only the instructions that depend on the
    moved tariffs rerun) equals cge.path.parameter_derivative, which reruns the whole stage,
    to the last bit: the same operations on the same operands (per-sector and mixed
    directions, away from the base point); the point's own stage is left as it was; the EV
    gradient of a subset of regions is those regions' rows of the full one."""
    from synth import make_dataset

    from cge.core import compile_model
    from cge.path import parameter_derivative
    from cge.strategic.optimum import _PartialStage, derivatives
    from cge.welfare import ev_gradient

    eco = cge.Economy(make_dataset(3, 3, seed=2))
    core = eco.core = compile_model(eco.model, backend="vector")  # default from 200 rows
    ins = strategic.instrument(eco, "R1", "sector")
    x, p0 = core.x_from_model(), np.array(core.params())
    ctl = strategic.Controls(eco, [ins], p0)
    p = ctl.params(np.array([0.08, 0.20, 0.12])[:len(ins)])
    D = np.vstack([ctl.D, ctl.D[0] - 2.0 * ctl.D[-1]])
    w_before = core._w(p.tolist()).copy()
    got = derivatives(core, x, p, D)
    want = np.column_stack([parameter_derivative(core, x, p, d) for d in D])
    assert np.abs(want).max() > 1e-3  # the tariffs move some residuals
    assert np.array_equal(got, want)
    assert np.array_equal(core._w(p.tolist()), w_before)
    stage = _PartialStage.of(core, np.any(D != 0, axis=0))
    assert 0 < len(stage.steps) < len(core.program._prepare())  # a part of the stage reran
    full = ev_gradient(eco, x, p)
    assert np.array_equal(ev_gradient(eco, x, p, ["R2", "R0"]), full[[2, 0]])


def test_optimum_by_partner_passes_the_gradient_test_and_beats_its_neighbours():
    """usjpn2024, Japan's optimal tariff by partner (USA, ROW): the projected gradient is ~0,
    residuals ≤ 1e-9, and no feasible move of ±1 point in any control raises Japan's EV
    (each neighbour re-solved independently with Economy.solve)."""
    eco = cge.Economy("usjpn2024")
    opt = strategic.optimal_tariff(eco, "JPN", "partner")
    assert opt.residual <= 1e-9
    assert np.max(np.abs(opt.projected_gradient)) <= 1e-7
    u = np.array(list(opt.rates.values()))
    assert np.all(u > 0) and np.all(u < strategic.BOUNDS[1])
    jpn = list(eco.benchmark.regions).index("JPN")
    for k in range(len(u)):
        for step in (-0.01, 0.01):
            v = u.copy()
            v[k] += step
            eco.reset()
            eco.set_tariffs({c: float(r) for g, r in zip(opt.instrument.groups, v) for c in g})
            sol = eco.solve()
            assert np.asarray(cge.indicators.compute(eco, sol, ["ev"])["ev"])[jpn] < opt.welfare


def test_symmetric_countries_fight_a_symmetric_war_and_both_lose(tmp_path):
    """Two identical countries: the Nash equilibrium is symmetric, each rate is its own best
    response (projected gradient ~0, no gain from deviating), and both are worse off than
    under free trade (the war's terms-of-trade gains cancel; the distortions remain). The
    bargaining solution with the war as threat point is the symmetric efficient point: free
    trade (it maximises the equally weighted sum in a symmetric world)."""
    eco = cge.Economy(_write_two_country(tmp_path / "sym", 3.0, 0.9, d_b=180.0))
    war = strategic.nash(eco, ["A", "B"])
    ta, tb = war.rates["A"]["all"], war.rates["B"]["all"]
    assert ta == pytest.approx(tb, abs=1e-5) and ta > 0.1
    assert war.residual <= 1e-9
    for r in "AB":
        assert abs(war.projected_gradient[r][0]) <= 1e-6
        assert abs(war.deviation_gain[r]) <= 1e-8
        assert war.ev[r] < war.ev_free_trade[r] - 1e-3
    assert war.ev["A"] == pytest.approx(war.ev["B"], rel=1e-5)
    fr = strategic.frontier(eco, ["A", "B"], points=5, war=war)
    assert fr.bargain["rates"]["A:all"] == pytest.approx(0.0, abs=1e-6)
    assert fr.bargain["rates"]["B:all"] == pytest.approx(0.0, abs=1e-6)
    # the frontier is Pareto-ordered: moving weight from A to B never raises A's EV
    assert np.all(np.diff(fr.points["A"]) <= 1e-9) and np.all(np.diff(fr.points["B"]) >= -1e-9)


def test_best_response_curves_cross_at_the_war_and_mirror_each_other(tmp_path):
    """By the definition of a Nash equilibrium, each player's best response to the other's war
    rate is its own war rate: the curves cross at the war. With identical countries the two
    curves are the same function. And a best response to free trade is a positive tariff: a
    large country's optimal tariff (t* = 1/(ε λ') > 0)."""
    eco = cge.Economy(_write_two_country(tmp_path / "sym", 3.0, 0.9, d_b=180.0))
    war = strategic.nash(eco, ["A", "B"])
    t = war.rates["A"]["all"]
    br = best_responses(eco, war, grid=[0.0, t, 2 * t])
    assert br.regions == ["A", "B"]
    np.testing.assert_allclose(br.response[:, 1], [t, war.rates["B"]["all"]], atol=1e-6)
    np.testing.assert_allclose(br.response[0], br.response[1], atol=1e-6)
    assert br.response[0, 0] > 0.1


def test_small_country_keeps_the_armington_market_power_and_loses_it_with_homogeneity(tmp_path):
    """As A shrinks (its trade a vanishing share of B's spending) λ' → 1, so t* falls towards
    1/(σ − 1), not to 0: with national product differentiation a small country still faces a
    finite export demand elasticity σ − 1 (Gros 1987). t* → 0 when the varieties become
    perfect substitutes (σ → ∞), the small-open-economy case of homogeneous goods."""
    sigma = 3.0
    rates = []
    for k, d_b in enumerate([180.0, 1800.0, 180000.0]):
        eco = cge.Economy(_write_two_country(tmp_path / f"s{k}", sigma, 0.5, d_b=d_b))
        rates.append(strategic.optimal_tariff(eco, "A").rates["all"])
    assert rates[0] > rates[1] > rates[2] > 1 / (sigma - 1)
    assert rates[2] == pytest.approx(1 / (sigma - 1), abs=1e-3)
    sig = []
    for k, sigma in enumerate([5.0, 20.0, 80.0]):
        eco = cge.Economy(_write_two_country(tmp_path / f"h{k}", sigma, 0.5, d_b=180000.0))
        sig.append(strategic.optimal_tariff(eco, "A").rates["all"])
    assert sig[0] > sig[1] > sig[2]
    assert sig[2] == pytest.approx(1 / 79, rel=1e-3)


def test_bad_instruments_are_refused_in_one_line(tmp_path):
    eco = cge.Economy(_write_two_country(tmp_path / "two", 3.0, 0.8))
    with pytest.raises(strategic.StrategicError, match="unknown region 'C'"):
        strategic.instrument(eco, "C")
    with pytest.raises(strategic.StrategicError, match="unknown instrument 'bogus'"):
        strategic.instrument(eco, "A", "bogus")
    with pytest.raises(strategic.StrategicError, match="instrument cell 'B/CARS'"):
        strategic.instrument(eco, "A", "cells:B/CARS")
    with pytest.raises(strategic.StrategicError, match="unknown objective"):
        strategic.optimal_tariff(eco, "A", objective="gdp")


def test_cli_optimal_writes_the_closed_form_rate_and_metadata(tmp_path):
    """`cge optimal` on the two-country data (an empty scenario: the base year) writes the
    optimal rate of the closed form in rates.csv, EV by region and the world, trade, and
    metadata naming the problem; a bad region is one line and exit code 2, nothing written."""
    import json

    import pandas as pd
    from click.testing import CliRunner

    from cge.cli import main

    data = _write_two_country(tmp_path / "two", 3.0, 0.8)
    (tmp_path / "empty.toml").write_text('name = "base"\n')
    out = tmp_path / "opt"
    res = CliRunner().invoke(main, ["optimal", str(tmp_path / "empty.toml"), "--data", str(data),
                                    "--region", "A", "--out", str(out)])
    assert res.exit_code == 0, res.output
    rates = pd.read_csv(out / "rates.csv")
    assert rates.loc[0, "optimal_pct"] / 100 == pytest.approx(_crc_tariff(3.0, 0.8), abs=1e-6)
    welfare = pd.read_csv(out / "welfare.csv")
    ev = welfare[(welfare.point == "optimum") & (welfare.measure == "ev")].set_index("region")
    assert ev.loc["world", "value"] == pytest.approx(ev.loc["A", "value"] + ev.loc["B", "value"])
    assert ev.loc["A", "value"] > 0 > ev.loc["B", "value"]  # terms-of-trade gain at B's cost
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["strategic"]["problem"] == "optimal" and meta["strategic"]["region"] == "A"
    assert (out / "trade.csv").is_file()
    bad = CliRunner().invoke(main, ["optimal", str(tmp_path / "empty.toml"), "--data", str(data),
                                    "--region", "C", "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "unknown region 'C'" in bad.output
    assert not (tmp_path / "bad").exists()


def test_loose_first_rounds_reach_the_war_of_full_precision_best_responses(monkeypatch):
    """A by-sector war on a synthetic 3-region world: the first rounds' loose best responses
    (cge.strategic.games.LOOSE) end at the war that best responses at full precision from the
    start reach (rates within the war's tolerance), and each player's projected gradient
    there is ~0 (its first-order condition of a Nash equilibrium)."""
    from synth import make_dataset

    from cge.strategic import games

    eco = cge.Economy(make_dataset(3, 3, seed=2))
    war = strategic.nash(eco, ["R0", "R1"], "sector")
    for r in ("R0", "R1"):
        assert np.max(np.abs(war.projected_gradient[r])) <= 1e-6
    assert np.max(np.abs(war.history[-1] - war.history[-2])) <= 1e-6
    monkeypatch.setattr(games, "LOOSE", {})
    monkeypatch.setattr(games, "LOOSE_CHANGE", np.inf)
    eco.reset()
    eco.solve()
    full = strategic.nash(eco, ["R0", "R1"], "sector")
    assert np.max(np.abs(full.u - war.u)) <= 1e-5
    assert np.max(np.abs(full.u)) > 0.01  # a war, not free trade
