"""Trade diversion (cge/diversion.py): who replaces the taxed supplier, against a closed form."""

import pytest
from conftest import ONE_GOOD
from scipy.optimize import brentq

import cge


def test_one_good_diversion_is_the_closed_form():
    """One good per country, labour only (tests/test_core.py's closed form): A raises its
    tariff on B from 5% to 25%. Solving the reduced form by hand gives A's world price p_A, its
    spending Y and price index P; CES demand then gives A's imports from B and its purchases of
    its own good, the two suppliers of A's market, which the table must show."""
    sigma, t0, t = 3.0, 0.05, 0.25

    def ces(shares, prices):
        return sum(s * p ** (1 - sigma) for s, p in zip(shares, prices)) ** (1 / (1 - sigma))

    def a_side(pa):
        ph = (1 + t) / (1 + t0)  # A's price of imports relative to base, gross of tariff
        P = ces([80 / 101, 21 / 101], [pa, ph])
        k = (P / ph) ** sigma / (101 * P)
        income = 100 * pa / (1 - 20 * t * k)
        real = income / P / 101           # A's composite demand, index
        return income * k, real * (P / pa) ** sigma  # imports, domestic purchases (indices)

    def b_imports(pa):
        P = ces([0.9, 0.1], [1.0, pa])
        return 200 / (200 * P) * (P / pa) ** sigma

    pa = brentq(lambda pa: pa * 20 * b_imports(pa) - 20 * a_side(pa)[0], 0.5, 2.0, xtol=1e-14)
    imports, domestic = a_side(pa)
    eco = cge.Economy(ONE_GOOD)
    sc = cge.parse_scenario('name = "t"\n[[shock]]\nimporter = "A"\nexporters = ["B"]\n'
                            'sectors = ["GOOD"]\nset_pct = 25\n')
    res = cge.run(sc, economy=eco)
    div = res.diversion.loc[("A", "GOOD")]
    assert div.xs("yes", level="shocked").index.tolist() == ["B"]
    div = div.droplevel("shocked")
    base = div["sales_base"]
    assert base["B"] == pytest.approx(20 * 1.05) and base["domestic"] == pytest.approx(80)
    assert div.at["B", "sales_new"] == pytest.approx(21 * imports, rel=1e-9)
    assert div.at["domestic", "sales_new"] == pytest.approx(80 * domestic, rel=1e-9)
    col = "share_of_loss_pct"
    assert div.at["B", col] == pytest.approx(-100.0)
    lost = 21 * (1 - imports)
    assert div.at["domestic", col] == pytest.approx(100 * 80 * (domestic - 1) / lost, rel=1e-9)
    assert div["share_new_pct"].sum() == pytest.approx(100.0)


def test_japanese_cars_are_replaced_by_other_suppliers():
    """The US tariff on Japanese autos: Japan's sales fall, every other supplier's rise (they
    are substitutes in the Armington nests), and the figure is written."""
    res = cge.run("scenarios/bilateral/us_autos_232.toml")
    div = res.diversion.loc[("USA", "AUTO")].droplevel("shocked")
    change = div["sales_change"]
    assert change["JPN"] < 0
    assert (change.drop("JPN") > 0).all()
    from cge.report.plots import figures

    assert "trade_diversion" in figures(res)


def test_the_benchmark_has_no_diversion_table():
    res = cge.run(None)
    assert len(res.diversion) == 0 and "diversion" not in res.tables()
