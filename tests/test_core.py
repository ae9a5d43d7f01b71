"""Core model: replication, homogeneity, Walras, a closed form, a tariff shock, solver agreement,
and the TWOCGE published result."""

import math
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest
from conftest import ONE_GOOD, SHIPPED, TWOCGE
from scipy.optimize import brentq
from synth import make_dataset

import cge
from cge.closure import Closure
from cge.solver import solve

DATASETS = [TWOCGE, ONE_GOOD, *SHIPPED]


def _economies():
    for path in DATASETS:
        ds = cge.load_dataset(path)
        for name, cl in cge.CLOSURES.items():
            if set(cl.specific_factors) <= set(ds.factors):
                yield pytest.param(ds, cl, id=f"{ds.name}-{name}")
    ds = make_dataset(3, 4, seed=1)
    for name, cl in cge.CLOSURES.items():
        yield pytest.param(ds, cl.with_(specific_factors=("LAB",)) if cl.specific_factors
                           and not cl.swaps else cl,  # short_run swaps the wage in: LAB stays mobile
                           id=f"synthetic-{name}")


@pytest.mark.parametrize("ds,closure", list(_economies()))
def test_benchmark_replicates_and_returns_from_perturbed_start(ds, closure):
    eco = cge.Economy(ds, closure)
    rep = eco.replication()
    assert rep["max_residual"] <= 1e-10
    assert rep["max_walras"] <= 1e-10
    rng = np.random.default_rng(42)
    x0 = eco.x_base * (1 + 0.1 * rng.uniform(-1, 1, eco.core.n))
    info = solve(eco.core, x0=x0)
    assert info.max_walras <= 1e-8
    assert np.max(np.abs(eco.core.x_from_model() - eco.x_base)) <= 1e-8


def test_twocge_published_welfare(twocge):
    """Hosoe et al. (2010) ch. 10.3 / GAMS TWOCGE: SW = 55.5085 before, 56.7778 after
    abolishing all tariffs, with the wage as each country's numeraire, the USA exchange
    rate fixed, foreign saving fixed in dollars and the government spending its revenue
    (reached through our closure options)."""
    eco = cge.Economy(twocge, cge.CLOSURES["nominal_foreign_saving"].with_(
        name="twocge", numeraire="LAB", revenue="government"))
    b = eco.benchmark
    level = {r: math.prod(b.C[r, i] ** (b.C[r, i] / b.total(b.C, r)) for i in b.sectors)
             for r in b.regions}
    assert sum(level.values()) == pytest.approx(55.5085, abs=5e-5)
    eco.set_tariffs({k: 0.0 for k in eco.base_tariffs()})
    eco.solve()
    sw = sum(level[r] * pyo.value(eco.model.utility[r]) for r in b.regions)
    assert sw == pytest.approx(56.7778, abs=5e-5)


def test_closed_form_one_good_two_countries():
    """One good per country, labour only, perfect transformation, balanced trade: A raises its
    tariff on B from 5% to 25%. Reduced by hand to one equation in A's world price p_A (B's = 1):
    A's income is labour income plus tariff revenue, CES demand gives each import, and trade
    balances. Solved here with brentq, independently of the model."""
    sigma, t0, t = 3.0, 0.05, 0.25

    def ces(shares, prices):
        return sum(s * p ** (1 - sigma) for s, p in zip(shares, prices)) ** (1 / (1 - sigma))

    def a_imports(pa):
        ph = (1 + t) / (1 + t0)  # A's price index of imports, gross of tariff (p_B = 1)
        P = ces([80 / 101, 21 / 101], [pa, ph])
        k = (P / ph) ** sigma / (101 * P)  # import index per unit of A's spending
        income = 100 * pa / (1 - 20 * t * k)
        return income * k  # index of A's imports (base 1)

    def b_imports(pa):
        P = ces([0.9, 0.1], [1.0, pa])
        return 200 / (200 * P) * (P / pa) ** sigma

    pa = brentq(lambda pa: pa * 20 * b_imports(pa) - 20 * a_imports(pa), 0.5, 2.0)
    eco = cge.Economy(ONE_GOOD)
    eco.set_tariffs({("B", "A", "GOOD"): t})
    eco.solve()
    m = eco.model
    assert m.pwe["A", "GOOD"].value / m.pwe["B", "GOOD"].value == pytest.approx(pa, rel=1e-10)
    assert m.ms["B", "A", "GOOD"].value == pytest.approx(a_imports(pa), rel=1e-10)
    assert m.ms["A", "B", "GOOD"].value == pytest.approx(b_imports(pa), rel=1e-10)


def test_homogeneity_scaling_numeraire_scales_nominal_only():
    ds = make_dataset(3, 3, seed=3)
    eco = cge.Economy(ds)
    shock = {k: v + 0.25 for k, v in eco.base_tariffs().items() if k[1] == "R1"}
    eco.set_tariffs(shock)
    eco.solve()
    m = eco.model
    real = {k: v.value for k, v in m.c.items()} | {k: v.value for k, v in m.ms.items()}
    nominal = {r: m.yh[r].value for r in ds.regions}
    prices = {k: v.value for k, v in m.pq.items()}
    # scale every numeraire by 2: each region's CPI and the reference exchange rate
    for r in ds.regions:
        m.cpi[r].fix(2.0)
    m.eps[ds.reference_region].fix(2.0)
    # foreign saving stays fixed in the reference unit; world prices are unchanged
    eco.solve()
    for k, v in real.items():
        assert (m.c[k].value if k in m.c else m.ms[k].value) == pytest.approx(v, rel=1e-9)
    for r in ds.regions:
        assert m.yh[r].value == pytest.approx(2 * nominal[r], rel=1e-9)
    for k, v in prices.items():
        assert m.pq[k].value == pytest.approx(2 * v, rel=1e-9)


@pytest.mark.parametrize("closure", list(cge.CLOSURES))
def test_tariff_25pct_moves_the_right_way(closure):
    ds = make_dataset(3, 4, seed=7)
    eco = cge.Economy(ds, closure if closure != "sector_specific_capital"
                      else Closure(name="ssc", specific_factors=("CAP",)))
    key = max((k for k in eco.base_tariffs() if k[1] == "R0"), key=lambda k: eco.benchmark.MS[k])
    s, r, i = key
    t0 = eco.base_tariffs()[key]
    eco.set_tariffs({key: t0 + 0.25})
    info = eco.solve()
    res = cge.Results(eco, None, info)
    m = eco.model
    assert m.ms[key].value < 1  # bilateral imports fall
    # the importer's price of the good rises, by less than the tariff (relative to its CPI);
    # not asserted under fixed exchange rates, where the CPI normalisation in every region can
    # raise the exporter's world price relative to the importer's CPI
    factor = (1 + 0.25 + t0) / (1 + t0)
    if closure != "fixed_exchange_rate":
        for price in (m.pq[r, i], m.pm[r, i]):
            assert 1 < price.value / m.cpi[r].value < factor
    summ = res.summary
    rev = summ[["tariff_revenue_base", "tariff_revenue"]].loc[r]
    assert rev.iloc[1] > rev.iloc[0]  # tariff revenue rises
    assert info.max_walras <= 1e-8


DEFAULT = next((p for p in SHIPPED if p.name == "usjpn2024"), None)


def test_ipopt_and_newton_agree():
    ds = cge.load_dataset(DEFAULT) if DEFAULT else make_dataset(3, 6, seed=2)
    sols = []
    for solver in ("newton", "ipopt"):
        eco = cge.Economy(ds)
        eco.set_tariffs({k: v + 0.25 for k, v in eco.base_tariffs().items()
                         if k[1] == ds.reference_region})
        eco.solve(solver, continuation=False)
        sols.append(eco.core.x_from_model())
    assert np.max(np.abs(sols[0] - sols[1])) <= 1e-8


def test_cobb_douglas_and_cet_special_cases_replicate_and_solve():
    ds = make_dataset(2, 3, seed=4, sigma=1.0, psi=2.0)
    eco = cge.Economy(ds)
    assert eco.replication()["max_residual"] <= 1e-12
    eco.set_tariffs({k: v + 0.5 for k, v in eco.base_tariffs().items()})
    assert eco.solve().converged


@pytest.mark.parametrize("solver", ["newton", "ipopt"])
@pytest.mark.parametrize("sector", ["S0", "S1", "S2"])
def test_300pct_tariff_on_a_sector_solves(solver, sector):
    ds = make_dataset(3, 3, seed=5)
    eco = cge.Economy(ds)
    eco.set_tariffs({k: v + 3.0 for k, v in eco.base_tariffs().items()
                     if k[1] == "R0" and k[2] == sector})
    info = eco.solve(solver)
    assert info.converged and info.max_residual <= 1e-9 and info.max_walras <= 1e-8
    assert all(eco.model.ms[k].value < 0.5 for k in eco.model.ms if k[1:] == ("R0", sector))


@pytest.mark.skipif(DEFAULT is None, reason="default data set not present")
def test_us_autos_232_on_default_data():
    """+25 points on US imports of Japanese AUTO: those imports fall, the US price of imported
    autos rises by less than the tariff, US tariff revenue rises, Walras holds."""
    res = cge.run(Path(__file__).parent.parent / "scenarios" / "bilateral" / "us_autos_232.toml",
                  data=DEFAULT)
    m, b = res.economy.model, res.economy.benchmark
    key = ("JPN", "USA", "AUTO")
    t0 = b.tm[key]
    assert m.tm[key].value == pytest.approx(t0 + 0.25)
    assert m.ms[key].value < 1
    factor = (1 + t0 + 0.25) / (1 + t0)
    gross = factor * m.eps["USA"].value * m.pwe["JPN", "AUTO"].value  # USA CPI = 1
    assert 1 < gross < factor
    assert 1 < m.pm["USA", "AUTO"].value < factor
    rev = res.summary[["tariff_revenue_base", "tariff_revenue"]].loc["USA"]
    assert rev.iloc[1] > rev.iloc[0]
    assert res.info.max_walras <= 1e-8


HOSTILE = ["__import__('os').system('x')", 'q"uo\'te', "new\nline", "Café_ñ_日本"]


def test_hostile_names_never_reach_generated_code(tmp_path):
    """Sector and region names are data: the compiled core refers to indices only."""
    import shutil

    dst = tmp_path / "d"
    shutil.copytree(TWOCGE, dst)
    ren = {"BRD": HOSTILE[0], "MLK": HOSTILE[1], "JPN": HOSTILE[3]}
    import pandas as pd

    sam = pd.read_csv(dst / "sam.csv").replace(ren)
    trade = pd.read_csv(dst / "trade.csv").replace(ren)
    ela = pd.read_csv(dst / "elasticities.csv").replace(ren)
    meta = {"name": "hostile", "unit": "USD", "reference_region": "USA",
            "regions": [ren["JPN"], "USA"], "sectors": [ren["BRD"], ren["MLK"]],
            "factors": ["CAP", "LAB"]}
    from cge.data import build_dataset

    ds = build_dataset(meta, sam, trade, ela)
    eco = cge.Economy(ds, Closure(name="twocge", numeraire="LAB"))
    assert eco.replication()["max_residual"] <= 1e-12
    eco.set_tariffs({k: 0.0 for k in eco.base_tariffs()})
    eco.solve()
    # same answer as with the plain names
    ref = cge.Economy(TWOCGE, Closure(name="twocge", numeraire="LAB"))
    ref.set_tariffs({k: 0.0 for k in ref.base_tariffs()})
    ref.solve()
    assert np.allclose(eco.core.x_from_model(), ref.core.x_from_model(), rtol=0, atol=1e-12)
