"""The bilateral what-ifs (scenarios/bilateral/*.toml, docs/scenarios.md) on their data, usjpn2024.

Every file parses and validates; the tariffs it sets on the shocked cells equal the values
computed by hand from the base rates of docs/data.md §4; every scenario solves, and the shocked
trade flows move the way an economist expects.
"""

import math
from pathlib import Path

import pytest

import cge

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FILES = sorted((SCENARIOS / "bilateral").glob("*.toml"))  # 2025 files: test_scenarios_2025.py
GOODS = ["AGR", "ENR", "FOOD", "CHEM", "METL", "MACH", "ELEC", "AUTO", "OMFG"]

# Base rates (percent) of usjpn2024, docs/data.md §4.
BASE_USA_ON_JPN = {"AGR": 1.0, "ENR": 0.5, "FOOD": 3.5, "CHEM": 2.6, "METL": 2.1, "MACH": 1.1,
                   "ELEC": 1.4, "AUTO": 2.3, "OMFG": 2.6, "SERV": 0.0}
BASE_USA_ON_ROW = {"AGR": 3.7, "ENR": 2.0, "FOOD": 9.4, "CHEM": 3.4, "METL": 3.0, "MACH": 1.5,
                   "ELEC": 1.9, "AUTO": 2.6, "OMFG": 3.7, "SERV": 0.0}
BASE_JPN_ON_USA = {"AGR": 2.0, "FOOD": 12.0}


def _us_on_jpn(rates: dict) -> dict:
    return {("JPN", "USA", i): v for i, v in rates.items()}


# The new rate (percent) of every cell each scenario changes, computed by hand from the base
# rates above; keys (exporter, importer, sector). All other cells keep their base rate.
EXPECTED = {
    "us_autos_232": _us_on_jpn({"AUTO": 27.3}),                       # 2.3 + 25
    "us_steel_232_25": _us_on_jpn({"METL": 27.1}),                    # 2.1 + 25
    "us_steel_232_50": _us_on_jpn({"METL": 50.0}),                    # set, in total
    "us_baseline_10": {                                               # base + 10, SERV untouched
        **_us_on_jpn({"AGR": 11.0, "ENR": 10.5, "FOOD": 13.5, "CHEM": 12.6, "METL": 12.1,
                      "MACH": 11.1, "ELEC": 11.4, "AUTO": 12.3, "OMFG": 12.6}),
        **{("ROW", "USA", i): v for i, v in {
            "AGR": 13.7, "ENR": 12.0, "FOOD": 19.4, "CHEM": 13.4, "METL": 13.0, "MACH": 11.5,
            "ELEC": 11.9, "AUTO": 12.6, "OMFG": 13.7}.items()},
    },
    "us_baseline_10_jpn": _us_on_jpn({"AGR": 11.0, "ENR": 10.5, "FOOD": 13.5, "CHEM": 12.6,
                                      "METL": 12.1, "MACH": 11.1, "ELEC": 11.4, "AUTO": 12.3,
                                      "OMFG": 12.6}),
    # +24 except METL and AUTO at base + 25 (Section 232; no stacking: not base + 24 + 25)
    "us_reciprocal_24": _us_on_jpn({"AGR": 25.0, "ENR": 24.5, "FOOD": 27.5, "CHEM": 26.6,
                                    "MACH": 25.1, "ELEC": 25.4, "OMFG": 26.6, "METL": 27.1,
                                    "AUTO": 27.3}),
    # max(base, 15) on goods (every base is below 15), then AUTO = 15 and METL = 50 exactly
    "us_japan_deal_2025": _us_on_jpn({**{i: 15.0 for i in GOODS}, "METL": 50.0}),
    "jpn_retaliation_farm": {("JPN", "USA", "AUTO"): 27.3, ("USA", "JPN", "FOOD"): 38.5,
                             ("USA", "JPN", "AGR"): 50.0},
    "tpp_farm_access": {("USA", "JPN", "FOOD"): 4.0, ("USA", "JPN", "AGR"): 0.5},
    "jpn_auto_ver": {},  # a VER: no tariff changes; its volume is checked below
}
# The quotas of the quota scenarios: (exporter, importer, sector) -> (share of base volume, rent).
QUOTAS = {"jpn_auto_ver": {("JPN", "USA", "AUTO"): (0.85, "exporter")}}


@pytest.fixture(scope="module")
def eco():
    return cge.Economy("usjpn2024")  # the bilateral what-ifs name their data set


@pytest.fixture(scope="module")
def base(eco):
    return eco.base_tariffs()


def _ids(files):
    return [f.stem for f in files]


def test_every_scenario_has_expected_values():
    assert FILES, "no scenario files"
    assert sorted(f.stem for f in FILES) == sorted(EXPECTED)


def test_base_rates_are_those_of_the_hand_computation(base):
    for i, v in BASE_USA_ON_JPN.items():
        assert 100 * base["JPN", "USA", i] == pytest.approx(v, abs=1e-12)
    for i, v in BASE_USA_ON_ROW.items():
        assert 100 * base["ROW", "USA", i] == pytest.approx(v, abs=1e-12)
    for i, v in BASE_JPN_ON_USA.items():
        assert 100 * base["USA", "JPN", i] == pytest.approx(v, abs=1e-12)


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
def test_scenario_parses_and_is_documented(path, eco, base):
    sc = cge.load_scenario(path)
    assert sc.name == path.stem
    assert sc.description and sc.source
    assert any(y in sc.source for y in ("2025", "2019", "2018", "1981"))  # a dated instrument
    assert sc.shocks or sc.quotas
    assert {q.cell: (q.volume, q.rent) for q in sc.quotas} == QUOTAS.get(sc.name, {})
    assert sc.closure is None  # the default closure, as documented in docs/scenarios.md
    sc.tariffs(eco.dataset, base)  # validates names; every shock touches a traded flow
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("#"), "a scenario file opens with comments on its mapping"


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
def test_tariffs_on_shocked_cells_are_the_hand_computed_values(path, eco, base):
    sc = cge.load_scenario(path)
    new = sc.tariffs(eco.dataset, base)
    expected = EXPECTED[sc.name]
    changed = {k for k in new if not math.isclose(new[k], base[k], abs_tol=1e-15)}
    assert changed == set(expected)
    for k, v in expected.items():
        assert 100 * new[k] == pytest.approx(v, abs=1e-12), k
    assert set(new) == set(base)


def test_deal_floor_and_no_stacking_in_reciprocal(eco, base):
    deal = cge.load_scenario(SCENARIOS / "bilateral" / "us_japan_deal_2025.toml").tariffs(eco.dataset, base)
    for i in GOODS:
        if i not in ("AUTO", "METL"):
            assert deal["JPN", "USA", i] == pytest.approx(max(base["JPN", "USA", i], 0.15))
    assert deal["JPN", "USA", "AUTO"] == pytest.approx(0.15)
    assert deal["JPN", "USA", "METL"] == pytest.approx(0.50)
    assert deal["JPN", "USA", "SERV"] == 0.0
    assert deal["ROW", "USA", "CHEM"] == base["ROW", "USA", "CHEM"]
    rec = cge.load_scenario(SCENARIOS / "bilateral" / "us_reciprocal_24.toml").tariffs(eco.dataset, base)
    for i in ("AUTO", "METL"):
        assert rec["JPN", "USA", i] == pytest.approx(base["JPN", "USA", i] + 0.25)
    assert rec["JPN", "USA", "CHEM"] == pytest.approx(base["JPN", "USA", "CHEM"] + 0.24)


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
def test_scenario_solves_and_moves_trade_the_expected_way(path, eco, base):
    sc = cge.load_scenario(path)
    # a quota is a swap of the closure: a quota scenario builds its own economy
    res = cge.run(sc, economy=None if sc.quotas else eco)
    info = res.info
    assert info.converged and info.max_residual <= 1e-9 and info.max_walras <= 1e-8
    name = res.scenario.name
    trade = res.trade
    vol = "trade_volume_pct"
    # the tariffs in the solved model are the scenario's
    for k, v in EXPECTED[name].items():
        assert trade.loc[k, "tariff_pct"] == pytest.approx(v, abs=1e-12)
    # own-price effect: a flow whose tariff rises shrinks, one whose tariff falls grows
    for k, v in EXPECTED[name].items():
        if v > 100 * base[k]:
            assert trade.loc[k, vol] < 0, k
        else:
            assert trade.loc[k, vol] > 0, k
    summary = res.summary
    ev = summary["ev"]
    assert all(math.isfinite(x) for x in ev)
    base_col, new_col = "trade_base_value", "trade_volume"
    jpn_to_usa = trade.xs(("JPN", "USA"), level=("exporter", "importer")).loc[GOODS]
    us_imports_from_jpn = jpn_to_usa[new_col].sum() / jpn_to_usa[base_col].sum() - 1
    rev = summary[["tariff_revenue_base", "tariff_revenue"]]
    if name.startswith("us_"):
        # a US tariff on Japan: US goods imports from Japan fall, US tariff revenue rises
        assert us_imports_from_jpn < 0
        assert rev.loc["USA"].iloc[1] > rev.loc["USA"].iloc[0]
        if name != "us_baseline_10":
            # a tariff on Japan alone worsens Japan's terms of trade
            assert summary.loc["JPN", "terms_of_trade_pct"] < 0
    if name == "us_baseline_10":
        # a large importer taxing all partners improves its terms of trade
        assert summary.loc["USA", "terms_of_trade_pct"] > 0
    if name == "jpn_retaliation_farm":
        for i in ("AGR", "FOOD"):
            assert trade.loc[("USA", "JPN", i), vol] < 0
        assert trade.loc[("JPN", "USA", "AUTO"), vol] < 0
        assert us_imports_from_jpn < 0
    for k, (volume, rent) in QUOTAS.get(name, {}).items():
        # the quota holds the cell at its volume; a binding restraint has a positive
        # equivalent, whose rent goes to the exporter (VER) as its export tax revenue
        assert trade.loc[k, vol] == pytest.approx(100 * (volume - 1), abs=1e-10)
        q = res.quotas.loc[k]
        assert q["rent_to"] == rent
        assert q["ver_export_tax_equivalent_pct"] > 0 and q["quota_tariff_equivalent_pct"] == 0
        rent_value = q["quota_rent"]
        exporter_revenue = res.indicators(["export_tax_revenue"])["export_tax_revenue"]
        assert exporter_revenue[list(res.economy.benchmark.regions).index(k[0])] == \
            pytest.approx(rent_value, rel=1e-12)
        assert us_imports_from_jpn < 0
    if name == "tpp_farm_access":
        for i in ("AGR", "FOOD"):
            assert trade.loc[("USA", "JPN", i), vol] > 0
            # trade diversion: the rest of the world sells less of it to Japan
            assert trade.loc[("ROW", "JPN", i), vol] < 0
        assert ev["USA"] > 0  # better access to a market is a gain for the exporter


def test_unknown_sector_is_one_clear_scenario_error(tmp_path, eco, base):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\ndescription = "x"\nsource = "y"\n\n[[shock]]\nimporter = "USA"\n'
                   'exporters = ["JPN"]\nsectors = ["STEEL"]\nadd_pct = 25\n', encoding="utf-8")
    sc = cge.load_scenario(bad)
    with pytest.raises(cge.ScenarioError) as err:
        sc.tariffs(eco.dataset, base)
    msg = str(err.value)
    assert "\n" not in msg
    assert "bad.toml: shock 1" in msg and "unknown sector 'STEEL'" in msg and "METL" in msg
    with pytest.raises(cge.ScenarioError, match="unknown sector 'STEEL'"):
        cge.run(bad, economy=eco)
    # the economy is still usable after the error
    res = cge.run(SCENARIOS / "bilateral" / "us_autos_232.toml", economy=eco)
    assert res.info.converged


def test_all_goods_is_every_sector_but_services(eco):
    """One definition of "all goods" (scenario shocks with sectors = "all", comparisons)."""
    from cge.scenario import all_goods

    assert eco.dataset.services == ("SERV",)  # declared in meta.toml, not known to the code
    assert all_goods(eco.dataset) == all_goods(list(eco.dataset.sectors), eco.dataset.services) == GOODS
    assert all_goods(["AGR", "SERV", "AUTO"], services=["SERV"]) == ["AGR", "AUTO"]
    assert all_goods(["AGR", "SERV", "AUTO"]) == ["AGR", "SERV", "AUTO"]  # no services declared
