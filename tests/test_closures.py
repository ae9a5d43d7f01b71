"""Closures as data (cge/closures.toml), GEMPACK-style swaps, and the fixed-trade-balance closure."""

from __future__ import annotations

import numpy as np
import pytest

import cge
from cge.closure import CLOSURES, ClosureError, get_closure

BASELINE = "scenarios/us_baseline_10.toml"


def _ev(closure):
    return cge.run(BASELINE, closure=closure).summary["EV (USD million)"]


def test_the_closures_are_rows_of_a_table():
    assert set(CLOSURES) == {"default", "fixed_exchange_rate", "sector_specific_capital",
                             "fixed_trade_balance"}
    assert CLOSURES["fixed_exchange_rate"].exchange_rate == "fixed"
    assert CLOSURES["fixed_exchange_rate"].equations == ("eq_world_capital",)
    assert CLOSURES["sector_specific_capital"].specific_factors == ("CAP",)
    assert CLOSURES["fixed_trade_balance"].exogenous == ()


def test_fixed_trade_balance_does_not_depend_on_the_reference_currency():
    """Trade balances fixed in units of the world export basket are real: choosing another
    region's currency as the reference rescales every world price and foreign saving alike,
    so welfare cannot move (homogeneity). The default closure fixes foreign saving in the
    reference currency, so there the choice matters (issue 13: +0.51% vs +0.38% of GDP)."""
    ftb = get_closure("fixed_trade_balance")
    usa, jpn = _ev(ftb.with_(reference_region="USA")), _ev(ftb.with_(reference_region="JPN"))
    np.testing.assert_allclose(usa.to_numpy(), jpn.to_numpy(), rtol=1e-8)
    d = get_closure("default")
    du, dj = _ev(d.with_(reference_region="USA")), _ev(d.with_(reference_region="JPN"))
    assert abs(du["USA"] - dj["USA"]) > 0.1 * abs(du["USA"])


def test_a_swap_of_the_numeraire_gives_the_closure_with_that_numeraire():
    """Swapping each region's CPI for its wage is the closure whose numeraire is the wage:
    the same square system, so the same solution."""
    sc = cge.load_scenario("scenarios/us_autos_232.toml")
    swap = get_closure("default").with_(swaps=(("cpi[*]", "pf[*,LAB]"),))
    a = cge.run(sc, closure=swap)
    b = cge.run(sc, closure=get_closure("default").with_(numeraire="LAB"))
    np.testing.assert_allclose(a.solution.x, b.solution.x, rtol=1e-10, atol=1e-12)
    assert "swap cpi[*]" in a.economy.closure.describe()


def test_swaps_from_a_scenario_file(tmp_path):
    text = open("scenarios/us_autos_232.toml", encoding="utf-8").read()
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
        cge.Economy(None, get_closure("default").with_(swaps=swaps))


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
