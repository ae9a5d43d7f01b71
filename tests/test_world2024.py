"""The 11-region x 18-sector 2024 data set (``data/world2024``): checks, targets, tariffs, splits.

Independent reasons: the 2024 figures are the cited values of ``calibration/inputs/targets2024.csv``
(Census, MoF, Eurostat, ...), measured here on the written files; the tariff cells are computed by
hand from the rows of ``calibration/inputs/tariffs2024_by_pair.csv`` and the factors of
``calibration/inputs/tariff_collection.csv``; the split property (the new sectors add up to the
source sector) needs no model.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

from calibration import checks
from calibration.dataset import read_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "world2024"
INPUTS = ROOT / "calibration" / "inputs"
REGIONS = ("USA", "JPN", "CHN", "KOR", "TWN", "CAN", "MEX", "EU", "GBR", "IND", "ROW")
SERVICES = ("UTIL", "TRD", "OSRV")
#: The collection factors calibrated to customs revenue (build_report.md §7): USA 0.6416,
#: JPN 0.6048, EU 0.5052; importers without a revenue figure take their mean, 0.584.
MEAN = 0.584


@pytest.fixture(scope="module")
def ds():
    return read_dataset(DATA)


def _goods(ds, exporter, importer):
    return sum(ds.trade.get((exporter, importer, s), (0.0, 0.0))[0] for s in ds.goods)


def _revenue(ds, importer):
    return sum(v * t / 100.0 for (e, m, s), (v, t) in ds.trade.items() if m == importer)


def test_regions_sectors_and_services(ds):
    assert tuple(ds.regions) == REGIONS
    assert len(ds.sectors) == 18
    for s in ("STEEL", "NFM", "FMP", "AUTO", "OTRN", "ENRX", "ENRP", "TEX", "RUBP"):
        assert s in ds.sectors
    assert tuple(ds.meta["services"]) == SERVICES


def test_every_data_set_check_passes(ds):
    checks.raise_on_failure(checks.check_dataset(ds))


def test_every_fitted_2024_target_is_met_within_its_tolerance(ds):
    results = checks.check_targets_world(ds)
    assert len(results) >= 90  # 11 GDPs + 22 totals + 38 bilateral + 20 sector + 4 energy
    bad = [r for r in results if not r.passed]
    assert not bad, bad[:3]


def test_headline_flows_are_the_census_figures(ds):
    """US imports from Japan 148.2 bn (of which autos and parts 55.5 bn) and exports 79.7 bn,
    US Census 2024: the flow is targeted once, by the US figure, not by Japan's mirror (MoF:
    140.7 bn f.o.b.)."""
    assert _goods(ds, "JPN", "USA") == pytest.approx(148_200, rel=0.01)
    assert ds.trade[("JPN", "USA", "AUTO")][0] == pytest.approx(55_500, rel=0.02)
    assert _goods(ds, "USA", "JPN") == pytest.approx(79_700, rel=0.01)


def test_the_issues_complaints_are_fixed(ds):
    """The 2011-structure defaults: the US as a large net energy importer, a Japanese goods
    surplus. 2024: US energy exports 325 bn against imports 217 bn (EIA, estimate); Japan's
    goods deficit 5.3 tn yen (MoF)."""
    exports = sum(ds.trade.get(("USA", m, s), (0.0, 0.0))[0] for m in REGIONS for s in ("ENRX", "ENRP"))
    imports = sum(ds.trade.get((e, "USA", s), (0.0, 0.0))[0] for e in REGIONS for s in ("ENRX", "ENRP"))
    assert exports > imports
    jpn_x = sum(_goods(ds, "JPN", m) for m in REGIONS if m != "JPN")
    jpn_m = sum(_goods(ds, e, "JPN") for e in REGIONS if e != "JPN")
    assert jpn_x < jpn_m
    assert (jpn_m - jpn_x) == pytest.approx(743_455.1 - 707_383.8, rel=0.15)


def _tenths(pct: str, factor: float | None) -> float:
    """A single-rate cell by hand: percent -> tenths (half up) -> x factor -> tenths (half up)."""
    tenths = Decimal(pct) * 10
    tenths = tenths.quantize(Decimal(1), ROUND_HALF_UP)
    if factor is not None:
        tenths = Decimal(int(tenths) * factor).quantize(Decimal(1), ROUND_HALF_UP)
    return float(tenths) / 10


@pytest.mark.parametrize("exporter,importer,sector,row_pct,factor", [
    ("CHN", "USA", "AGR", "15.00", 0.577),   # USA,CHN,c1 (MFN + Section 301) x the 301 collection factor
    ("KOR", "JPN", "AUTO", "0.00", 0.6048),  # JPN,KOR,c15: no duty on cars (Japan's MFN is 0)
    ("JPN", "KOR", "AUTO", "5.10", MEAN),    # KOR,JPN,c15 x the mean collection factor
    ("MEX", "CAN", "AUTO", None, MEAN),      # USMCA: looked up below
])
def test_base_tariff_cells_by_hand(ds, exporter, importer, sector, row_pct, factor):
    if row_pct is None:
        import csv

        with (INPUTS / "tariffs2024_by_pair.csv").open(encoding="utf-8") as fh:
            row_pct = next(r["rate_pct"] for r in csv.DictReader(fh)
                           if (r["importer"], r["exporter"], r["wiod_industry"]) == ("CAN", "MEX", "c15"))
    assert ds.trade[(exporter, importer, sector)][1] == pytest.approx(_tenths(row_pct, factor), abs=1e-9)


def test_a_split_sector_takes_its_source_industrys_rate(ds):
    """AUTO and OTRN both come from WIOD c15: into Korea from Japan both pay the c15 rate 5.1%
    x 0.584 = 2.98 -> 3.0%."""
    assert ds.trade[("JPN", "KOR", "AUTO")][1] == ds.trade[("JPN", "KOR", "OTRN")][1] == 3.0


@pytest.mark.parametrize("importer,target,tol", [("USA", 78_500, 0.01), ("JPN", 6_605, 0.01),
                                                 ("EU", 28_864, 0.01)])
def test_base_revenue_equals_the_customs_duties_collected(ds, importer, target, tol):
    """Treasury MTS (USA, calendar 2024), MoF (Japan, FY2024), European Commission (EU, gross):
    rates x c.i.f. values from trade.csv give them within 1% (rates are whole tenths)."""
    assert _revenue(ds, importer) == pytest.approx(target, rel=tol)


def test_services_carry_no_tariff(ds):
    assert all(t == 0 for (e, m, s), (v, t) in ds.trade.items() if s in SERVICES)


def test_split_sectors_add_up_to_their_source_industry():
    """At 2011 detail, the aggregated STEEL + NFM + FMP equal WIOD c12 and AUTO + OTRN equal
    c15 in every bilateral flow and every region's output (to rounding)."""
    pytest.importorskip("rdata")
    import csv
    import tempfile

    from calibration.wiod_source import aggregate, load_raw, read_mapping, split_raw

    raw = load_raw(2011)
    split = split_raw(raw, [INPUTS / "splits" / "c12_metals.csv", INPUTS / "splits" / "c15_transport.csv"])
    regions = read_mapping(INPUTS / "maps" / "regions_11.csv", raw.countries, "region")
    fine = aggregate(split, regions, read_mapping(INPUTS / "maps" / "sectors_18.csv", split.industries,
                                                   "sector")).world
    with (INPUTS / "maps" / "sectors_18.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    lumped = {"IS": "METL", "NFM": "METL", "FMP": "METL", "MVH": "TRANS", "OTN": "TRANS"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "coarse.csv"
        text = "code,name\n" + "".join(f"{c},{n}\n" for c, n in
                                        [("c12", "METL"), ("c15", "TRANS")]
                                        + [(r["code"], r["name"]) for r in rows if r["code"] not in lumped])
        path.write_text(text, encoding="utf-8")
        coarse = aggregate(raw, regions, read_mapping(path, raw.industries, "sector")).world
    for parts, whole in ((("STEEL", "NFM", "FMP"), "METL"), (("AUTO", "OTRN"), "TRANS")):
        jf = [fine.sectors.index(s) for s in parts]
        jc = coarse.sectors.index(whole)
        np.testing.assert_allclose(fine.trade[:, :, jf].sum(axis=2), coarse.trade[:, :, jc],
                                   rtol=1e-9, atol=1e-6)
        for r in fine.regions:
            out_f = sum(fine.blocks[r].z[:, j].sum() + fine.blocks[r].v[j] for j in jf)
            out_c = coarse.blocks[r].z[:, jc].sum() + coarse.blocks[r].v[jc]
            assert out_f == pytest.approx(out_c, rel=1e-9)


def test_a_scenario_names_its_data_set_and_a_mismatched_economy_is_refused(tmp_path):
    """scenarios/bilateral/ files say data = "usjpn2024": cge.run(path) uses it (three regions),
    and running one on an economy of another data set is one clear error."""
    import cge
    from cge.scenario import ScenarioError

    path = ROOT / "scenarios" / "bilateral" / "us_steel_232_25.toml"
    res = cge.run(path)
    assert res.economy.dataset.name == "usjpn2024" and len(res.summary) == 3
    with pytest.raises(ScenarioError, match="written for data set 'usjpn2024', but the economy "
                                            "was built on 'world2024'"):
        cge.run(path, economy=cge.Economy("world2024"))
    local = tmp_path / "s.toml"
    local.write_text(path.read_text(encoding="utf-8").replace('data = "usjpn2024"', 'data = "./nosuch"'),
                     encoding="utf-8")
    assert cge.load_scenario(local).data == str(tmp_path / "nosuch")  # relative to the file
