"""Regional EV and its decomposition: the parts add up, and each part has the size theory says."""

import numpy as np
import pytest
from conftest import ONE_GOOD

import cge
from cge import welfare
from cge.model import scale

pytestmark = pytest.mark.three_region  # written for usjpn2024's numbers (conftest.py)


@pytest.fixture(scope="module")
def autos():
    eco = cge.Economy()
    res = cge.run("scenarios/bilateral/us_autos_232.toml", economy=eco)
    return eco, res, welfare.decompose(eco)


def test_parts_add_up_to_ev(autos):
    eco, _, dec = autos
    ev = welfare.regional_ev(eco.model, eco.benchmark)
    m, b = eco.model, eco.benchmark
    for r in eco.dataset.regions:
        # EV by hand (GTAP's regional household): Cobb-Douglas over C, G and real national
        # saving (investment spending less foreign saving, over the world price of saving in
        # local currency: ε_r Ps, Ps = Π_q (PI_q/ε_q)^θ_q, θ the base shares of world
        # investment), weights the base shares of income C0 + G0 + NS0
        c0, g0 = b.total(b.C, r), b.total(b.G, r)
        ns0 = b.total(b.I, r) - b.FS[r]
        y0 = c0 + g0 + ns0
        log_u = sum(v / y0 * np.log(m.c[k].value) for k, v in b.C.items() if k[0] == r)
        log_u += sum(v / y0 * np.log(m.g[k].value) for k, v in b.G.items() if k[0] == r)
        spend = sum(v * m.pq[k].value * m.inv[k].value for k, v in b.I.items() if k[0] == r)
        fs = m.fsv[r].value * scale(b.SAV[r], b.YH[r])  # fsv is relative to that scale
        ns = spend - m.eps[r].value * fs
        world_i = sum(b.total(b.I, q) for q in b.regions)
        log_ps = sum(b.total(b.I, q) / world_i * (
            sum(v / b.total(b.I, q) * np.log(m.pq[k].value) for k, v in b.I.items() if k[0] == q)
            - np.log(m.eps[q].value)) for q in b.regions)
        log_u += ns0 / y0 * (np.log(ns / ns0) - np.log(m.eps[r].value) - log_ps)
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
    # investment-savings, GTAP's terms of trade in capital goods: not zero in any region, and
    # close to zero-sum over the world (Ps is the investment-weighted average of the PIs)
    assert (s["investment-savings"].abs() > 1.0).all()
    assert abs(s["investment-savings"].sum()) <= 0.05 * s["investment-savings"].abs().max()


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
    cge.run("scenarios/bilateral/us_autos_232.toml", economy=eco)
    dec = welfare.decompose(eco)
    for r in eco.dataset.regions:
        ev = dec.summary.loc[r, "EV, regional"]
        assert abs(dec.summary.loc[r, "residual"]) <= 1e-6 * abs(ev)
    if closure == "fixed_exchange_rate":
        # foreign saving moves, but the capital inflow that finances investment is not
        # welfare: what is left is the terms of trade in capital goods
        b = eco.benchmark
        assert any(abs(eco.model.fsv[r].value * scale(b.SAV[r], b.YH[r]) - b.FS[r]) > 1.0
                   for r in b.regions)
        assert (dec.summary["investment-savings"].abs() > 0).all()


def _instrument_scenario(tmp_path, par, index, op, value):
    (tmp_path / "s.toml").write_text(f'name = "s"\n[[instrument]]\nparameter = "{par}"\n'
                                     f'index = {index}\n{op} = {value}\n', encoding="utf-8")
    return cge.load_scenario(tmp_path / "s.toml")


def test_productivity_is_the_technology_term(tmp_path):
    """1% more output from the same inputs in US autos: to first order the technology term is
    1% of the sector's output at factor cost, Z̄/(1+tz̄) (prices move only to second order)."""
    sc = _instrument_scenario(tmp_path, "ao", '["USA", "AUTO"]', "mul", 1.01)
    res = cge.run(sc)
    dec = welfare.decompose(res.economy, res.solution)
    b = res.economy.benchmark
    hand = b.Z["USA", "AUTO"] / (1 + b.tz["USA", "AUTO"]) * 0.01
    assert dec.summary.loc["USA", "technology"] == pytest.approx(hand, rel=0.03)
    assert dec.summary.loc[["JPN", "ROW"], "technology"].abs().max() == 0.0
    for r in b.regions:
        assert abs(dec.summary.loc[r, "residual"]) <= 1e-6 * abs(dec.summary.loc[r, "EV, regional"])


def test_a_small_export_tax_is_the_trapezoid(tmp_path):
    """Japan taxes its car exports to the US at 1%: the export-tax term is ∫ te pwe dMS ≈
    (Δte/2)·ΔMS at world prices (≈ 1 at base), by sector and destination; it adds up."""
    sc = _instrument_scenario(tmp_path, "te", '["JPN", "USA", "AUTO"]', "set", 0.01)
    res = cge.run(sc)
    dec = welfare.decompose(res.economy, res.solution)
    m, b = res.economy.model, res.economy.benchmark
    dm = b.MS["JPN", "USA", "AUTO"] * (m.ms["JPN", "USA", "AUTO"].value - 1)
    assert dm < 0
    d = dec.detail.set_index(["region", "component", "sector", "partner"])["value"]
    assert d["JPN", "export taxes", "AUTO", "USA"] == pytest.approx(0.01 / 2 * dm, rel=0.03)
    assert dec.summary.loc["JPN", "export taxes"] == pytest.approx(
        d["JPN", "export taxes", "AUTO", "USA"], rel=1e-12)
    for r in b.regions:
        assert abs(dec.summary.loc[r, "residual"]) <= 1e-6 * abs(dec.summary.loc[r, "EV, regional"])


def test_a_ver_gives_its_rent_to_the_exporter():
    """The shipped VER (Japanese cars to the US at 85% of base volume): the decomposition adds
    up; the restraint's quantity effect is a loss for Japan (less trade through its wedge), the
    rent shows as Japan's terms-of-trade gain on the cell, which the US loses."""
    res = cge.run("scenarios/bilateral/jpn_auto_ver.toml")
    dec = welfare.decompose(res.economy, res.solution)
    d = dec.detail.set_index(["region", "component", "sector", "partner"])["value"]
    assert d["JPN", "export restraints", "AUTO", "USA"] < 0
    assert d["JPN", "terms of trade", "AUTO", "USA"] > 0 > d["USA", "terms of trade", "AUTO", "JPN"]
    assert dec.summary["import quotas"].abs().max() == 0.0
    for r in res.economy.benchmark.regions:
        assert abs(dec.summary.loc[r, "residual"]) <= 1e-6 * abs(dec.summary.loc[r, "EV, regional"])


def test_five_nodes_give_the_converged_terms(autos):
    """The first pass (:data:`welfare.FIRST_NODES` = 5 Gauss–Legendre nodes, exact to degree 9
    in λ) suffices here, and every term is within 1e-7 of the largest |EV| of the same
    integral at 16 and at 32 nodes, which agree with each other to rounding (the path is
    analytic in λ, so Gauss–Legendre's error falls geometrically with the nodes)."""
    eco, res, dec = autos
    assert dec.nodes == welfare.FIRST_NODES == 5
    b = eco.benchmark
    p1 = np.array(res.solution.p)
    p0 = np.array(eco.base_params(p1))
    key = ["region", "component", "sector", "partner"]

    def terms(n):
        detail = welfare._integrate(eco.core, eco.model, b, eco.x_base, p0, p1 - p0, n)[0]
        return detail.groupby(key)["value"].sum()

    t16, t32 = terms(16), terms(32)
    ev = dec.summary["EV, regional"].abs().max()
    assert float((t16 - t32).abs().max()) <= 1e-11 * ev
    got = dec.detail.groupby(key)["value"].sum()
    assert float((got - t16).abs().max()) <= 1e-7 * ev
