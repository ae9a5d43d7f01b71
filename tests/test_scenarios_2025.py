"""The 2025 scenarios on world2024 (scenarios/*.toml, written by scripts/build_scenarios_2025.py).

Every file parses, names world2024, fits its data (Scenario.tariffs) and solves; the generator's
``--check`` passes; and the rates of selected cells equal rates computed by hand from the legal
instruments (calibration/source/us_tariffs_2025.md), the stated coverage shares and the base rates.
The hand calculations use the base rate of the cell (world2024 trade.csv, quoted in each comment)
and the numbers the files' headers state; a cell's rate is written rounded to 0.1 point, so the
comparisons allow 0.06 point.
"""

import subprocess
import sys
from pathlib import Path

import pytest

import cge
from cge.economy import DEFAULT_DATA, resolve_data
from cge.scenario import base_rates

ROOT = Path(__file__).resolve().parent.parent
FILES = {p.stem: p for p in sorted((ROOT / "scenarios").glob("*.toml"))}
NAMES = ["us_autos_232", "us_steel_232_25", "us_steel_232_50", "us_baseline_10",
         "us_reciprocal_apr2", "us_after_deals_2025", "chn_retaliation_2025",
         "can_retaliation_2025", "jpn_retaliation_farm_whatif", "tpp_farm_access_whatif"]
SERVICES = ("UTIL", "TRD", "OSRV")
TOL = 0.06  # rounding to 0.1 point, plus float noise


@pytest.fixture(scope="module")
def ds():
    return resolve_data("world2024")


@pytest.fixture(scope="module")
def base(ds):
    return base_rates(ds)


@pytest.fixture(scope="module")
def eco():
    return cge.Economy()  # the default data set


def rates(name, ds, base):
    """New rates in percent, keyed (importer, exporter, sector), and the base in percent."""
    new = cge.load_scenario(FILES[name]).tariffs(ds, base)
    return ({(m, x, i): 100 * v for (x, m, i), v in new.items()},
            {(m, x, i): 100 * v for (x, m, i), v in base.items()})


def test_the_ten_files_are_shipped():
    assert set(NAMES) <= set(FILES)


@pytest.mark.parametrize("name", NAMES)
def test_parses_names_world2024_and_fits_it(name, ds, base):
    sc = cge.load_scenario(FILES[name])
    assert sc.name == name and sc.data == "world2024"
    assert sc.description and ("2025" in sc.source or "2018" in sc.source)  # a dated instrument
    text = FILES[name].read_text(encoding="utf-8")
    assert text.startswith("# ") and "Not represented" in text
    new = sc.tariffs(ds, base)  # every shock touches a traded flow of world2024
    changed = [k for k in base if new[k] != base[k]]
    assert changed
    assert not [k for k in changed if k[2] in SERVICES]  # services carry no tariff
    assert all(v > -1 for v in new.values())


def test_default_data_is_world2024_and_a_file_runs_on_it():
    assert DEFAULT_DATA == "world2024"
    res = cge.run(FILES["us_autos_232"])  # cge.run(path): the file's data, the default
    assert res.info.converged


@pytest.mark.parametrize("name", NAMES)
def test_converges_fast(name, eco):
    res = cge.run(FILES[name], economy=eco)
    assert res.info.converged and res.info.max_residual < 1e-8
    # measured 0.10-0.33 s on 2 shared cores (docs/scenarios.md); a generous bound
    assert res.info.seconds < 5


def test_generator_check_passes():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_scenarios_2025.py"), "--check"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


# ---- rates against hand calculations --------------------------------------------------------

def test_autos_232_japan_korea_canada_and_not_otrn(ds, base):
    new, b = rates("us_autos_232", ds, base)
    # Proclamation 10908: +25% on passenger vehicles, light trucks and listed parts, on top of
    # MFN. Korea: the research table puts vehicles and listed parts at 0.9 of Korea's c15 sales
    # to the US, more than AUTO's share of c15 (0.8, c15_transport.csv), so all of AUTO is
    # covered: 0.1 + 25 = 25.1.
    assert new["USA", "KOR", "AUTO"] == pytest.approx(b["USA", "KOR", "AUTO"] + 25, abs=TOL)
    assert b["USA", "KOR", "AUTO"] == pytest.approx(0.1)
    # Japan: 0.9 of c15 is vehicles and listed parts; AUTO is 0.95 of Japan's c15 sales to the US
    # (c15_transport.csv); the rest of AUTO (motorcycles, trailers, unlisted parts) is not
    # covered: 1.5 + 25 x 0.9 / 0.95 = 1.5 + 23.68 = 25.18.
    assert new["USA", "JPN", "AUTO"] == pytest.approx(1.5 + 25 * 0.9 / 0.95, abs=TOL)
    # Canada, USMCA content rule: qualifying vehicles pay on their non-US content only and
    # qualifying parts are exempt; the research table's effective share of c15 is 0.35, and
    # AUTO is 0.8 of Canada's c15: 0.1 + 25 x 0.35 / 0.8 = 0.1 + 10.94 = 11.04, well below the
    # full 25 a non-USMCA origin with the same mix would pay.
    assert new["USA", "CAN", "AUTO"] == pytest.approx(0.1 + 25 * 0.35 / 0.8, abs=TOL)
    # Aircraft, ships and rail are not "automobiles or automobile parts".
    assert all(new["USA", x, "OTRN"] == b["USA", x, "OTRN"] for x in ("JPN", "EU", "GBR"))
    # No deal in the measure as first enacted: the UK, EU and Japan pay the full measure.
    assert new["USA", "GBR", "AUTO"] > b["USA", "GBR", "AUTO"] + 10


def test_steel_50_with_the_uk_at_25(ds, base):
    new, b = rates("us_steel_232_50", ds, base)
    # Proclamation 10947: 50% on steel, the UK at 25%. STEEL coverage 0.9 (not pig iron,
    # ferroalloys, scrap). The 2018 Section 232 duty in the 2024 base (0.5 of the c12 table rate
    # 2.3 for the UK, scaled to the collected base 1.5) is replaced, not stacked:
    # UK: 1.5 - 0.5 x 1.5 / 2.3 + 25 x 0.9 = 1.5 - 0.33 + 22.5 = 23.67.
    assert new["USA", "GBR", "STEEL"] == pytest.approx(1.5 - 0.5 * 1.5 / 2.3 + 25 * 0.9, abs=TOL)
    # Japan at 50%: 1.3 - 0.5 x 1.3 / 2.1 + 50 x 0.9 = 1.3 - 0.31 + 45 = 45.99.
    assert new["USA", "JPN", "STEEL"] == pytest.approx(1.3 - 0.5 * 1.3 / 2.1 + 50 * 0.9, abs=TOL)
    # Canada's aluminium (0.6 of its NFM, no 2024 duty: exempt then): 0.1 + 50 x 0.6 = 30.1.
    assert new["USA", "CAN", "NFM"] == pytest.approx(0.1 + 50 * 0.6, abs=TOL)
    steel25, _ = rates("us_steel_232_25", ds, base)
    # Proclamation 10896 at 25%, all origins alike: the UK at 25 in both files.
    assert steel25["USA", "GBR", "STEEL"] == pytest.approx(new["USA", "GBR", "STEEL"], abs=1e-9)


def test_baseline_spares_canada_and_mexico(ds, base):
    new, b = rates("us_baseline_10", ds, base)
    # EO 14257: +10% on all partners but Canada and Mexico (sec. 3), farm goods fully covered.
    assert new["USA", "JPN", "AGR"] == pytest.approx(b["USA", "JPN", "AGR"] + 10, abs=TOL)
    assert new["USA", "ROW", "FOOD"] == pytest.approx(b["USA", "ROW", "FOOD"] + 10, abs=TOL)
    # Annex II energy: 0.2 of ENRX covered: +2.
    assert new["USA", "JPN", "ENRX"] == pytest.approx(b["USA", "JPN", "ENRX"] + 2, abs=TOL)
    for x in ("CAN", "MEX"):
        assert all(new["USA", x, i] == b["USA", x, i] for (m, e, i) in b if m == "USA" and e == x)


def test_reciprocal_apr2_annex_rates(ds, base):
    new, b = rates("us_reciprocal_apr2", ds, base)
    # EO 14257 Annex I: Taiwan 32, China 34, EU 20 (farm goods fully covered).
    for x, r in (("TWN", 32), ("CHN", 34), ("EU", 20), ("JPN", 24)):
        assert new["USA", x, "AGR"] == pytest.approx(b["USA", x, "AGR"] + r, abs=TOL)


def test_after_deals_floor_china_stack_canada_uk(ds, base):
    new, b = rates("us_after_deals_2025", ds, base)
    # EO 14326 / EU framework: goods with a column 1 rate below 15% pay 15% in all. EU AGR base
    # 0.8 < 15, fully covered: 15. EU CHEM: only 0.3 covered (pharmaceuticals exempt):
    # 1.0 + 0.3 x (15 - 1.0) = 5.2. EU autos: 15% all-in: 15.
    assert b["USA", "EU", "AGR"] < 15
    assert new["USA", "EU", "AGR"] == pytest.approx(15.0, abs=1e-9)
    assert new["USA", "EU", "CHEM"] == pytest.approx(1.0 + 0.3 * (15 - 1.0), abs=TOL)
    assert new["USA", "EU", "AUTO"] == pytest.approx(15.0, abs=1e-9)
    # Japan (EO 14345): the same floor; autos 15 all-in.
    assert new["USA", "JPN", "FOOD"] == pytest.approx(15.0, abs=1e-9)
    assert new["USA", "JPN", "AUTO"] == pytest.approx(15.0, abs=1e-9)
    # China's stack: MFN + Section 301 (in the base, 8.7) + fentanyl 10 (EO of 4 Nov 2025) +
    # reciprocal 10 (EO 14298): 8.7 + 20 = 28.7.
    assert new["USA", "CHN", "AGR"] == pytest.approx(b["USA", "CHN", "AGR"] + 20, abs=TOL)
    # China's steel: fentanyl 10 stacks on Section 232; reciprocal only on the 0.1 not under 232;
    # 232 at 50 on 0.9, less the 2018 duty in the base (7 of the c12 table rate 30, scaled to the
    # collected 17.3): 17.3 + 10 + 1 + 45 - 7 x 17.3 / 30 = 69.26.
    assert new["USA", "CHN", "STEEL"] == pytest.approx(17.3 + 10 + 1 + 45 - 7 * 17.3 / 30, abs=TOL)
    # Canada (EO 14325): 35% on the 0.12 of goods not entered under USMCA: 0.1 + 4.2 = 4.3.
    assert new["USA", "CAN", "AGR"] == pytest.approx(0.1 + 35 * 0.12, abs=TOL)
    # Canada's autos: Section 232 (USMCA content rule as in us_autos_232), no IEEPA (EO 14289).
    assert new["USA", "CAN", "AUTO"] == pytest.approx(0.1 + 25 * 0.35 / 0.8, abs=TOL)
    # UK (EO 14309): autos 10% in all on the autos share (0.45 / 0.8 = 0.5625 of AUTO), the rest
    # of AUTO pays the 10% reciprocal on top of MFN: 1.5 + 0.5625 x (10 - 1.5) + 0.4375 x 10 = 10.66.
    assert new["USA", "GBR", "AUTO"] == pytest.approx(1.5 + 0.5625 * 8.5 + 0.4375 * 10, abs=TOL)
    # India: reciprocal 25 + Russian-oil 25 (EO 14329) on farm goods: +50.
    assert new["USA", "IND", "AGR"] == pytest.approx(b["USA", "IND", "AGR"] + 50, abs=TOL)


def test_retaliation_files(ds, base):
    new, b = rates("chn_retaliation_2025", ds, base)
    # China on US farm goods, 1 Sep 2025: counter-tariff 10 (from 14 May) + March farm list
    # 11 x 0.95 = 10.45: base + 20.45.
    assert new["CHN", "USA", "AGR"] == pytest.approx(b["CHN", "USA", "AGR"] + 20.45, abs=TOL)
    # ... and the US measures it answers: fentanyl 20 (EO 14228) + reciprocal 10.
    assert new["USA", "CHN", "AGR"] == pytest.approx(b["USA", "CHN", "AGR"] + 30, abs=TOL)
    can, cb = rates("can_retaliation_2025", ds, base)
    # Canada's 25% surtax on US steel (0.9 of STEEL, as the US measure's scope): 0.2 + 22.5.
    assert can["CAN", "USA", "STEEL"] == pytest.approx(cb["CAN", "USA", "STEEL"] + 22.5, abs=TOL)
    assert can["USA", "CAN", "AGR"] == pytest.approx(cb["USA", "CAN", "AGR"] + 4.2, abs=TOL)


def test_japan_farm_whatifs(ds, base):
    new, b = rates("jpn_retaliation_farm_whatif", ds, base)
    assert new["JPN", "USA", "FOOD"] == 38.5 and new["JPN", "USA", "AGR"] == 50.0
    autos, _ = rates("us_autos_232", ds, base)
    assert all(new[k] == autos[k] for k in autos if k[0] == "USA")  # the same US measure
    tpp, tb = rates("tpp_farm_access_whatif", ds, base)
    # CPTPP end state FOOD 4.0 (statutory 12 in 2024), scaled to world2024's collected 7.3.
    assert tpp["JPN", "USA", "FOOD"] == pytest.approx(4.0 * 7.3 / 12, abs=TOL)
    assert tpp["JPN", "USA", "AGR"] == pytest.approx(0.5 * 1.2 / 2, abs=TOL)


def test_the_japan_only_what_if_moves_one_cell_and_converges(eco):
    """us_autos_232_jpn_only_whatif: the Japan cell of us_autos_232 (+23.7 points: 25% x the
    0.949 share of Japan's AUTO sales to the US under the proclamation) and nothing else."""
    sc = cge.load_scenario(FILES["us_autos_232_jpn_only_whatif"])
    base = eco.base_tariffs()
    new = sc.tariffs(eco.dataset, base)
    changed = {k for k in new if abs(new[k] - base[k]) > 1e-12}
    assert changed == {("JPN", "USA", "AUTO")}
    assert new[("JPN", "USA", "AUTO")] == pytest.approx(base[("JPN", "USA", "AUTO")] + 0.237, abs=1e-12)
    res = cge.run(sc, economy=eco)
    assert res.solution.info.max_residual <= 1e-9
