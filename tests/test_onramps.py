"""The data on-ramps (cge.build): GTAP-layout HAR files and national SAMs into the input format.

The known data set is TWOCGE (tests/data/twocge; Hosoe, Gasawa & Hashimoto 2010) written in
each layout by tests/onramp_synth.py; importing it must give back the same accounts, hence a
benchmark that replicates and the same results as the CSV route. GTAP data are licensed, so the
HAR files are written here (harpy3, the extra cge[gtap]).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from onramp_synth import TWOCGE, known_dataset, write_gtap, write_sams

import cge
from cge.build import balance_square
from cge.build.balance import BalancingError
from cge.cli import main
from cge.errors import DataError

#: harpy 0.3.1 uses numpy's deprecated np.chararray (a warning, not a failure of ours).
pytestmark = pytest.mark.filterwarnings("ignore:`np.chararray` is deprecated:DeprecationWarning")

SCENARIO = ('name = "t"\n[[shock]]\nimporter = "USA"\nexporters = ["JPN"]\nsectors = "all"\n'
            'add_pct = 20\n')


def _cells(folder: Path) -> dict[tuple[str, str, str], float]:
    ds = cge.load_dataset(folder)
    return {(r, a, b): float(v) for r, a, b, v in
            ds.sam[["region", "row", "col", "value"]].itertuples(index=False)}


def _welfare(folder: Path, tmp_path: Path) -> pd.DataFrame:
    sc = tmp_path / "t.toml"
    sc.write_text(SCENARIO)
    return cge.run(sc, data=folder).welfare


# ------------------------------------------------------------------------------------------
# balancing
# ------------------------------------------------------------------------------------------


def test_square_balancing_is_the_cross_entropy_solution_in_closed_form():
    """Two accounts paying each other 10 and 14 must pay the same y. The information loss
    y ln(y/10) + y ln(y/14) is least where ln(y/10) + ln(y/14) + 2 = 2, i.e. y = sqrt(140)."""
    res = balance_square([[0.0, 10.0], [14.0, 0.0]], ["A", "B"])
    y = math.sqrt(140.0)
    np.testing.assert_allclose(res.matrix, [[0.0, y], [y, 0.0]], rtol=1e-12)
    assert [(c.row, c.col, c.before) for c in res.changes] == [("B", "A", 14.0), ("A", "B", 10.0)]
    assert res.changes[0].after == pytest.approx(y, rel=1e-12)


def test_square_balancing_keeps_fixed_cells_and_refuses_an_impossible_account():
    """Account C's cells are fixed and its totals differ (3 in, 5 out): no cell may move."""
    sam = [[0, 4, 3], [4, 0, 0], [5, 0, 0]]
    fixed = np.zeros((3, 3), dtype=bool)
    fixed[2, :] = fixed[:, 2] = True
    with pytest.raises(BalancingError, match="account C: row total 5 and column total 3"):
        balance_square(sam, ["A", "B", "C"], fixed=fixed)


# ------------------------------------------------------------------------------------------
# GTAP
# ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def known(tmp_path_factory) -> Path:
    return known_dataset(tmp_path_factory.mktemp("known") / "known")


def test_gtap_round_trip_replicates_and_matches_the_csv_route(known, tmp_path):
    """HAR files hold 4-byte reals (relative precision 6e-8), so the imported cells equal the
    known data set's to 1e-6 relative; the benchmark replicates to 1e-10; the scenario's EV
    and its decomposition are those of the CSV route to 1e-6 of the largest EV."""
    imp = cge.build.import_gtap(write_gtap(tmp_path / "gtap", known))
    out = imp.write(tmp_path / "imported", reference_region="USA")
    a, b = _cells(known), _cells(out)
    assert set(a) == set(b)
    for k, v in a.items():
        assert b[k] == pytest.approx(v, rel=1e-6, abs=1e-5), k
    assert cge.Economy(out).replication()["max_residual"] <= 1e-10
    wa, wb = _welfare(known, tmp_path), _welfare(out, tmp_path)
    scale = float(wa["ev"].abs().max())
    assert scale > 0.1
    np.testing.assert_allclose(wb.to_numpy(float), wa.to_numpy(float), rtol=0, atol=1e-6 * scale)


def test_gtap_elasticities_come_from_default_prm(known, tmp_path):
    """default.prm holds ESBV 1, ESBD 2, ESBM 2 (written from the known set): sigma_va,
    sigma_d, sigma_m; GTAP has no CET between domestic sales and exports, so psi is inf."""
    imp = cge.build.import_gtap(write_gtap(tmp_path / "gtap", known))
    assert [(r["sector"], r["sigma_va"], r["sigma_d"], r["sigma_m"], r["psi"])
            for r in imp.elasticities] == [("BRD", "1", "2", "2", "inf"), ("MLK", "1", "2", "2", "inf")]


def test_gtap_margins_are_dropped_and_sized(known, tmp_path):
    """Margins of 5% of f.o.b. value on the 36 of world trade (8 + 4 + 13 + 11) are 1.8, a
    share 0.05/1.05 of c.i.f. imports; the tariff on them, 5% of the tariffs (3 + 2), is 0.25.
    Dropping them gives back the accounts of the data set without them."""
    imp = cge.build.import_gtap(write_gtap(tmp_path / "gtap", known, margin=0.05))
    d = {x.item: x for x in imp.dropped}
    m = d["international transport margins"]
    assert m.value == pytest.approx(1.8, rel=1e-6)
    assert m.share == pytest.approx(0.05 / 1.05, rel=1e-6)
    assert d["tariffs on margins and export taxes"].value == pytest.approx(0.25, rel=1e-6)
    assert d["output taxes"].value == pytest.approx(39.0, rel=1e-6)  # IDT 9 + 30
    assert "international transport margins [VCIF - VFOB]: 1.800" in imp.report()
    out = imp.write(tmp_path / "imported")
    a, b = _cells(known), _cells(out)
    for k, v in a.items():
        assert b[k] == pytest.approx(v, rel=1e-6, abs=1e-5), k


def test_gtap_purchase_taxes_are_dropped_and_sized(known, tmp_path):
    """A 10% tax on households' purchases (50 + 60) is 11, a share 11/243 of final demand
    (JPN 114, USA 129); consumption is imported at basic prices, the accounts unchanged."""
    imp = cge.build.import_gtap(write_gtap(tmp_path / "gtap", known, purchase_tax=0.1))
    p = {x.item: x for x in imp.dropped}["purchase taxes of private households"]
    assert p.value == pytest.approx(11.0, rel=1e-6)
    assert p.share == pytest.approx(11.0 / 243.0, rel=1e-6)
    out = imp.write(tmp_path / "imported")
    a, b = _cells(known), _cells(out)
    for k, v in a.items():
        assert b[k] == pytest.approx(v, rel=1e-6, abs=1e-5), k


def test_gtap_map_merges_and_renames(known, tmp_path):
    """Merging TWOCGE's two sectors into GDS sums them: Japan's intermediate use of GDS is
    21 + 8 + 17 + 9 = 55, its capital income 20 + 30 = 50 (renamed K), its exports 8 + 4 = 12;
    its tariff on imports from the USA is (1 + 2) / (13 + 11) = 12.5%. Both sectors have
    sigma_d 2 and sigma_va 1, so any weighted average is 2 and 1."""
    mapping = tmp_path / "map.csv"
    mapping.write_text("set,from,to\nsector,BRD,GDS\nsector,MLK,GDS\nfactor,CAP,K\n")
    imp = cge.build.import_gtap(write_gtap(tmp_path / "gtap", known), mapping=mapping)
    assert imp.sectors == ["GDS"] and imp.factors == ["K", "LAB"]
    jpn = imp.sam["JPN"]
    assert jpn[("GDS", "GDS")] == pytest.approx(55, rel=1e-6)
    assert jpn[("K", "GDS")] == pytest.approx(50, rel=1e-6)
    assert jpn[("GDS", "USA")] == pytest.approx(12, rel=1e-6)
    assert imp.trade[("USA", "JPN", "GDS")][1] == pytest.approx(12.5, rel=1e-6)
    assert [(r["sigma_va"], r["sigma_d"], r["sigma_m"]) for r in imp.elasticities] == [("1", "2", "2")]
    out = imp.write(tmp_path / "merged", reference_region="USA")
    assert cge.Economy(out).replication()["max_residual"] <= 1e-10
    mapping.write_text("set,from,to\nsector,XXX,GDS\n")
    with pytest.raises(DataError, match=r"^map.csv: line 2: sector 'XXX' is not in the database"):
        cge.build.import_gtap(tmp_path / "gtap", mapping=mapping)


def test_gtap_merged_regions_trade_becomes_domestic(tmp_path):
    """Merging R1 and R2 of a three-region data set (tests/synth.py) turns their trade with
    each other into domestic sales: the report's intra-regional trade is the sum of the two
    directions in trade.csv, the tariffs on it are those flows' tariff_pct times value, and
    the merged data set replicates."""
    from synth import make_tables, write_tables

    src = write_tables(tmp_path / "three", *make_tables(3, 3, 4))
    trade = pd.read_csv(src / "trade.csv")
    pair = trade[trade.exporter.isin(["R1", "R2"]) & trade.importer.isin(["R1", "R2"])]
    assert pair.value.sum() > 0 and (pair.tariff_pct > 0).any()
    mapping = tmp_path / "map.csv"
    mapping.write_text("set,from,to\nregion,R1,R12\nregion,R2,R12\n")
    imp = cge.build.import_gtap(write_gtap(tmp_path / "gtap", src), mapping=mapping)
    assert imp.regions == ["R0", "R12"]
    d = {x.item: x for x in imp.dropped}
    assert d["trade within aggregated regions"].value == pytest.approx(pair.value.sum(), rel=1e-6)
    assert d["tariffs on trade within aggregated regions"].value == pytest.approx(
        (pair.value * pair.tariff_pct / 100).sum(), rel=1e-5)
    out = imp.write(tmp_path / "merged", reference_region="R0")
    assert cge.Economy(out).replication()["max_residual"] <= 1e-10


def test_gtap_bad_input_gives_one_line_errors(known, tmp_path):
    """A missing folder, a file without a header the import needs, an unknown reference."""
    with pytest.raises(DataError, match="GTAP folder .* does not exist"):
        cge.build.import_gtap(tmp_path / "nowhere")
    import harpy

    folder = write_gtap(tmp_path / "gtap", known)
    har = harpy.HarFileObj.loadFromDisk(str(folder / "basedata.har"))
    har.removeHeaderArrayObjs(["VCIF"])
    har.writeToDisk(str(folder / "basedata.har"))
    with pytest.raises(DataError, match=r"^basedata.har: headers VCIF missing \(hint: a GTAP v7"):
        cge.build.import_gtap(folder)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "basedata.har").write_bytes(b"not a har file")
    with pytest.raises(DataError) as e:
        cge.build.import_gtap(tmp_path / "junk")
    assert "\n" not in str(e.value) and "basedata.har" in str(e.value)
    folder = write_gtap(tmp_path / "gtap3", known)
    prm = harpy.HarFileObj.loadFromDisk(str(folder / "default.prm"))
    prm.getHeaderArrayObj("ESBV")["array"][1] = 0.0
    prm.writeToDisk(str(folder / "default.prm"))
    with pytest.raises(DataError, match=r"^default.prm: header ESBV: 0 for sector MLK, region "
                                        r"JPN; the model needs sigma_va > 0"):
        cge.build.import_gtap(folder)
    imp = cge.build.import_gtap(write_gtap(tmp_path / "gtap2", known))
    with pytest.raises(DataError, match="reference region 'XX' is not a GTAP region"):
        imp.write(tmp_path / "o", reference_region="XX")
    assert not (tmp_path / "o").exists()


def test_cli_import_gtap(known, tmp_path):
    folder = write_gtap(tmp_path / "gtap", known)
    res = CliRunner().invoke(main, ["import-gtap", str(folder), "--out", str(tmp_path / "d"),
                                    "--reference", "USA"])
    assert res.exit_code == 0, res.output
    assert "output taxes [MAKB - MAKS]: 39.000 = 10.26% of world output" in res.output
    assert cge.load_dataset(tmp_path / "d").reference_region == "USA"
    res = CliRunner().invoke(main, ["import-gtap", str(folder), "--out", str(tmp_path / "d")])
    assert res.exit_code != 0 and "exists" in res.output


# ------------------------------------------------------------------------------------------
# national SAMs
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("split", [True, False], ids=["make-use", "combined"])
def test_sam_round_trip_gives_back_the_data_set_and_its_results(tmp_path, split):
    """TWOCGE as make/use SAMs (activity and commodity accounts) or with combined sector
    accounts, renamed institutions and one ROW account, comes back as the same sam.csv, byte
    for byte, and the same trade table; nothing is dropped or balanced; same results as the
    CSV route."""
    imp = cge.build.import_sams(write_sams(tmp_path / "sams", TWOCGE, split_sectors=split))
    assert imp.dropped == [] and all(c == [] for c in imp.changes.values())
    out = imp.write(tmp_path / "d", reference_region="USA", unit="USD")
    assert (out / "sam.csv").read_text() == (TWOCGE / "sam.csv").read_text()
    pd.testing.assert_frame_equal(pd.read_csv(out / "trade.csv"), pd.read_csv(TWOCGE / "trade.csv"),
                                  rtol=0, atol=0)
    assert cge.Economy(out).replication()["max_residual"] <= 1e-10
    pd.testing.assert_frame_equal(_welfare(out, tmp_path), _welfare(TWOCGE, tmp_path),
                                  rtol=1e-12, atol=1e-12)


def _edit(path: Path, row: str, col: str, value: str) -> None:
    rows = list(csv.reader(path.open()))
    j = rows[0].index(col)
    for r in rows:
        if r[0] == row:
            r[j] = value
    with path.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_an_unbalanced_sam_is_balanced_and_every_change_reported(tmp_path):
    """Japan's households buy 24 of BRD instead of 20, and receive a remittance of 1 from
    abroad. The remittance has no place in the model (dropped, reported). The SAM written
    balances (the loader checks every account), trade, tariffs and foreign saving are as
    given, and the changes have the cross-entropy form x_ij = a_ij z_j / z_i: around any cycle
    of accounts (BRD -> HOH -> CAP -> BRD) the ratios x/a multiply to 1. Every reported change
    is the difference between the SAM given and the one written."""
    folder = write_sams(tmp_path / "sams", TWOCGE)
    _edit(folder / "sam_JPN.csv", "C_BRD", "HH", "24")
    _edit(folder / "sam_JPN.csv", "HH", "ROW", "1")
    imp = cge.build.import_sams(folder)
    assert [(d.region, d.row, d.col, d.value) for d in imp.dropped] == [("JPN", "HH", "ROW", 1.0)]
    out = imp.write(tmp_path / "d")
    got = {k[1:]: v for k, v in _cells(out).items() if k[0] == "JPN"}
    given = {k[1:]: v for k, v in _cells(TWOCGE).items() if k[0] == "JPN"}
    given[("BRD", "HOH")] = 24.0
    def ratio(r, c):
        return got[(r, c)] / given[(r, c)]

    assert ratio("BRD", "HOH") < 1 and ratio("HOH", "CAP") > 1
    assert ratio("BRD", "HOH") * ratio("HOH", "CAP") * ratio("CAP", "BRD") == pytest.approx(1, 1e-9)
    assert ratio("BRD", "MLK") * ratio("MLK", "BRD") == pytest.approx(1, rel=1e-9)
    for k in [("BRD", "USA"), ("USA", "BRD"), ("TRF", "BRD"), ("TRF", "MLK"), ("INV", "USA")]:
        assert got[k] == given[k]
    changes = {(c.row, c.col): (c.before, c.after) for c in imp.changes["JPN"]}
    moved = {k for k in given if not math.isclose(got.get(k, 0.0), given[k], abs_tol=1e-9)}
    assert set(changes) == moved and len(moved) >= 2
    for k, (before, after) in changes.items():
        assert before == given[k] and after == pytest.approx(got[k], abs=1e-12)
    assert imp.changes["USA"] == []
    assert "JPN: dropped (HH, ROW) = 1: transfer with the rest of the world" in imp.report()
    assert "JPN: balanced (BRD, HOH): 24 -> " in imp.report()


@pytest.mark.parametrize("edit,message", [
    (lambda f: _edit(f / "sam_JPN.csv", "HH", "C_BRD", "1,5"),
     r"^sam_JPN.csv: line 10, row 'HH', column 'C_BRD': '1,5' is not a finite number"),
    (lambda f: (f / "sam_JPN.csv").write_text((f / "sam_JPN.csv").read_text()
                                              .replace("\nHH,", "\nHOUSE,")),
     r"^sam_JPN.csv: row accounts differ from column accounts \(rows only: HOUSE; columns only: HH\)"),
    (lambda f: (f / "accounts.csv").write_text((f / "accounts.csv").read_text()
                                               .replace("HH,household", "HH,hh")),
     r"^accounts.csv: line 10: account 'HH' has type 'hh' \(hint: the types are sector,"),
    (lambda f: (f / "accounts.csv").write_text((f / "accounts.csv").read_text()
                                               .replace("LAB,factor,LAB\n", "")),
     r"^sam_JPN.csv: account 'LAB' has no line in accounts.csv \(hint: add a line LAB,<type>"),
    (lambda f: (f / "trade.csv").write_text((f / "trade.csv").read_text() + "CHN,USA,BRD,1,0\n"),
     r"^trade.csv: line 6: exporter 'CHN' has no sam_CHN.csv"),
    (lambda f: _edit(f / "sam_JPN.csv", "A_BRD", "C_MLK", "3"),
     r"^sam_JPN.csv: row 'A_BRD', column 'C_MLK': activity of sector BRD sells commodity of "
     r"sector MLK"),
], ids=["number", "labels", "type", "unmapped", "trade-region", "secondary-product"])
def test_bad_sam_input_gives_one_line_errors(tmp_path, edit, message):
    folder = write_sams(tmp_path / "sams", TWOCGE)
    edit(folder)
    with pytest.raises(DataError, match=message) as e:
        cge.build.import_sams(folder)
    assert "\n" not in str(e.value)


def test_cli_import_sam(tmp_path):
    """The trade table wins over a SAM's own trade: Japan's BRD exports to the USA are 9 in
    trade.csv and 8 in sam_JPN.csv; the report names the cell and both values."""
    folder = write_sams(tmp_path / "sams", TWOCGE)
    _edit(folder / "sam_JPN.csv", "C_BRD", "HH", "24")
    (folder / "trade.csv").write_text((folder / "trade.csv").read_text()
                                      .replace("JPN,USA,BRD,8,", "JPN,USA,BRD,9,"))
    res = CliRunner().invoke(main, ["import-sam", str(folder), "--out", str(tmp_path / "d"),
                                    "--reference", "USA", "--name", "mine"])
    assert res.exit_code == 0, res.output
    assert "JPN: balanced (BRD, HOH): 24 -> " in res.output
    assert "JPN: (BRD, <rest of world>) set by trade.csv: 8 -> 9" in res.output
    assert "USA: (<rest of world>, BRD) set by trade.csv: 8 -> 9" in res.output
    ds = cge.load_dataset(tmp_path / "d")
    assert ds.name == "mine"
    assert ds.trade.set_index(["exporter", "importer", "sector"]).loc[("JPN", "USA", "BRD"),
                                                                      "value"] == 9
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    res = CliRunner().invoke(main, ["import-sam", str(folder), "--out", str(tmp_path / "x"),
                                    "--force"])
    assert res.exit_code != 0 and "holds other files" in res.output
    assert (tmp_path / "x" / "notes.txt").exists()
