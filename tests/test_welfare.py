"""Regional EV and its decomposition: the parts add up, and each part has the size theory says."""

import numpy as np
import pytest
from conftest import ONE_GOOD

import cge
from cge import welfare
from cge.model import scale


@pytest.fixture(scope="module")
def autos():
    eco = cge.Economy()
    res = cge.run("scenarios/us_autos_232.toml", economy=eco)
    return eco, res, welfare.decompose(eco)


def test_parts_add_up_to_ev(autos):
    eco, _, dec = autos
    ev = welfare.regional_ev(eco.model, eco.benchmark)
    m, b = eco.model, eco.benchmark
    for r in eco.dataset.regions:
        # EV by hand (GTAP's regional household): Cobb-Douglas over C, G and real national
        # saving (investment spending less foreign saving, over the investment price index),
        # weights the base shares of income C0 + G0 + NS0
        c0, g0 = b.total(b.C, r), b.total(b.G, r)
        ns0 = b.total(b.I, r) - b.FS[r]
        y0 = c0 + g0 + ns0
        log_u = sum(v / y0 * np.log(m.c[k].value) for k, v in b.C.items() if k[0] == r)
        log_u += sum(v / y0 * np.log(m.g[k].value) for k, v in b.G.items() if k[0] == r)
        spend = sum(v * m.pq[k].value * m.inv[k].value for k, v in b.I.items() if k[0] == r)
        fs = m.fsv[r].value * scale(b.SAV[r], b.YH[r])  # fsv is relative to that scale
        ns = spend - m.eps[r].value * fs
        log_pi = sum(v / b.total(b.I, r) * np.log(m.pq[k].value) for k, v in b.I.items()
                     if k[0] == r)
        log_u += ns0 / y0 * (np.log(ns / ns0) - log_pi)
        assert ev[r] == pytest.approx(y0 * (np.exp(log_u) - 1), rel=1e-9)
        # EV from utilities, the parts from the path integral: independent routes
        parts = dec.summary.loc[r, list(welfare.COMPONENTS)].sum()
        assert abs(ev[r] - parts) <= 1e-6 * abs(ev[r])
    # the decomposition's identity holds at every node (rounding only)
    assert dec.identity_gap <= 1e-8 * max(abs(v) for v in ev.values())
    # the detail table adds up to the summary
    tot = dec.detail.groupby(["region", "component"])["value"].sum()
    assert tot["USA", "tariffs"] == pytest.approx(dec.summary.loc["USA", "tariffs"], rel=1e-12)


def test_autos_tariff_signs_and_closure_terms(autos):
    eco, _, dec = autos
    s = dec.summary
    # the US taxes autos from Japan: an efficiency loss on the taxed flow, a terms-of-trade
    # gain for the importer and a loss for the exporter (Japan's export price falls)
    d = dec.detail.set_index(["region", "component", "sector", "partner"])["value"]
    assert d["USA", "tariffs", "AUTO", "JPN"] < 0
    assert s.loc["USA", "terms of trade"] > 0
    assert s.loc["JPN", "terms of trade"] < 0
    # default closure: endowments fixed, income split in fixed shares -> those parts are zero
    assert s["endowments"].abs().max() <= 1e-9 * s["EV, regional"].abs().max()
    assert s["spending mix"].abs().max() <= 1e-9 * s["EV, regional"].abs().max()
    # investment-savings: FS (ε dPI/PI − dε), zero only without foreign saving
    assert (s["investment-savings"].abs() > 1.0).all()


def test_small_tariff_allocative_term_is_the_trapezoid():
    """A raises its tariff on B's good from 5% to 6%. To second order the allocative term is
    ∫ t dM ≈ (t0 + Δt/2)·ΔM, with M valued at world prices (≈ 1 in the benchmark)."""
    eco = cge.Economy(ONE_GOOD)
    eco.set_tariffs({("B", "A", "GOOD"): 0.06})
    eco.solve()
    dec = welfare.decompose(eco)
    m, b = eco.model, eco.benchmark
    dm = b.MS["B", "A", "GOOD"] * (m.ms["B", "A", "GOOD"].value - 1)
    assert dm < 0
    hand = (0.05 + 0.01 / 2) * dm
    assert dec.summary.loc["A", "tariffs"] == pytest.approx(hand, rel=0.02)
    assert dec.summary.loc["A", "terms of trade"] > 0 > dec.summary.loc["B", "terms of trade"]


def test_endowment_growth_is_the_endowment_term():
    """1% more labour in the USA: to first order the endowment term is 1% of base labour income."""
    eco = cge.Economy()
    eco.model.endow["USA", "LAB"] = 1.01
    eco.solve()
    dec = welfare.decompose(eco)
    b = eco.benchmark
    lab = sum(v for (r, f, _), v in b.F.items() if r == "USA" and f == "LAB")
    assert dec.summary.loc["USA", "endowments"] == pytest.approx(0.01 * lab, rel=0.01)
    assert abs(dec.summary.loc["USA", "residual"]) <= 1e-6 * abs(dec.summary.loc["USA", "EV, regional"])


@pytest.mark.parametrize("closure", ["fixed_exchange_rate", "sector_specific_capital"])
def test_other_closures_add_up(closure):
    eco = cge.Economy(None, closure)
    cge.run("scenarios/us_autos_232.toml", economy=eco)
    dec = welfare.decompose(eco)
    for r in eco.dataset.regions:
        ev = dec.summary.loc[r, "EV, regional"]
        assert abs(dec.summary.loc[r, "residual"]) <= 1e-6 * abs(ev)
    if closure == "fixed_exchange_rate":
        # foreign saving moves, but the capital inflow that finances investment is not
        # welfare: what is left is FS·dPI (dε = 0), of the sign of FS·dPI in each region
        b = eco.benchmark
        assert any(abs(eco.model.fsv[r].value * scale(b.SAV[r], b.YH[r]) - b.FS[r]) > 1.0
                   for r in b.regions)
        assert (dec.summary["investment-savings"].abs() > 0).all()
