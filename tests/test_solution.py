"""The solution as a value: Results do not change when the economy solves the next scenario,
and threads may share one Economy."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import cge

pytestmark = pytest.mark.three_region  # written for usjpn2024's numbers (conftest.py)

A, B = "scenarios/bilateral/us_autos_232.toml", "scenarios/bilateral/us_steel_232_25.toml"


def test_results_are_values_not_views_of_the_model():
    eco = cge.Economy()
    a = cge.run(A, economy=eco)
    x_a = np.array(a.solution.x)
    b = cge.run(B, economy=eco)  # the same economy solves another scenario
    assert not np.allclose(a.solution.x, b.solution.x)
    with pytest.raises(ValueError):
        a.solution.x[0] = 2.0  # read-only
    fresh = cge.run(A)
    # a's tables, first read only now, are those of its own solution
    np.testing.assert_allclose(a.summary.to_numpy(), fresh.summary.to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(a.solution.x, x_a)
    assert a.solution.converged and a.solution.iterations == a.info.iterations


def test_threads_may_share_one_economy():
    eco = cge.Economy()
    serial = {s: cge.run(s).summary for s in (A, B)}
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda s: (s, cge.run(s, economy=eco).summary), [A, B, A, B]))
    for s, table in runs:
        np.testing.assert_allclose(table.to_numpy(), serial[s].to_numpy(), rtol=1e-9)


def test_a_run_does_no_decomposition_until_a_table_needs_it(monkeypatch):
    import cge.welfare

    calls = []
    real = cge.welfare.decompose
    monkeypatch.setattr(cge.welfare, "decompose", lambda *a, **k: calls.append(1) or real(*a, **k))
    res = cge.run(A)
    res.summary, res.trade, res.sectors  # noqa: B018 - read the tables that need no path
    assert calls == []
    res.welfare  # noqa: B018
    res.welfare_detail  # noqa: B018
    assert calls == [1]  # once, for both tables


def test_which_cells_a_scenario_changed_is_decided_once():
    """us_autos_232 adds 25 points to one cell, USA <- JPN AUTO (its file says so)."""
    eco = cge.Economy()
    sc = cge.load_scenario(A)
    change = sc.resolve(eco)
    assert change.cells == [("JPN", "USA", "AUTO")]
    assert change.new[("JPN", "USA", "AUTO")] - change.base[("JPN", "USA", "AUTO")] == \
        pytest.approx(0.25, abs=1e-15)
    res = cge.run(sc, economy=eco)
    assert res.tariff_change.cells == change.cells
    assert cge.run(None, economy=eco).tariff_change.cells == []


def test_goods_imports_of_a_pair_add_up_the_trade_table():
    """The compare headline (the importer's goods imports from the exporter) is the sum of the
    trade table's goods rows: every sector except the declared services (SERV)."""
    res = cge.run(A)
    tr = res.trade.xs(("JPN", "USA"), level=("exporter", "importer"))
    goods = tr.drop(index="SERV")
    want = 100 * (goods["trade_volume"].sum()
                  / goods["trade_base_value"].sum() - 1)
    v = res.indicators(["goods_imports_volume_pct", "goods_imports_volume_change"])
    jpn, usa = list(res.economy.benchmark.regions).index("JPN"), 0
    assert v["goods_imports_volume_pct"][jpn, usa] == pytest.approx(want, rel=1e-12)
    assert np.isnan(v["goods_imports_volume_pct"][usa, usa])  # no trade with itself


def test_world_totals_add_up_the_regions_and_the_assumptions_are_stated():
    res = cge.run("scenarios/bilateral/jpn_retaliation_farm.toml")
    w, s, tr = res.world.iloc[0], res.summary, res.trade
    assert w["world_ev"] == pytest.approx(s["ev"].sum(), rel=1e-12)
    vol = tr["trade_volume"].sum() / tr["trade_base_value"].sum()
    assert w["world_trade_volume_pct"] == pytest.approx(100 * (vol - 1), rel=1e-10)
    assert w["world_tariff_revenue_base"] == pytest.approx(
        s["tariff_revenue_base"].sum(), rel=1e-12)
    lines = res.assumptions()
    assert any(a.startswith("retaliation: tariffs change in 2 regions") for a in lines)
    assert "what this run assumes:" in res.describe()
    solo = cge.run(A).assumptions()
    assert "retaliation: none (only USA changes tariffs)" in solo
