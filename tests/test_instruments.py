"""Instruments a scenario can shock beyond tariffs: export taxes (te), productivity (ao) and
quantitative restrictions ([[quota]]: import quotas and VERs as GEMPACK swaps).

Independent reasons to be right, each derived in the test's docstring:

- duality: the tariff equivalent of an import quota enters every equation only through
  tm + tmq, so a quota at the volume a tariff produced reproduces that tariff equilibrium; the
  export-tax equivalent of a VER enters only through te + teq, so an export tax at the VER's
  equivalent reproduces the VER;
- Lerner symmetry, which holds exactly in this model for a region whose foreign saving is 0;
- homogeneity: uniform productivity in a data set without intermediate inputs scales every
  quantity by the same factor; a one-good, two-country economy reduced by hand to one equation;
- accounting identities recomputed by hand from the solution's variables;
- the size of the default system: 565 unknowns on the shipped data (docs/model.md §6, before
  these instruments existed).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest
from click.testing import CliRunner
from conftest import ONE_GOOD
from scipy.optimize import brentq
from synth import make_dataset

import cge
from cge.cli import main
from cge.economy import scenario_closure
from cge.scenario import ScenarioError, parse_scenario

pytestmark = pytest.mark.three_region  # written for usjpn2024's numbers (conftest.py)

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
CELL = ("JPN", "USA", "AUTO")
QUANTITIES = ("z", "f", "d", "e", "ms", "m", "q", "c", "g", "inv")


def _quota(volume: float, rent: str, cell=CELL, extra: str = "") -> cge.Scenario:
    s, r, i = cell
    return parse_scenario(f'name = "q"\n{extra}\n[[quota]]\nexporter = "{s}"\nimporter = "{r}"\n'
                          f'sector = "{i}"\nvolume = {volume!r}\nrent = "{rent}"\n')


def _values(eco) -> dict[str, float]:
    """Every variable of the economy's model by name (free and fixed)."""
    return {v.name: v.value for v in eco.model.component_data_objects(pyo.Var)}


def _same(a: dict, b: dict, skip=(), rel: float = 1e-9) -> None:
    """Every variable of ``a`` equals ``b``'s (relative, absolute near zero)."""
    bad = [(n, a[n], b[n]) for n in a if n not in skip
           and not math.isclose(a[n], b[n], rel_tol=rel, abs_tol=rel)]
    assert not bad, bad[:5]


def _revenue_by_hand(eco, r: str) -> float:
    """Government revenue of r from its parts, read off the variables and instruments (not
    the named quantities): direct tax, production tax, tariffs on the c.i.f. value including
    the exporter's export tax, and r's export taxes on the world value of its sales."""
    m, b = eco.model, eco.benchmark
    val = pyo.value
    rev = val(m.tdv[r]) * b.YH[r] * m.yh[r].value
    rev += sum(val(m.tz[k]) / (1 + val(m.tz[k])) * b.Z[k] * m.pz[k].value * m.z[k].value
               for k in b.Z if k[0] == r)
    for (s, d, i), base in b.MS.items():
        flow = base * m.pwe[s, i].value * m.ms[s, d, i].value  # world value, reference currency
        tx = val(m.te[s, d, i]) + m.teq[s, d, i].value
        if d == r:
            rev += (val(m.tm[s, d, i]) + m.tmq[s, d, i].value) * (1 + tx) * flow * m.eps[r].value
        if s == r:
            rev += tx * flow * m.eps[r].value
    return rev


@pytest.fixture(scope="module")
def default_eco():
    return cge.Economy()


# ------------------------------------------------------------------------ the default system
def test_default_system_keeps_its_size(default_eco):
    """The shipped data under the default closure have 565 unknowns (docs/model.md §6, counted
    before export taxes, productivity and quotas existed): the quota equivalents are fixed
    variables, so they are parameters of the compiled core, not unknowns."""
    eco = default_eco
    assert eco.core.n == 565
    assert all(v.fixed and v.value == 0 for name in ("tmq", "teq")
               for v in getattr(eco.model, name).values())
    assert eco.quota_cells == {}


# ------------------------------------------------------------------------ quotas
def test_import_quota_at_the_tariff_volume_gives_back_the_tariff(default_eco):
    """+25 points on US imports of Japanese autos give a volume ms*. tm and tmq enter every
    equation only through tm + tmq (the import price pms and the tariff revenue), so an import
    quota at ms* solves the same system with tmq = 0.25: the tariff equivalent is the tariff,
    the whole equilibrium (US government revenue included) is the tariff equilibrium."""
    tariff = cge.run(cge.load_scenario(SCENARIOS / "bilateral" / "us_autos_232.toml"), economy=default_eco)
    at_tariff = _values(default_eco)
    volume = at_tariff[f"ms[{','.join(CELL)}]"]
    assert volume < 0.5  # the tariff cuts the flow a lot (AUTO's sigma_m is 7.1)
    quota = cge.run(_quota(volume, "importer"))
    eco = quota.economy
    assert eco.core.n == 565  # the swap trades one unknown for another
    assert eco.quota_cells == {CELL: "importer"}
    assert abs(eco.model.tmq[CELL].value - 0.25) <= 1e-8
    at_quota = _values(eco)
    tm_cell = f"tmq[{','.join(CELL)}]"
    _same(at_tariff, at_quota, skip=(tm_cell,))
    assert eco.model.yg["USA"].value == pytest.approx(at_tariff["yg[USA]"], rel=1e-10)
    # the rent of the quota is what the tariff's extra points collected
    row = quota.quotas.loc[CELL]
    assert row["quota_tariff_equivalent_pct"] == pytest.approx(25.0, abs=1e-6)
    by_hand = (0.25 * eco.benchmark.MS[CELL] * volume * eco.model.pwe["JPN", "AUTO"].value
               * eco.model.eps["USA"].value)
    assert row["quota_rent"] == pytest.approx(by_hand,
                                                                                   rel=1e-12)
    assert tariff.summary.loc["USA"].iloc[0] == pytest.approx(quota.summary.loc["USA"].iloc[0],
                                                             rel=1e-8)


@pytest.mark.parametrize("closure", ["default", "short_run", "fixed_exchange_rate"])
def test_ver_is_its_export_tax_equivalent(closure):
    """A VER holds Japan's -> USA AUTO at 85%; te and teq enter every equation only through
    te + teq, so an export tax at the VER's equivalent t_x reproduces the VER's equilibrium.
    The rent t_x x base value x volume x world price is in Japan's revenue (G1, recomputed
    by hand), not in the US's; the US tariff applies to the tax-inclusive price. On a
    synthetic data set (CET, intermediates) under three closures."""
    ds = make_dataset(3, 4, seed=1, psi=2.0)
    eco0 = cge.Economy(ds, closure)
    cell = max((k for k in eco0.benchmark.MS if k[1] == "R0"), key=eco0.benchmark.MS.get)
    ver = cge.run(_quota(0.85, "exporter", cell), data=ds, closure=closure)
    eco = ver.economy
    assert eco.core.n == eco0.core.n
    tx = eco.model.teq[cell].value
    assert tx > 0  # a binding restraint raises the price importers pay
    assert eco.model.ms[cell].value == 0.85
    s, r, _ = cell
    for region in ds.regions:
        assert eco.model.yg[region].value * eco.benchmark.YG[region] == pytest.approx(
            _revenue_by_hand(eco, region), rel=1e-10)
    rent = tx * eco.benchmark.MS[cell] * 0.85 * eco.model.pwe[s, cell[2]].value \
        * eco.model.eps[s].value
    assert ver.quotas.loc[cell, "quota_rent"] == \
        pytest.approx(rent, rel=1e-12)
    assert ver.indicators(["export_tax_revenue"])["export_tax_revenue"][
        list(ds.regions).index(s)] == pytest.approx(rent, rel=1e-12)
    at_ver = _values(eco)
    tax = parse_scenario(f'name = "te"\n[[instrument]]\nparameter = "te"\nindex = {list(cell)!r}\n'
                         f'set = {tx!r}\n'.replace("'", '"'))
    cge.run(tax, economy=eco0)
    at_tax = _values(eco0)
    _same(at_ver, at_tax, skip=(f"teq[{','.join(cell)}]",))


def test_ver_and_import_quota_at_one_volume_differ_by_where_the_rent_goes(default_eco):
    """At the same volume an import quota (rent to the US) and a VER (rent to Japan) would put
    the same wedge between the US price and Japan's world price, (1 + tm0 + t_m) =
    (1 + tm0)(1 + t_x), only if nothing else differed. But the two equilibria differ by a
    transfer of the rent between the governments, which moves incomes, demands and so world
    prices: the relation does not hold exactly (here 1.05002 against 1.05023). What holds
    exactly is each rent in its own government's revenue; and the US, which keeps the rent
    under the quota, is better off with it than with the VER, Japan the other way round
    (the rent's transfer; with home-biased Armington demand the transfer's secondary terms of
    trade effect goes the same way, the orthodox transfer problem)."""
    q = cge.run(_quota(0.85, "importer"))
    v = cge.run(_quota(0.85, "exporter"))
    tm0 = q.economy.benchmark.tm[CELL]
    t_m, t_x = q.economy.model.tmq[CELL].value, v.economy.model.teq[CELL].value
    assert t_m > 0 and t_x > 0
    assert q.economy.model.teq[CELL].value == 0 and v.economy.model.tmq[CELL].value == 0
    for res in (q, v):
        for region in ("USA", "JPN", "ROW"):
            eco = res.economy
            assert eco.model.yg[region].value * eco.benchmark.YG[region] == pytest.approx(
                _revenue_by_hand(eco, region), rel=1e-10)
    ev = "ev"
    assert q.summary.loc["USA", ev] > v.summary.loc["USA", ev]
    assert q.summary.loc["JPN", ev] < v.summary.loc["JPN", ev]
    assert (1 + tm0) * (1 + t_x) != pytest.approx(1 + tm0 + t_m, rel=1e-8)


def test_a_quota_economy_can_be_reused(default_eco):
    """Economy.apply sets the quota's volume and reset() restores it: solving 0.9 then 0.85 on
    one economy gives what a fresh economy gives at 0.85; a scenario without that quota is
    refused there, as is the quota scenario on an economy built without it."""
    fresh = cge.run(_quota(0.85, "exporter"))
    eco = cge.Economy(None, scenario_closure(None, _quota(0.9, "exporter")))
    cge.run(_quota(0.9, "exporter"), economy=eco)
    again = cge.run(_quota(0.85, "exporter"), economy=eco)
    _same(_values(fresh.economy), _values(again.economy))
    with pytest.raises(ValueError, match="not those this economy was built with") as err:
        cge.run(cge.load_scenario(SCENARIOS / "bilateral" / "us_autos_232.toml"), economy=eco)
    assert "\n" not in str(err.value)
    assert eco.model.ms[CELL].value == 0.85  # the refused scenario changed nothing
    with pytest.raises(ValueError, match=r"its quotas \(JPN/USA/AUTO \(exporter\)\)"):
        cge.run(_quota(0.85, "exporter"), economy=default_eco)


# ------------------------------------------------------------------------ export taxes
def test_export_tax_revenue_is_the_rate_times_the_flow():
    """Export taxes on three of R1's flows at different rates (one a subsidy): the revenue is
    Σ te x base value x volume x world price x R1's exchange rate at the new point, and R1's
    government revenue adds it (G1 recomputed by hand); importers pay (1 + te) pwe."""
    ds = make_dataset(3, 4, seed=2)
    eco = cge.Economy(ds)
    rates = dict(zip(sorted(k for k in eco.benchmark.MS if k[0] == "R1")[:3], (0.2, 0.05, -0.1)))
    for k, t in rates.items():
        eco.model.te[k] = t
    eco.solve()
    m, b = eco.model, eco.benchmark
    by_hand = sum(t * b.MS[k] * m.ms[k].value * m.pwe[k[0], k[2]].value * m.eps["R1"].value
                  for k, t in rates.items())
    res = cge.Results(eco, None, eco.solution)
    assert res.indicators(["export_tax_revenue"])["export_tax_revenue"][1] == \
        pytest.approx(by_hand, rel=1e-12)
    for region in ds.regions:
        assert m.yg[region].value * b.YG[region] == pytest.approx(_revenue_by_hand(eco, region),
                                                                 rel=1e-10)
    assert res.info.max_walras <= 1e-8  # the balance of payments counts the tax
    k = next(iter(rates))
    assert pyo.value(m.pms[k]) == pytest.approx(
        (1 + rates[k]) * m.eps[k[1]].value * m.pwe[k[0], k[2]].value, rel=1e-12)
    # terms of trade at the prices importers pay, (1 + te) pwe, Paasche weights, by hand
    tot = res.summary["terms_of_trade_pct"]
    for region in ds.regions:
        def index(flows):
            q = [b.MS[f] * m.ms[f].value for f in flows]
            p = [(1 + rates.get(f, 0.0)) * m.pwe[f[0], f[2]].value for f in flows]
            return sum(a * c for a, c in zip(q, p)) / sum(q)
        out = [f for f in b.MS if f[0] == region]
        into = [f for f in b.MS if f[1] == region]
        assert tot[region] == pytest.approx(100 * (index(out) / index(into) - 1), abs=1e-10)


def test_lerner_symmetry_export_tax_equals_import_tariff():
    """Lerner symmetry, exact here for a region s whose foreign saving is 0 (and which is not
    the reference region): an export tax te on all of s's exports gives the same real
    equilibrium as raising all of s's import tariffs to (1 + tm0)(1 + te) - 1. The map: s's
    world prices rise by 1 + te and its exchange rate falls by 1/(1 + te); every local price
    and quantity is unchanged; s's revenue is unchanged because its imports are worth
    (1 + te) times its exports at producer world prices (trade balances when FS_s = 0), so
    te/(1 + te) of imports equals te of exports. With FS_s ≠ 0 the map fails: the local value
    of foreign saving, eps_s FS_s, would fall. Foreign saving fixed in real terms (the default)
    keeps the map because its deflator, the world price index, is taken at c.i.f. prices,
    which the map leaves unchanged. The regional EV is the exception (see the end)."""
    ds = make_dataset(3, 4, seed=1, psi=2.0)
    eco = cge.Economy(ds)
    m, b = eco.model, eco.benchmark
    s, ref, te = "R1", ds.reference_region, 0.1
    assert s != ref and b.FS[s] != 0

    def solve(kind: str, balanced: bool):
        eco.reset()
        if balanced:  # s's foreign saving moved to the reference region: the sum stays 0
            m.fs[s], m.fs[ref] = 0.0, b.FS[ref] + b.FS[s]
        if kind == "export tax":
            for k in m.BIL:
                if k[0] == s:
                    m.te[k] = te
        else:
            eco.set_tariffs({k: (1 + t) * (1 + te) - 1 for k, t in b.tm.items() if k[1] == s})
        eco.solve()
        return _values(eco), cge.Results(eco, None, eco.solution)

    (xa, ra), (xb, rb) = solve("export tax", True), solve("tariff", True)
    moved = {f"eps[{s}]", *(n for n in xa if n.startswith(f"pwe[{s},"))}
    _same(xa, xb, skip=moved, rel=1e-9)
    assert xb[f"eps[{s}]"] * (1 + te) == pytest.approx(xa[f"eps[{s}]"], rel=1e-9)
    for n in moved - {f"eps[{s}]"}:
        assert xb[n] == pytest.approx((1 + te) * xa[n], rel=1e-9)
    for col in ("ev_household", "real_gdp_pct"):  # every real result
        assert np.allclose(ra.summary[col], rb.summary[col], rtol=1e-9, atol=1e-9), col
    # the regional EV is not: saving is valued at the world price of saving, an average of
    # the regions' investment prices at the exchange rates, and s's exchange rate differs by
    # 1 + te between the two equilibria (so does GTAP's psave, whose global bank buys each
    # region's capital goods at their price in the numeraire)
    assert not np.allclose(ra.summary["ev"], rb.summary["ev"], rtol=1e-6)
    (ya, _), (yb, _) = solve("export tax", False), solve("tariff", False)
    gap = max(abs(ya[n] / yb[n] - 1) for n in ya if n.split("[")[0] in QUANTITIES)
    assert gap > 1e-4  # the condition matters


# ------------------------------------------------------------------------ productivity
def test_uniform_productivity_scales_every_quantity():
    """one_good (labour only, no intermediates, balanced trade). With ao = λ in every sector
    and region, the old equilibrium with every quantity times λ, factor prices times λ and
    goods prices unchanged solves the new model: unit cost pva/λ = pz, factor demand
    (z/λ)(pva/w)^σ = base, and incomes, demands and flows are homogeneous of degree 1. So
    real GDP and every utility rise by exactly λ - 1 and the real wage by λ."""
    lam = 1.05
    eco = cge.Economy(ONE_GOOD)
    m = eco.model
    for k in m.ao:
        m.ao[k] = lam
    eco.solve()
    x = _values(eco)
    for n, v in x.items():
        name = n.split("[")[0]
        if name in QUANTITIES and name != "f" or name in ("pf", "pva", "yh", "yg", "sav"):
            assert v == pytest.approx(lam, rel=1e-12), n
        elif name in ("f", "pz", "pd", "pq", "pm", "pwe", "eps", "cpi"):
            assert v == pytest.approx(1.0, rel=1e-12), n
    res = cge.Results(eco, None, eco.solution)
    assert np.allclose(res.summary["real_gdp_pct"], 100 * (lam - 1), rtol=1e-12)
    assert np.allclose(res.summary["utility"], lam, rtol=1e-12)
    b = eco.benchmark
    a0 = [b.total(b.C, r) + b.total(b.G, r) + b.total(b.I, r) for r in b.regions]
    assert np.allclose(res.summary["ev"], np.array(a0) * (lam - 1), rtol=1e-12)


def test_productivity_in_one_country_closed_form():
    """one_good: A's productivity rises by 10% (B's does not). Reduced by hand as in
    test_core's tariff closed form: A's output is 1.1 x 100 units, so its income is
    110 p_A + tariff revenue; CES demands give each import; trade balances. Solved with
    brentq, independently of the model: A's terms of trade p_A/p_B, both flows, and A's real
    wage = 1.1 p_A / P_A (zero profit: the wage is λ times the output price)."""
    sigma, t0, lam = 3.0, 0.05, 1.1

    def ces(shares, prices):
        return sum(s * p ** (1 - sigma) for s, p in zip(shares, prices)) ** (1 / (1 - sigma))

    def a_imports(pa):
        P = ces([80 / 101, 21 / 101], [pa, 1.0])
        k = P ** sigma / (101 * P)  # import index per unit of A's spending (p_B = 1)
        return 100 * lam * pa / (1 - 20 * t0 * k) * k

    def b_imports(pa):
        P = ces([0.9, 0.1], [1.0, pa])
        return (P / pa) ** sigma / P

    pa = brentq(lambda pa: pa * 20 * b_imports(pa) - 20 * a_imports(pa), 0.3, 3.0)
    assert pa < 1  # more of A's good: its relative price falls
    eco = cge.Economy(ONE_GOOD)
    m = eco.model
    cge.run(parse_scenario('name = "tfp"\n[[instrument]]\nparameter = "ao"\nindex = ["A", "*"]\n'
                           'mul = 1.1\n'), economy=eco)
    assert m.pwe["A", "GOOD"].value / m.pwe["B", "GOOD"].value == pytest.approx(pa, rel=1e-10)
    assert m.ms["B", "A", "GOOD"].value == pytest.approx(a_imports(pa), rel=1e-10)
    assert m.ms["A", "B", "GOOD"].value == pytest.approx(b_imports(pa), rel=1e-10)
    assert m.z["A", "GOOD"].value == pytest.approx(lam, rel=1e-12)
    real_wage = lam * pa / ces([80 / 101, 21 / 101], [pa, 1.0])
    assert m.pf["A", "LAB"].value / m.cpi["A"].value == pytest.approx(real_wage, rel=1e-10)


def test_productivity_keeps_the_accounts_consistent(default_eco):
    """With intermediates (the shipped data): a 2% productivity rise in US AUTO lowers its
    input requirement to z/1.02 of every input; zero profit (value of output = cost + tax)
    and the factor market hold, the dropped Walras equations too."""
    sc = parse_scenario('name = "tfp"\n[[instrument]]\nparameter = "ao"\nindex = ["USA", "AUTO"]'
                        '\nmul = 1.02\n')
    res = cge.run(sc, economy=default_eco)
    assert res.info.max_walras <= 1e-8
    m, b = default_eco.model, default_eco.benchmark
    k = ("USA", "AUTO")
    inputs = m.z[k].value / 1.02
    cost = sum(b.X[r, i, j] * m.pq[r, i].value * inputs for (r, i, j) in b.X if (r, j) == k)
    cost += sum(b.F[r, f, j] * m.pfac[r, f, j].expr() * m.f[r, f, j].value
                for (r, f, j) in b.F if (r, j) == k)
    tz = pyo.value(m.tz[k])
    assert b.Z[k] * m.pz[k].value * m.z[k].value == pytest.approx((1 + tz) * cost, rel=1e-12)


# ------------------------------------------------------------------------ bad input
BAD = [
    ('volume = 0.0', "quota 1: 'volume' = 0 must be above 0"),
    ('volume = -0.5', "quota 1: 'volume' = -0.5 must be above 0"),
    ('volume = "85%"', "quota 1: 'volume' must be a number, not '85%'"),
    ('rent = "government"', "quota 1: unknown rent 'government'"),
    ('importer = "JPN"', "quota 1: exporter and importer are both JPN"),
    ('sector = ["AUTO", "METL"]', "quota 1: 'sector' must be one name"),
    ('level = 0.85', "quota 1: unknown field(s) 'level'"),
]


@pytest.mark.parametrize("change,message", BAD, ids=[c for c, _ in BAD])
def test_bad_quota_field_is_one_clear_error(change, message):
    key = change.split(" = ")[0]
    fields = {"exporter": '"JPN"', "importer": '"USA"', "sector": '"AUTO"', "volume": "0.85",
              "rent": '"exporter"'}
    fields[key] = change.split(" = ", 1)[1]
    text = 'name = "bad"\n[[quota]]\n' + "".join(f"{k} = {v}\n" for k, v in fields.items())
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, path="bad.toml")
    assert message in str(err.value) and "\n" not in str(err.value)
    assert "hint:" in str(err.value)


def test_quota_missing_field_is_one_clear_error():
    with pytest.raises(ScenarioError, match="quota 1: missing field 'rent'"):
        parse_scenario('name = "bad"\n[[quota]]\nexporter = "JPN"\nimporter = "USA"\n'
                       'sector = "AUTO"\nvolume = 0.85\n')


def test_quota_against_the_data_is_one_clear_error():
    """Names the data do not have, a cell without base-year trade, two quotas on one cell, a
    tariff shock on an import quota's cell (the equivalent would absorb it: the tariff does
    nothing) and an export tax on a VER's cell: one line each, raised before the economy is
    built (cge.run) and by Scenario.tariffs."""
    ds = make_dataset(3, 3, seed=0, no_trade=[(1, 2)])  # R1 sells nothing to R2
    cases = [
        (_quota(0.9, "importer", ("R1", "R2", "S0")), "quota 1: no base-year trade in S0 from R1 "
         "to R2: a quota needs a traded flow"),
        (_quota(0.9, "importer", ("R1", "R9", "S0")), "quota 1: unknown importer 'R9'"),
        (_quota(0.9, "importer", ("R1", "R0", "S7")), "quota 1: unknown sector 'S7'"),
    ]
    cell = next(k for k in cge.scenario.base_rates(ds) if k[1] == "R0")
    s, r, i = cell
    two = parse_scenario(
        'name = "two"\n' + 2 * f'[[quota]]\nexporter = "{s}"\nimporter = "{r}"\nsector = "{i}"\n'
        'volume = 0.9\nrent = "exporter"\n')
    cases.append((two, f"quota 2: the cell {s} -> {r} {i} already has quota 1"))
    shock = f'[[shock]]\nimporter = "{r}"\nexporters = ["{s}"]\nsectors = "all"\nadd_pct = 10\n'
    cases.append((_quota(0.9, "importer", cell, extra=shock),
                   "quota 1: shock 1 changes the tariff on the cell of this import quota"))
    tax = f'[[instrument]]\nparameter = "te"\nindex = ["{s}", "*", "*"]\nset = 0.1\n'
    cases.append((_quota(0.9, "exporter", cell, extra=tax),
                  "quota 1: instrument 1 sets the export tax te on the cell of this VER"))
    for sc, message in cases:
        with pytest.raises(ScenarioError) as err:
            cge.run(sc, data=ds)
        assert message in str(err.value) and "\n" not in str(err.value), str(err.value)
    # the same tariff shock with a VER is allowed: the tariff then shares the rent
    res = cge.run(_quota(0.9, "exporter", cell, extra=shock), data=ds)
    assert res.info.converged and res.economy.model.ms[cell].value == 0.9


def test_sweeps_and_ssa_refuse_quota_scenarios(default_eco):
    from cge import sweeps as sw
    from cge.sensitivity import ssa

    with pytest.raises(sw.SweepError, match="may not have quotas"):
        cge.sweep([_quota(0.85, "exporter")], workers=1)
    with pytest.raises(ValueError, match="with quotas"):
        ssa(default_eco, _quota(0.85, "exporter"), {"sigma_m": 0.5})


def test_cli_runs_the_shipped_ver():
    """`cge run scenarios/bilateral/jpn_auto_ver.toml --no-write` prints the quota's equivalent and
    says what the run assumes."""
    out = CliRunner().invoke(main, ["run", str(SCENARIOS / "bilateral" / "jpn_auto_ver.toml"), "--no-write"])
    assert out.exit_code == 0, out.output
    assert "quotas (volume fixed" in out.output and "export-tax equivalent (%)" in out.output
    assert "quota: USA imports of AUTO from JPN held at 85% of base volume" in out.output
