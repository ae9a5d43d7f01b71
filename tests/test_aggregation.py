"""The aggregation tool (calibration/aggregate.py, `cge data build`): WIOD by mapping files.

Each test has its own reason: the tool's numbers equal a hand aggregation of the raw arrays; the
result is a valid, replicating data set; bad mapping files fail with one clear message; every
balancing adjustment is reported and small; the shipped 3 x 10 maps reproduce wiod2011.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pytest

rdata = pytest.importorskip("rdata")

from calibration.aggregate import build, write  # noqa: E402
from calibration.common import DATA_DIR, INPUTS_DIR, SOURCE_DIR  # noqa: E402
from calibration.wiod_source import MappingError  # noqa: E402

RAW = SOURCE_DIR / "wiod2013" / "wiot_2011.RData"
MAPS = INPUTS_DIR / "maps"
SMALL_REGIONS = {"USA": "USA", "CHN": "CHN"}  # every other code -> REST
SMALL_SECTORS = {**{f"c{k}": "PRIM" for k in (1, 2)}, **{f"c{k}": "MANU" for k in range(3, 17)},
                 **{f"c{k}": "SERVS" for k in range(17, 36)}}


@pytest.fixture(scope="module")
def raw():
    """The raw 2011 arrays, parsed here with rdata directly (not through the tool's reader)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = rdata.conversion.convert(rdata.parser.parse_file(RAW))["wiot_2011"]
    return {"countries": [str(c) for c in w["countries"]], "inter": np.asarray(w["inter"], float),
            "final": np.asarray(w["final"], float), "output": np.asarray(w["output"], float)}


def _write_map(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("code,name\n" + "".join(f"{c},{n}\n" for c, n in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(raw, tmp_path_factory):
    """The 3 x 3 data set (USA, CHN, REST x PRIM, MANU, SERVS), built and written once."""
    d = tmp_path_factory.mktemp("agg")
    countries = ["USA", "CHN", *(c for c in raw["countries"] if c not in SMALL_REGIONS)]
    rmap = _write_map(d / "regions.csv", [(c, SMALL_REGIONS.get(c, "REST")) for c in countries])
    smap = _write_map(d / "sectors.csv", list(SMALL_SECTORS.items()))
    res = build(rmap, smap, 2011, name="small")
    write(res, d / "ds")
    return res, d / "ds", d


def _sam(folder: Path) -> dict[tuple[str, str, str], float]:
    with (folder / "sam.csv").open(newline="") as fh:
        return {(r["region"], r["row"], r["col"]): float(r["value"]) for r in csv.DictReader(fh)}


def test_matches_hand_aggregation_of_the_raw_arrays(raw, small):
    """Every intermediate, final-demand, trade and value-added cell of the 3 x 3 SAM equals the
    numpy sum over the mapped blocks of the raw 1435 x 1435 / 1435 x 205 arrays."""
    _, folder, _ = small
    sam = _sam(folder)
    countries = raw["countries"]
    region = np.array([SMALL_REGIONS.get(c, "REST") for c in countries])
    cell_region = np.repeat(region, 35)
    cell_sector = np.tile(np.array([SMALL_SECTORS[f"c{k}"] for k in range(1, 36)]), 41)
    fd_region, fd_cat = np.repeat(region, 5), np.tile(np.arange(5), 41)
    inter, final = raw["inter"], raw["final"]
    for r in ("USA", "CHN", "REST"):
        cols_r = cell_region == r
        for i in ("PRIM", "MANU", "SERVS"):
            rows_i = cell_sector == i  # commodity i from every origin
            for j in ("PRIM", "MANU", "SERVS"):
                want = inter[np.ix_(rows_i, cols_r & (cell_sector == j))].sum()
                assert sam.get((r, i, j), 0.0) == pytest.approx(want, abs=1e-6), (r, i, j)
            for acc, cats in (("HOH", (0, 1)), ("GOV", (2,)), ("INV", (3, 4))):
                want = final[np.ix_(rows_i, (fd_region == r) & np.isin(fd_cat, cats))].sum()
                assert sam.get((r, i, acc), 0.0) == pytest.approx(want, abs=1e-6), (r, i, acc)
            own = (cell_region == r) & rows_i
            for p in ("USA", "CHN", "REST"):
                if p != r:
                    want = (inter[np.ix_(own, cell_region == p)].sum()
                            + final[np.ix_(own, fd_region == p)].sum())
                    assert sam.get((r, i, p), 0.0) == pytest.approx(want, abs=1e-6), (r, i, p)
            va = (inter[own].sum() + final[own].sum()) - inter[:, own].sum()
            got = sum(sam.get((r, a, i), 0.0) for a in ("LAB", "CAP", "TRF"))
            assert got == pytest.approx(va, abs=1e-6), (r, i)


def test_small_set_loads_replicates_and_passes_cge_check(small):
    """The built folder is a valid data set: it loads, replicates the benchmark to 1e-10 and
    passes every check of `cge check`."""
    from click.testing import CliRunner

    import cge
    from cge.cli import main

    _, folder, _ = small
    ds = cge.load_dataset(folder)
    assert ds.regions == ("USA", "CHN", "REST") or list(ds.regions) == ["USA", "CHN", "REST"]
    rep = cge.Economy(ds).replication()
    assert rep["max_residual"] <= 1e-10
    out = CliRunner().invoke(main, ["check", "--data", str(folder)])
    assert out.exit_code == 0, out.output
    assert "all checks passed" in out.output


def test_tariffs_and_elasticities_are_trade_weighted(small):
    """USA's rate on REST's MANU is the flow-weighted mean of the 10-sector rates (USA, ROW, s) over
    the WIOD industries merged into MANU, and a merged sector's elasticities lie within the range
    of its industries' 10-sector values."""
    res, folder, _ = small
    trade = {}
    with (folder / "trade.csv").open(newline="") as fh:
        for r in csv.DictReader(fh):
            trade[(r["exporter"], r["importer"], r["sector"])] = float(r["tariff_pct"])
    with (INPUTS_DIR / "tariffs.csv").open(newline="") as fh:
        legacy = {(r["importer"], r["exporter"], r["sector"]): float(r["tariff_pct"])
                  for r in csv.DictReader(fh)}
    merged = ("FOOD", "CHEM", "METL", "MACH", "ELEC", "AUTO", "OMFG", "ENR")
    manu = [legacy[("USA", "ROW", s)] for s in merged]
    assert min(manu) <= trade[("REST", "USA", "MANU")] <= max(manu)
    assert trade[("REST", "USA", "SERVS")] == 0.0
    # fallback rates (CHN <-> REST, neither USA nor JPN) are reported
    assert any(n["importer"] == "CHN" and n["exporter"] == "REST" for n in res.tariff_fallbacks)
    assert "Tariffs by fallback" in (folder / "build_report.md").read_text()


@pytest.mark.parametrize("case, rows, message", [
    ("unknown", [("USA", "USA"), ("XXX", "A")], "line 3: unknown region code 'XXX'"),
    ("duplicate", [("USA", "USA"), ("JPN", "J"), ("USA", "B")],
     "line 4: duplicate code 'USA' (already mapped on line 2)"),
    ("unmapped", [("USA", "USA")], "unmapped region code 'AUS'"),
])
def test_bad_region_mapping_gives_one_clear_error(tmp_path, case, rows, message):
    path = _write_map(tmp_path / f"{case}.csv", rows)
    with pytest.raises(MappingError) as err:
        build(path, MAPS / "sectors_10.csv", 2011)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_bad_sector_mapping_and_cli_exit(tmp_path):
    """A sector map with an unknown code fails in the tool and, through `cge data build`, with
    exit status 2 and one line naming the file, the line and the code."""
    from click.testing import CliRunner

    from cge.cli import main

    bad = _write_map(tmp_path / "s.csv", [("c1", "AGR"), ("c99", "X")])
    with pytest.raises(MappingError, match=r"line 3: unknown sector code 'c99'"):
        build(MAPS / "regions_usa_jpn_row.csv", bad, 2011)
    no_header = tmp_path / "h.csv"
    no_header.write_text("wiod,model\nc1,AGR\n", encoding="utf-8")
    with pytest.raises(MappingError, match="needs the columns code,name"):
        build(MAPS / "regions_usa_jpn_row.csv", no_header, 2011)
    out = CliRunner().invoke(main, ["data", "build", "--regions", str(MAPS / "regions_usa_jpn_row.csv"),
                                    "--sectors", str(bad), "--out", str(tmp_path / "o")])
    assert out.exit_code == 2
    assert "unknown sector code 'c99'" in out.output and str(bad) in out.output
    assert not (tmp_path / "o").exists()


def test_full_detail_adjustments_reported_and_bounded(raw, tmp_path):
    """The 41 x 35 world needs every kind of adjustment; each is in build_report.md and small:
    output gaps (row total vs published) at most 0.2% of world output, each value-added raise no
    more than the shortfall it fixes and 1e-4 of world GDP in all, negative flows cleared at most
    1 bn each."""
    res = build(MAPS / "regions_wiod41.csv", MAPS / "sectors_wiod35.csv", 2011)
    write(res, tmp_path / "full")
    report = (tmp_path / "full" / "build_report.md").read_text()
    gaps = res.aggregated.output_gap
    assert abs(sum(gaps.values())) <= 2e-3 * raw["output"].sum()
    assert max(abs(g) for g in gaps.values()) <= 0.01 * max(raw["output"])
    assert res.adjustments and "Value added raised" in report
    gdp = sum(float(res.aggregated.world.blocks[r].v.sum()) for r in res.aggregated.world.regions)
    assert sum(float(m["delta"]) for m in res.adjustments) <= 1e-4 * gdp
    w = res.aggregated.world
    for m in res.adjustments:
        assert f"| {m['region']} | {m['sector']} |" in report
        r, j = w.regions.index(m["region"]), w.sectors.index(m["sector"])
        b = w.blocks[m["region"]]
        output = float(b.z[:, j].sum() + b.v[j])
        exports = float(w.trade[r, :, j].sum())
        # no more than the shortfall it fixes: tariff revenue, negative value added, exports above
        # output (a domestic inventory run-down), the floor on value added and on domestic sales
        bound = (float(m["tariff_revenue"]) + max(0.0, -float(m["before"]))
                 + max(0.0, exports - output) + 2 + 1)
        assert 0 < float(m["delta"]) <= bound, m
    assert res.negative_trade and all(-1000 <= float(n["flow"]) < 0 for n in res.negative_trade)
    assert "Negative bilateral flows" in report
    assert res.aggregated.inventory  # negative INV cells exist at full detail and are listed
    assert "Negative inventory change" in report


def test_shipped_maps_reproduce_wiod2011_byte_for_byte(tmp_path):
    """The tool with calibration/inputs/maps/{regions_usa_jpn_row,sectors_10}.csv gives the
    committed data/wiod2011 SAM, trade (with tariffs) and elasticities byte for byte."""
    res = build(MAPS / "regions_usa_jpn_row.csv", MAPS / "sectors_10.csv", 2011, name="wiod2011")
    for f in ("sam.csv", "trade.csv", "elasticities.csv"):
        assert res.texts[f].encode() == (DATA_DIR / "wiod2011" / f).read_bytes(), f
    assert not res.adjustments and not res.negative_trade and not res.tariff_fallbacks


def test_tariff_table_overrides_by_most_specific_key(small):
    """A --tariffs table swaps rates in: a model-pair, model-sector row sets the whole block; a
    WIOD-pair, WIOD-industry row wins over it for its cells (the flow-weighted mean moves)."""
    res, _, d = small
    table = d / "tariffs.csv"
    table.write_text("importer,exporter,sector,tariff_pct,grade,source\n"
                     "USA,CHN,MANU,25,A,test\n", encoding="utf-8")
    got = build(d / "regions.csv", d / "sectors.csv", 2011, tariffs_path=table)
    assert got.assembled.tariff_tenths[("CHN", "USA", "MANU")] == 250
    table.write_text("importer,exporter,sector,tariff_pct\nUSA,CHN,MANU,25\nUSA,CHN,c14,0\n",
                     encoding="utf-8")
    mixed = build(d / "regions.csv", d / "sectors.csv", 2011, tariffs_path=table)
    assert 0 < mixed.assembled.tariff_tenths[("CHN", "USA", "MANU")] < 250
    # elsewhere the rates are those of the build without the table
    assert mixed.assembled.tariff_tenths[("REST", "USA", "MANU")] == res.assembled.tariff_tenths[
        ("REST", "USA", "MANU")]
