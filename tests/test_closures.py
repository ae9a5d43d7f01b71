"""Closures as data (cge/closures.toml), GEMPACK-style swaps, and the fixed-trade-balance closure."""

from __future__ import annotations

import numpy as np
import pytest

import cge
from cge.closure import CLOSURES, ClosureError, get_closure

BASELINE = "scenarios/bilateral/us_baseline_10.toml"


def _ev(closure):
    return cge.run(BASELINE, closure=closure).summary["ev"]


def test_the_closures_are_rows_of_a_table():
    assert set(CLOSURES) == {"default", "long_run", "short_run", "fixed_exchange_rate",
                             "sector_specific_capital", "fixed_trade_balance", "fixed_investment",
                             "nominal_foreign_saving"}
    assert CLOSURES["long_run"] == CLOSURES["default"].with_(name="long_run")  # an alias
    assert CLOSURES["fixed_exchange_rate"].exchange_rate == "fixed"
    assert CLOSURES["fixed_exchange_rate"].equations == ("eq_world_capital",)
    assert CLOSURES["sector_specific_capital"].specific_factors == ("CAP",)
    assert CLOSURES["fixed_trade_balance"].exogenous == ("emp[*]", "mpsv[*]")
    assert CLOSURES["fixed_investment"].equations == ("eq_trade_balance[*]",
                                                      "eq_investment_fixed[*]")
    assert CLOSURES["fixed_investment"].revenue == "government"
    assert CLOSURES["long_run"].revenue == "regional_household"
    assert CLOSURES["nominal_foreign_saving"].exogenous[0] == "fsv[*]"
    assert CLOSURES["short_run"].swaps == (("emp[*,LAB]", "pf[*,LAB]"),)


def test_fixed_trade_balance_does_not_depend_on_the_reference_currency():
    """Trade balances fixed in units of the world export basket are real: choosing another
    region's currency as the reference rescales every world price and foreign saving alike,
    so welfare cannot move (homogeneity). Foreign saving fixed in the reference currency
    (``nominal_foreign_saving``, the old default) makes the choice matter (issue 13's review:
    +0.51% vs +0.38% of GDP); tests/test_regional_household.py checks every real result."""
    ftb = get_closure("fixed_trade_balance")
    usa, jpn = _ev(ftb.with_(reference_region="USA")), _ev(ftb.with_(reference_region="JPN"))
    np.testing.assert_allclose(usa.to_numpy(), jpn.to_numpy(), rtol=1e-8)
    d = get_closure("nominal_foreign_saving").with_(revenue="government")
    du, dj = _ev(d.with_(reference_region="USA")), _ev(d.with_(reference_region="JPN"))
    assert abs(du["USA"] - dj["USA"]) > 0.02 * abs(du["USA"])  # 5% with the GTAP measure


def test_a_swap_of_the_numeraire_gives_the_closure_with_that_numeraire():
    """Swapping each region's CPI for its wage is the closure whose numeraire is the wage:
    the same square system, so the same solution."""
    sc = cge.load_scenario("scenarios/bilateral/us_autos_232.toml")
    swap = get_closure("default").with_(swaps=(("cpi[*]", "pf[*,LAB]"),))
    a = cge.run(sc, closure=swap)
    b = cge.run(sc, closure=get_closure("default").with_(numeraire="LAB"))
    np.testing.assert_allclose(a.solution.x, b.solution.x, rtol=1e-10, atol=1e-12)
    assert "swap cpi[*]" in a.economy.closure.describe()


def test_swaps_from_a_scenario_file(tmp_path):
    text = open("scenarios/bilateral/us_autos_232.toml", encoding="utf-8").read()
    (tmp_path / "s.toml").write_text('swap = [["cpi[*]", "pf[*,LAB]"]]\n' + text, encoding="utf-8")
    sc = cge.load_scenario(tmp_path / "s.toml")
    assert sc.swaps == (("cpi[*]", "pf[*,LAB]"),)
    res = cge.run(sc)
    assert res.economy.closure.swaps == sc.swaps
    assert all(v.fixed for v in res.economy.model.pf.values() if v.index()[1] == "LAB")


@pytest.mark.parametrize("swaps, message", [
    ((("nosuch[*]", "eps[JPN]"),), "unknown variable 'nosuch\\[\\*\\]'"),
    ((("fsv[JPN]", "eps[USA]"),), "eps\\[USA\\] is already exogenous"),
    ((("eps[JPN]", "fsv[JPN]"),), "eps\\[JPN\\] is not exogenous"),
    ((("fsv[*]", "eps[JPN]"),), "names 3 variable\\(s\\), 'eps\\[JPN\\]' 1"),
    ((("fsv[XYZ]", "eps[JPN]"),), "names no variable of the model"),
])
def test_bad_swaps_are_refused_naming_the_variable(swaps, message):
    with pytest.raises(ClosureError, match=message):
        cge.Economy("usjpn2024", get_closure("nominal_foreign_saving").with_(swaps=swaps))


def test_the_model_declares_kinds_and_tags():
    m = cge.Economy().model
    assert m.kinds["pq"] == "price" and m.kinds["ms"] == "quantity" and m.kinds["fsv"] == "free"
    assert m.tags["eq_pva"] == "P1" and m.tags["eq_world_capital"] == "M6"
    assert m.blocks["eq_bilateral"] == "armington"


def test_a_structurally_singular_system_is_refused_naming_its_blocks():
    """Three equations in three unknowns, two of which pin the same variable: no perfect
    matching of equations to variables, whatever the values."""
    import pyomo.environ as pyo

    from cge.closure import check_determinate
    from cge.core import compile_model

    m = pyo.ConcreteModel()
    m.x, m.y, m.z = pyo.Var(initialize=1.0), pyo.Var(initialize=1.0), pyo.Var(initialize=1.0)
    m.eq_sum = pyo.Constraint(expr=m.x + m.y + m.z == 3)
    m.eq_a = pyo.Constraint(expr=m.x == 1)
    m.eq_b = pyo.Constraint(expr=2 * m.x == 2)
    m.kinds, m.tags = {}, {"eq_sum": "X1", "eq_a": "X2", "eq_b": "X3"}
    m.blocks = {"eq_sum": "sums", "eq_a": "pins", "eq_b": "pins", "x": "v", "y": "v", "z": "w"}
    m.closure = get_closure("default")
    with pytest.raises(ClosureError, match=r"indeterminate \(1 equation\(s\) cannot be matched"
                       r".*pins \(eq_\w, X\d\).*variables not pinned down in [vw] "):
        check_determinate(compile_model(m))


def _var(res, name):
    from cge.indicators import View

    return View(res.economy, res.solution).var(name)


def test_short_run_employment_adjusts_and_is_the_endowment_term():
    """With the wage fixed at 1 (CPI numeraire), the money value of the change in employment is
    the base wage bill times the change in the employment index, FF·(emp − 1); the EV
    decomposition's employment term for LAB must be that (up to κ, the base-money conversion,
    ≈ 1 here), and full employment must hold in the long run."""
    sc = "scenarios/bilateral/us_autos_232.toml"
    short, long = cge.run(sc, closure="short_run"), cge.run(sc, closure="long_run")
    b = short.economy.benchmark
    lab = b.factors.index("LAB")
    emp = _var(short, "emp")[:, lab]
    assert emp[0] < 1 - 1e-4 and emp[1] < 1 - 1e-3  # the US and Japan lose jobs
    np.testing.assert_allclose(_var(long, "emp")[:, lab], 1.0, atol=1e-12)
    assert np.allclose(_var(short, "pf")[:, lab], 1.0)
    detail = short.welfare_detail.reset_index()
    term = detail[(detail.component == "employment") & (detail.sector == "LAB")] \
        .set_index("region")["value"]
    for k, r in enumerate(b.regions):
        assert term[r] == pytest.approx(b.FF[r, "LAB"] * (emp[k] - 1), rel=1e-3)
    assert short.summary.at["USA", "ev"] < long.summary.at["USA", "ev"]


def test_revenue_rebated_to_the_household_reproduces_the_review_of_issue_13():
    """Issue 13's review (an independent computation): rebating the 10% baseline's tariff
    revenue through a lower income tax turns the US household EV from -0.25% to +0.54% of
    GDP. Factor supplies are fixed, so an income tax is lump-sum: the household and
    income_tax rules give the same real result; both hold real government consumption."""
    sc = cge.load_scenario(BASELINE)
    col = "ev_household_pct_income"
    old = "nominal_foreign_saving"  # the review's closure: foreign saving in dollars
    gov = cge.run(sc, closure=old, revenue="government")
    hh = cge.run(sc, closure=old, revenue="household")
    tax = cge.run(sc, closure=old, revenue="income_tax")
    # the review ran on the elasticities before they were trade-weighted (issue 13 item 7),
    # which moved these by less than 0.01 point (-0.255 -> -0.250, +0.538 -> +0.548)
    assert gov.summary.at["USA", col] == pytest.approx(-0.25, abs=0.01)
    assert tax.summary.at["USA", col] == pytest.approx(0.54, abs=0.01)
    np.testing.assert_allclose(hh.summary[col], tax.summary[col], rtol=1e-9)
    b = tax.economy.benchmark
    for res in (hh, tax):  # real government consumption: the Cobb–Douglas index of g
        g = _var(res, "g")
        for k, r in enumerate(b.regions):
            tot = b.total(b.G, r)
            idx = np.prod([g[k, b.sectors.index(i)] ** (b.G[r, i] / tot)
                           for i in b.sectors if (r, i) in b.G])
            assert idx == pytest.approx(1.0, abs=1e-12)
    td = _var(tax, "tdv")
    assert td[0] < b.td["USA"]  # more tariff revenue: a lower US income tax
    assert np.allclose(_var(hh, "tdv"), [b.td[r] for r in b.regions])
    assert _var(hh, "trf")[0] > 0 and np.allclose(_var(tax, "trf"), 0.0)


def test_revenue_rule_from_a_scenario_file_and_bad_names(tmp_path):
    text = open(BASELINE, encoding="utf-8").read()
    (tmp_path / "s.toml").write_text('revenue = "household"\n' + text, encoding="utf-8")
    sc = cge.load_scenario(tmp_path / "s.toml")
    assert sc.revenue == "household"
    assert cge.run(sc).economy.closure.revenue == "household"
    (tmp_path / "b.toml").write_text('revenue = "rebate"\n' + text, encoding="utf-8")
    with pytest.raises(cge.ScenarioError, match="unknown revenue rule 'rebate'"):
        cge.load_scenario(tmp_path / "b.toml")
    with pytest.raises(ClosureError, match="unknown revenue rule 'x'"):
        cge.Economy(None, get_closure("default").with_(revenue="x"))


INSTR = '''
[[instrument]]
parameter = "{par}"
index = {index}
{op} = {value}
'''


def _scenario(tmp_path, *blocks):
    text = 'name = "inst"\n' + "".join(blocks)
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    return cge.load_scenario(tmp_path / "s.toml")


@pytest.mark.parametrize("par, index, op, value", [
    ("endow", '["USA", "LAB"]', "mul", 1.02),
    ("tz", '["JPN", "AUTO"]', "add", 0.05),
    ("mps", '["ROW"]', "set", 0.3),
    ("td", '["*"]', "mul", 0.9),
])
def test_instrument_shocks_are_applied_and_decomposed(tmp_path, par, index, op, value):
    """Each instrument gets the new value on exactly the matching indices, nothing else moves,
    and the EV decomposition still adds up (its identity holds for any instrument path).
    Saving and tax rates act only where income is not split in fixed shares."""
    rule = 'revenue = "government"\n' if par in ("mps", "td") else ""
    sc = _scenario(tmp_path, rule, INSTR.format(par=par, index=index, op=op, value=value))
    eco = cge.Economy(None, get_closure("default").with_(revenue=sc.revenue or "regional_household"))
    base = {k: v.value for k, v in getattr(eco.model, par).items()}
    res = cge.run(sc, economy=eco)
    now = {k: v.value for k, v in getattr(eco.model, par).items()}
    want = [k for k in base if index == '["*"]' or k == tuple(eval(index))
            or (len(eval(index)) == 1 and k == eval(index)[0])]
    assert want
    for k in base:
        expect = ({"mul": base[k] * value, "add": base[k] + value, "set": value}[op]
                  if k in want else base[k])
        assert now[k] == pytest.approx(expect, rel=1e-15, abs=1e-15)
    w = res.welfare
    ev = w["ev"]
    assert (w["residual"].abs() <= 1e-6 * ev.abs().max()).all()
    assert ev.abs().max() > 1.0  # the shock did something
    assert f"instrument: {par}[{','.join(eval(index))}] {op} {value:g}" in res.assumptions()


@pytest.mark.parametrize("par", ["mps", "msg", "td", "transfer"])
def test_instruments_the_regional_household_overrides_are_refused(tmp_path, par):
    """Under GTAP's regional household (the default rule) income is split in fixed shares, so
    a saving rate, a tax rate or a transfer would change nothing: refused, with the fix."""
    sc = _scenario(tmp_path, INSTR.format(par=par, index='["USA"]', op="mul", value=1.1))
    with pytest.raises(cge.ScenarioError, match=f"{par} has no effect under the revenue rule "
                       "regional_household.*revenue = \"government\""):
        cge.run(sc)


def test_an_endowment_shock_is_the_endowment_term(tmp_path):
    """+2% US labour: the decomposition files it under endowments, LAB."""
    sc = _scenario(tmp_path, INSTR.format(par="endow", index='["USA", "LAB"]', op="mul",
                                          value=1.02))
    detail = cge.run(sc).welfare_detail.reset_index()
    usa = detail[detail.region == "USA"].groupby("component")["value"].sum()
    assert usa["endowments"] > 0.9 * usa.sum() > 0


@pytest.mark.parametrize("block, message", [
    (INSTR.format(par="tm", index='["*"]', op="mul", value=2), "unknown parameter 'tm'"),
    (INSTR.format(par="endow", index='["USA", "XYZ"]', op="mul", value=2), "matches nothing"),
    (INSTR.format(par="endow", index='["*"]', op="set", value=-1), "outside \\(0, inf\\)"),
    ('[[instrument]]\nparameter = "td"\nmul = 1\nadd = 2\n', "exactly one of set, add, mul"),
])
def test_bad_instrument_shocks_are_refused(tmp_path, block, message):
    with pytest.raises(cge.ScenarioError, match=message):
        cge.run(_scenario(tmp_path, block))


def test_fixed_investment_holds_real_investment_and_moves_the_saving_rate():
    """The Cobb–Douglas index of investment demand, computed by hand from inv, stays at 1; the
    household saving rate adjusts; under the default closure investment moves instead."""
    fixed = cge.run(BASELINE, closure="fixed_investment")
    free = cge.run(BASELINE)
    b = fixed.economy.benchmark
    for res, moves in ((fixed, False), (free, True)):
        inv = _var(res, "inv")
        for k, r in enumerate(b.regions):
            tot = b.total(b.I, r)
            idx = np.prod([inv[k, b.sectors.index(i)] ** (b.I[r, i] / tot)
                           for i in b.sectors if (r, i) in b.I])
            assert (abs(idx - 1) > 1e-4) == moves, (r, idx)
    mps = _var(fixed, "mpsv")
    assert all(abs(mps[k] - b.mps[r]) > 1e-5 for k, r in enumerate(b.regions))
    np.testing.assert_allclose(_var(free, "mpsv"), [b.mps[r] for r in b.regions], rtol=1e-12)


def test_data_without_government_spending_accept_a_new_tariff():
    """Issue 13: a data set whose governments buy nothing (and collect nothing in the base year)
    used to fail with a Walras error as soon as a tariff raised revenue: the revenue left the
    accounts. A government without base purchases now saves its revenue (financing
    investment), so the dropped balance of payments holds and the parts of EV add up."""
    from conftest import HERE

    eco = cge.Economy(HERE / "data" / "no_government")
    assert eco.replication()["max_residual"] <= 1e-12
    eco.set_tariffs({("B", "A", "GOOD"): 0.10})
    sol = eco.solve()
    assert sol.max_walras <= 1e-8
    res = cge.Results(eco, None, sol)
    yg, b = _var(res, "yg"), eco.benchmark
    rev = res.summary["tariff_revenue"]
    assert yg[0] * b.YH["A"] == pytest.approx(rev["A"], rel=1e-10)  # the only revenue
    assert rev["A"] > 0 and rev["B"] == 0
    w = res.welfare
    assert (w["residual"].abs() <= 1e-6 * w["ev"].abs().max()).all()


def test_compare_and_run_honour_a_scenario_revenue_rule_and_swaps(tmp_path):
    """A scenario's revenue rule and swaps are part of its closure everywhere: cge compare gives
    the numbers of cge run (before, compare built its economy from the closure name alone)."""
    from cge.compare import compare_scenarios

    text = open(BASELINE, encoding="utf-8").read()
    (tmp_path / "s.toml").write_text('revenue = "household"\nswap = [["cpi[*]", "pf[*,LAB]"]]\n'
                                     + text, encoding="utf-8")
    sc = cge.load_scenario(tmp_path / "s.toml")
    solo = cge.run(sc)
    assert solo.economy.closure.revenue == "household" and solo.economy.closure.swaps
    cmp = compare_scenarios([sc])
    res = cmp.outcomes[0].results
    assert res.economy.closure == solo.economy.closure
    np.testing.assert_allclose(res.summary.to_numpy(), solo.summary.to_numpy(), rtol=1e-10)
    plain = cge.run(BASELINE).summary
    assert not np.allclose(plain.to_numpy(), solo.summary.to_numpy(), rtol=1e-6)
