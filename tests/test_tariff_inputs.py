"""The research tariff tables parse and hold together: calibration/inputs/tariffs2024_by_pair.csv
(2024 base tariffs by importer x exporter x WIOD industry) and calibration/inputs/us_measures_2025.csv
(the 2025 US measures and retaliation, by cell).

Independent reasons to be right: the files are read as plain CSV (no project code), and the spot
checks compare cells with numbers quoted from the tables cited in calibration/source/
tariffs2024_notes.md (sources S1, S2) and calibration/source/us_tariffs_2025.md (the instruments).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "calibration" / "inputs" / "tariffs2024_by_pair.csv"
MEASURES = ROOT / "calibration" / "inputs" / "us_measures_2025.csv"

REGIONS = {"USA", "JPN", "CHN", "KOR", "TWN", "CAN", "MEX", "EU", "GBR", "IND", "ROW"}
CODES = REGIONS | {"*"}
INDUSTRIES = [f"c{i}" for i in range(1, 36)]
GOODS = INDUSTRIES[:16]
GRADES = {"official", "secondary", "estimate"}
OPERATIONS = {"add", "add_232", "floor_total", "set_total", "replace"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def base() -> list[dict[str, str]]:
    return _read(BASE)


@pytest.fixture(scope="module")
def measures() -> list[dict[str, str]]:
    return _read(MEASURES)


def _cell(rows, importer, exporter, industry) -> float:
    """The lookup rule of tariffs2024_notes.md section 1: pair row, else MFN row, else rule row."""
    index = {(r["importer"], r["exporter"], r["wiod_industry"]): float(r["rate_pct"]) for r in rows}
    for key in ((importer, exporter, industry), (importer, "*", industry), ("*", "*", industry)):
        if key in index:
            return index[key]
    raise KeyError((importer, exporter, industry))


# ---- the 2024 base table ------------------------------------------------------------------------
def test_base_columns_and_rows_are_complete(base):
    assert list(base[0]) == ["importer", "exporter", "wiod_industry", "rate_pct", "basis", "source",
                             "grade", "note"]
    for r in base:
        assert r["importer"] in CODES and r["exporter"] in CODES, r
        assert r["wiod_industry"] in INDUSTRIES, r
        assert r["source"].strip() and r["basis"].strip(), r
        assert r["grade"] in GRADES, r
        assert 0.0 <= float(r["rate_pct"]) <= 200.0, r
        assert not (r["importer"] == r["exporter"] != "*"), r  # domestic flows have no row
        assert not (r["importer"] == "*" and r["exporter"] != "*"), r


def test_base_has_no_duplicate_keys(base):
    keys = Counter((r["importer"], r["exporter"], r["wiod_industry"]) for r in base)
    assert [k for k, n in keys.items() if n > 1] == []


def test_base_covers_every_cell_exactly_once_by_its_rules(base):
    # services: one rule row each, rate 0; goods: one MFN default per importer and industry
    rules = [r for r in base if r["importer"] == "*"]
    assert sorted(r["wiod_industry"] for r in rules) == sorted(INDUSTRIES[16:])
    assert all(float(r["rate_pct"]) == 0.0 for r in rules)
    mfn = Counter((r["importer"], r["wiod_industry"]) for r in base if r["exporter"] == "*"
                  and r["importer"] != "*")
    assert set(mfn) == {(i, s) for i in REGIONS for s in GOODS}
    # pair rows only for goods (a pair may override a single industry, e.g. Section 232 on c12)
    assert {r["wiod_industry"] for r in base if r["exporter"] != "*"} <= set(GOODS)
    for i in REGIONS:
        for x in REGIONS - {i}:
            for s in INDUSTRIES:
                _cell(base, i, x, s)  # resolves


def test_base_spot_checks_against_cited_tables(base):
    # S1 (tariffs2024_notes.md): trade.gov Country Commercial Guide "Japan - Import Tariffs", quoting
    # WTO World Tariff Profiles, simple average MFN by product group
    assert _cell(base, "JPN", "TWN", "c13") == 0.0   # non-electrical machinery 0.0
    assert _cell(base, "JPN", "TWN", "c14") == 0.2   # electrical machinery 0.2
    assert _cell(base, "JPN", "TWN", "c15") == 0.0   # transport equipment 0.0
    assert _cell(base, "JPN", "TWN", "c16") == 1.1   # manufactures n.e.s. 1.1
    # S2: World Tariff Profiles 2022, India, Part A.2, petroleum 9.2
    assert _cell(base, "IND", "EU", "c8") == 9.2
    # services carry no tariff; a customs union's partner pays MFN x factor, never more than MFN
    assert _cell(base, "USA", "CHN", "c28") == 0.0
    for s in GOODS:
        assert _cell(base, "EU", "GBR", s) <= _cell(base, "EU", "USA", s)
        assert _cell(base, "USA", "MEX", s) <= _cell(base, "USA", "TWN", s)
    # Section 301: every US cell on China is above the US MFN default
    assert all(_cell(base, "USA", "CHN", s) > _cell(base, "USA", "TWN", s) for s in GOODS)


# ---- the 2025 measures ----------------------------------------------------------------------------
def test_measures_columns_and_rows_are_valid(measures):
    assert set(measures[0]) >= {"measure_id", "instrument", "federal_register", "effective_from",
                                "effective_to", "importer", "exporter", "wiod_industries", "operation",
                                "statutory_rate_pct", "coverage_share", "cell_rate_pct", "grade",
                                "coverage_grade", "source"}
    for r in measures:
        assert r["importer"] in CODES and r["exporter"] in CODES, r
        inds = r["wiod_industries"].split(";")
        assert inds and all(s in GOODS for s in inds) and len(set(inds)) == len(inds), r
        assert r["source"].strip() and r["instrument"].strip(), r
        assert r["grade"] in GRADES and r["coverage_grade"] in GRADES, r
        assert r["operation"] in OPERATIONS, r
        for col in ("statutory_rate_pct", "cell_rate_pct"):
            assert 0.0 <= float(r[col]) <= 200.0, r
        assert 0.0 < float(r["coverage_share"]) <= 1.0, r
        assert DATE.match(r["effective_from"]), r
        if r["effective_to"]:
            assert DATE.match(r["effective_to"]) and r["effective_to"] >= r["effective_from"], r
        if r["operation"] in ("add", "add_232", "replace"):
            cell = float(r["statutory_rate_pct"]) * float(r["coverage_share"])
            assert abs(cell - float(r["cell_rate_pct"])) <= 0.011, r


def test_measures_have_no_duplicate_keys(measures):
    keys = Counter((r["measure_id"], r["importer"], r["exporter"], r["wiod_industries"]) for r in measures)
    assert [k for k, n in keys.items() if n > 1] == []
    # within one measure and exporter, an industry appears in one row only
    seen = Counter((r["measure_id"], r["importer"], r["exporter"], s)
                   for r in measures for s in r["wiod_industries"].split(";"))
    assert [k for k, n in seen.items() if n > 1] == []


def _statutory(measures, mid, exporter) -> set[float]:
    return {float(r["statutory_rate_pct"]) for r in measures
            if r["measure_id"] == mid and r["exporter"] == exporter}


def test_measures_spot_checks_against_instruments(measures):
    # EO 14257 Annex I (90 FR 15041), as quoted in the Thompson Coburn alert of 2 Apr 2025
    assert _statutory(measures, "recip_apr9", "JPN") == {24.0}
    assert _statutory(measures, "recip_apr9", "EU") == {20.0}
    assert _statutory(measures, "recip_apr9", "TWN") == {32.0}
    assert _statutory(measures, "recip_chn_125", "CHN") == {125.0}  # EO 14266, 90 FR 15625
    # Proclamation 10947 (90 FR 24199): 50%, the UK at 25%
    for x in REGIONS - {"USA", "GBR"}:
        assert _statutory(measures, "s232_metals_50", x) == {50.0}
    assert _statutory(measures, "s232_metals_50", "GBR") == {25.0}
    # EO 14325 (90 FR 37957): Canada 35% on non-USMCA goods from 1 Aug 2025
    assert _statutory(measures, "ieepa_can_35", "CAN") == {35.0}
    assert {r["effective_from"] for r in measures if r["measure_id"] == "ieepa_can_35"} == {"2025-08-01"}
    # Korea notice (90 FR 55964): autos 15% all-in from 1 Nov 2025
    kor = [r for r in measures if r["measure_id"] == "deal_kor_autos"]
    assert [(r["operation"], r["statutory_rate_pct"], r["effective_from"]) for r in kor] == [
        ("set_total", "15.00", "2025-11-01")]
    # Proclamation 10908 (90 FR 14705): autos +25% for every partner, on transport equipment only
    autos = [r for r in measures if r["measure_id"] == "s232_autos"]
    assert {r["exporter"] for r in autos} == REGIONS - {"USA"}
    assert {r["statutory_rate_pct"] for r in autos} == {"25.00"}
    assert {r["wiod_industries"] for r in autos} == {"c15"}


@pytest.mark.parametrize("script, path", [("build_tariff_tables.py", BASE),
                                          ("build_us_measures_2025.py", MEASURES)])
def test_committed_csvs_are_what_the_scripts_write(script, path, tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location(script[:-3], ROOT / "scripts" / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / path.name
    monkeypatch.setattr(module, "OUT", out)
    module.main()
    assert out.read_bytes() == path.read_bytes()
