"""The regional household (GTAP's welfare measure) and foreign saving fixed in real terms.

Independent references: the one-good, labour-only, two-country Armington model reduced by hand
to one equation (solved with brentq, no model code), and invariance of every real result to
the choice of reference region and numeraire (a property of any correct real closure)."""

import numpy as np
import pytest
from scipy.optimize import brentq

import cge
from cge import welfare

DEFAULT_NAMES = ["ev", "ev_household", "real_gdp_pct", "terms_of_trade_pct", "utility",
                 "world_ev", "world_real_gdp_pct", "world_trade_volume_pct", "trade_volume",
                 "output_pct", "imports_volume_pct"]


def _write_two_country(folder, sigma, lam, t0, m=20.0, d_b=180.0, inv=0.0):
    """A two-country, one-good, labour-only data set: A buys a share ``lam`` of its spending
    from home, imports ``m`` (world value) from B at tariff ``t0``; trade is balanced (B
    imports ``m`` from A, duty free); 10% of each country's spending is government, a share
    ``inv`` investment (none by default: the exact case has no saving)."""
    d_a = lam / (1 - lam) * m * (1 + t0)
    lab_a, spend_a = d_a + m, d_a + m * (1 + t0)
    g_a, i_a = 0.10 * spend_a, inv * spend_a
    td_a = g_a - t0 * m
    lab_b, spend_b = d_b + m, d_b + m
    g_b, i_b = 0.10 * spend_b, inv * spend_b
    rows = [("A", "LAB", "GOOD", lab_a), ("A", "B", "GOOD", m), ("A", "TRF", "GOOD", t0 * m),
            ("A", "GOOD", "HOH", spend_a - g_a - i_a), ("A", "GOOD", "GOV", g_a),
            ("A", "GOOD", "INV", i_a), ("A", "GOOD", "B", m), ("A", "HOH", "LAB", lab_a),
            ("A", "GOV", "HOH", td_a), ("A", "GOV", "TRF", t0 * m), ("A", "INV", "HOH", i_a),
            ("B", "LAB", "GOOD", lab_b), ("B", "A", "GOOD", m),
            ("B", "GOOD", "HOH", spend_b - g_b - i_b), ("B", "GOOD", "GOV", g_b),
            ("B", "GOOD", "INV", i_b), ("B", "GOOD", "A", m), ("B", "HOH", "LAB", lab_b),
            ("B", "GOV", "HOH", g_b), ("B", "INV", "HOH", i_b)]
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
    return lab_a, spend_a, lab_b


def _real_income_change(sigma, lam, t0, t, m=20.0, d_b=180.0):
    """A's real income Y/P after its tariff goes from t0 to t, relative to the base (exact
    hat algebra, world prices, B's good the numeraire). A's spending Y = p_A L_A + tariff
    revenue; CES shares; trade balanced."""
    d_a = lam / (1 - lam) * m * (1 + t0)
    lab_a, y0 = d_a + m, d_a + m * (1 + t0)
    lab_b = d_b + m
    s_m0 = m * (1 + t0) / y0              # A's import share of spending, base
    s_b0 = m / lab_b                      # B's import share, base (no tariff)
    gross = (1 + t) / (1 + t0)            # A's import price relative to base (p_B = 1)

    def solve_for(pa):
        pa_ = pa ** (1 - sigma)
        price_a = ((1 - s_m0) * pa_ + s_m0 * gross ** (1 - sigma)) ** (1 / (1 - sigma))
        share_a = s_m0 * (gross / price_a) ** (1 - sigma)
        y_a = pa * lab_a / (1 - t / (1 + t) * share_a)
        price_b = ((1 - s_b0) + s_b0 * pa_) ** (1 / (1 - sigma))
        share_b = s_b0 * (pa / price_b) ** (1 - sigma)
        return y_a, price_a, share_a * y_a / (1 + t) - share_b * lab_b

    pa = brentq(lambda p: solve_for(p)[2], 0.2, 5.0, xtol=1e-15, rtol=1e-15)
    y_a, price_a, _ = solve_for(pa)
    return y_a / price_a / y0


@pytest.mark.parametrize("sigma,lam,t0,t", [(3.0, 0.8, 0.05, 0.25), (1.5, 0.5, 0.0, 0.4),
                                            (8.0, 0.95, 0.10, 0.0), (2.0, 0.7, 0.20, 0.05)])
def test_ev_is_the_exact_real_income_change_in_one_good_armington(tmp_path, sigma, lam, t0, t):
    """With income split in fixed shares (GTAP's regional household, the default revenue
    rule) and no saving, the regional EV of the one-good Armington model is A's real income
    change exactly, whatever the government's share."""
    _write_two_country(tmp_path / "two", sigma, lam, t0)
    eco = cge.Economy(tmp_path / "two")
    assert eco.closure.revenue == "regional_household"
    eco.set_tariffs({("B", "A", "GOOD"): t})
    sol = eco.solve()
    ev = dict(zip(eco.benchmark.regions, cge.indicators.compute(eco, sol, ["ev"])["ev"]))
    y0 = welfare.income(eco.benchmark, "A")
    assert 1 + ev["A"] / y0 == pytest.approx(_real_income_change(sigma, lam, t0, t), abs=1e-10)
    # the decomposition adds up and has no spending-mix term: the shares never move
    dec = welfare.decompose(eco, sol)
    assert abs(dec.summary.loc["A", "residual"]) <= 1e-6 * abs(ev["A"])
    assert abs(dec.summary.loc["A", "spending mix"]) <= 1e-9 * y0


def test_the_government_rule_counts_the_shift_to_government_spending(tmp_path):
    """The same shock with tariff revenue spent by the government: the utility function is
    the same, but spending moves from the base shares towards G, which the spending-mix term
    counts as a loss; EV then falls short of the real-income change by that term."""
    _write_two_country(tmp_path / "two", 3.0, 0.8, 0.05)
    eco = cge.Economy(tmp_path / "two", cge.CLOSURES["long_run"].with_(revenue="government"))
    eco.set_tariffs({("B", "A", "GOOD"): 0.25})
    sol = eco.solve()
    dec = welfare.decompose(eco, sol)
    y0 = welfare.income(eco.benchmark, "A")
    exact = _real_income_change(3.0, 0.8, 0.05, 0.25) - 1
    ev = dec.summary.loc["A", "EV, regional"]
    assert dec.summary.loc["A", "spending mix"] < 0
    assert ev / y0 < exact
    # what EV misses is the spending mix, up to the second-order κ (real income, not money)
    assert (ev - dec.summary.loc["A", "spending mix"]) / y0 == pytest.approx(exact, rel=0.05)


def _real(eco, sol):
    out = cge.indicators.compute(eco, sol, DEFAULT_NAMES)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


@pytest.fixture(scope="module")
def baseline():
    return cge.load_scenario("scenarios/bilateral/us_baseline_10.toml")


@pytest.mark.parametrize("closure", ["long_run", "short_run"])
def test_real_results_do_not_depend_on_reference_region_or_numeraire(baseline, closure):
    """Foreign saving fixed in real terms: changing the reference region and the numeraire
    rescales nominal values only; every real result is equal to 1e-10."""
    base = cge.CLOSURES[closure]
    ref = None
    cases = [("USA", "cpi"), ("JPN", "cpi"), ("ROW", "cpi")]
    if closure == "long_run":  # the short run's wage is fixed in CPI units: a real assumption
        cases += [("JPN", "CAP"), ("USA", "LAB")]
    for region, num in cases:
        eco = cge.Economy(None, base.with_(reference_region=region, numeraire=num))
        eco.apply(baseline)
        got = _real(eco, eco.solve())
        if ref is None:
            ref = got
            continue
        for k, v in got.items():
            scale = np.nanmax(np.abs(ref[k])) or 1.0
            assert np.nanmax(np.abs(v - ref[k])) <= 1e-10 * max(scale, 1.0), (region, num, k)


def test_nominal_foreign_saving_depends_on_the_reference_region(baseline):
    """The control: foreign saving fixed in one region's currency is a different real
    closure for each reference region (the reason the default fixes it in real terms)."""
    evs = []
    for region in ("USA", "JPN"):
        eco = cge.Economy(None, cge.CLOSURES["nominal_foreign_saving"].with_(
            reference_region=region))
        eco.apply(baseline)
        evs.append(_real(eco, eco.solve())["ev"])
    assert np.max(np.abs(evs[0] - evs[1]) / np.abs(evs[0])) > 1e-3
