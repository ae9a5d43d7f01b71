"""Objects built in Python are checked like the files they stand for (scenario TOML,
cge/closures.toml, sweep files), and tariff rates given in Python are in percent, as in files
and tables (docs/outputs.md §3.1)."""

import math
import warnings

import pytest
from conftest import TWOCGE

import cge
from cge import sweeps as sw
from cge.closure import CLOSURES, Closure, ClosureError
from cge.scenario import InstrumentShock, Quota, Scenario, ScenarioError, Shock


@pytest.mark.parametrize("make, message", [
    (lambda: Shock("USA", ("JPN",), ("AUTO",), "add", 25), "unknown operation 'add'"),
    (lambda: Shock("USA", ("JPN",), ("AUTO",), "set_pct", -100), "at or below -100%"),
    (lambda: Shock("USA", ("JPN",), ("AUTO",), "add_pct", math.nan), "finite number"),
    (lambda: Shock("USA", ("JPN",), ("AUTO",), "add_pct", True), "finite number"),
    (lambda: Shock("USA", [], ("AUTO",), "add_pct", 25), "'exporters' must be"),
    (lambda: Shock("USA", ("JPN", "JPN"), ("AUTO",), "add_pct", 25), "more than once"),
    (lambda: Shock(None, ("JPN",), ("AUTO",), "add_pct", 25), "'importer' must be one name"),
    (lambda: InstrumentShock("tm", ("*",), "mul", 1.1), "unknown parameter 'tm'"),
    (lambda: InstrumentShock("tz", ("*",), "times", 1.1), "unknown operation 'times'"),
    (lambda: Quota("JPN", "USA", "AUTO", 0.0, "exporter"), "must be above 0"),
    (lambda: Quota("JPN", "JPN", "AUTO", 0.5, "exporter"), "are both JPN"),
    (lambda: Quota("JPN", "USA", "AUTO", 0.5, "both"), "unknown rent 'both'"),
    (lambda: Scenario("x", closure="floating"), "unknown closure 'floating'"),
    (lambda: Scenario("x", revenue="gov"), "unknown revenue rule 'gov'"),
    (lambda: Scenario("x", shocks=({"importer": "USA"},)), "'shocks' must be a tuple of Shock"),
    (lambda: Scenario("x", swaps=(("cpi[*]",),)), "'swaps' must be"),
    (lambda: Scenario(""), "'name' must be a non-empty string"),
])
def test_scenario_objects_are_checked_when_made(make, message):
    with pytest.raises(ScenarioError, match=message) as err:
        make()
    assert "\n" not in str(err.value)


def test_scenario_objects_take_what_a_file_takes():
    """A single name stands for a list of one, as in a file; lists become tuples."""
    sh = Shock("USA", "JPN", ["AUTO"], "add_pct", 25)
    assert sh.exporters == ("JPN",) and sh.sectors == ("AUTO",) and sh.value == 25.0
    assert sh.new_rate(0.025) == pytest.approx(0.275)  # 2.5% + 25 points = 27.5%
    sc = Scenario("x", shocks=[sh], swaps=[["cpi[*]", "pf[*,LAB]"]])
    assert sc.shocks == (sh,) and sc.swaps == (("cpi[*]", "pf[*,LAB]"),)
    file = cge.parse_scenario('name = "x"\n[[shock]]\nimporter = "USA"\nexporters = "JPN"\n'
                              'sectors = ["AUTO"]\nadd_pct = 25\n')
    assert file.shocks == (sh,)


@pytest.mark.parametrize("make, message", [
    (lambda: Closure(exogenous="eps[*]"), r"'exogenous' must be a tuple of patterns, not 'eps\[\*\]'"),
    (lambda: Closure(equations=("eq trade",)), "'equations' must be a tuple of patterns"),
    (lambda: Closure(revenue="gov"), "unknown revenue rule 'gov'; rules are"),
    (lambda: Closure(numeraire=""), "'numeraire' must be"),
    (lambda: Closure(swaps=(("fsv[JPN]",),)), "'swaps' must be"),
    (lambda: CLOSURES["default"].with_(revenue="lump_sum"), "unknown revenue rule 'lump_sum'"),
])
def test_closures_are_checked_when_made(make, message):
    with pytest.raises(ClosureError, match=message) as err:
        make()
    assert "\n" not in str(err.value)


def test_a_closure_has_no_exchange_rate_setting():
    """The exchange-rate regime follows from what is exogenous; a field that does not exist
    is refused, never accepted and then described otherwise."""
    with pytest.raises(TypeError, match="exchange_rate"):
        Closure(exchange_rate="floating")
    assert CLOSURES["fixed_exchange_rate"].exchange_rate == "fixed"
    assert CLOSURES["default"].exchange_rate == "flexible"
    assert Closure(exogenous=["eps[*]", "mpsv[*]"]).exogenous == ("eps[*]", "mpsv[*]")


def test_sweep_member_tariffs_are_percent():
    """Member(tariffs_pct={cell: 25}) is a 25% tariff: the rate vector has 0.25 on the cell
    (the model's fraction), as a scenario file's set_pct = 25 gives; the fractions of old are
    deprecated and mean the same; both at once is an error."""
    ds = cge.load_dataset(TWOCGE)
    base = cge.scenario.base_rates(ds)
    cell = ("JPN", "USA", "BRD")
    job = sw.members.resolve_members([sw.Member("m", tariffs_pct={cell: 25})], ds, base, None)[0]
    assert job.rates[list(base).index(cell)] == 0.25
    sc = cge.parse_scenario('name = "s"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\n'
                            'sectors = ["BRD"]\nset_pct = 25\n')
    assert sc.tariffs(ds, base)[cell] == 0.25
    with pytest.warns(DeprecationWarning, match="tariffs_pct"):
        old = sw.Member("m", tariffs={cell: 0.25})
    assert sw.members.resolve_members([old], ds, base, None)[0].rates == job.rates
    with pytest.raises(sw.SweepError, match="not both"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        sw.Member("m", tariffs={cell: 0.25}, tariffs_pct={cell: 25})
    with pytest.raises(sw.SweepError, match=r"above -100 \(in percent: 25 is 25%\)"):
        sw.members.resolve_members([sw.Member("m", tariffs_pct={cell: -120})], ds, base, None)
    with pytest.raises(sw.SweepError, match="'scenario' must be a Scenario"):
        sw.Member("m", scenario="scenarios/us_autos_232.toml")
