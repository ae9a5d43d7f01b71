# ruff: noqa: E501  (a data-entry script: long citation strings)
"""Write calibration/inputs/us_measures_2025.csv: the 2025 US tariff measures as enacted (and the
partners' retaliation), each with its legal instrument, dates, statutory rate and the model cells
(importer, exporter, WIOD industries) it touches, with the ad-valorem rate to apply to each cell.

The research behind every row is calibration/source/us_tariffs_2025.md (read it first).
Run from the repository root:  python scripts/build_us_measures_2025.py   (deterministic output)

How a scenario writer uses a row (column `operation`):
- add:         new = base + cell_rate_pct, where cell_rate_pct = statutory_rate_pct x coverage_share
               (coverage_share = the share of the cell's 2024 trade value the measure covers);
- add_232:     as add, after removing the 2024 Section 232 component of the base cell (see the note
               of the cell in tariffs2024_by_pair.csv), because the 2025 proclamations replace it;
- floor_total: on the covered share the total rate becomes max(rate, statutory):
               new = base + coverage_share x max(0, statutory_rate_pct - base); cell_rate_pct holds
               the floor itself;
- set_total:   on the covered share the total rate becomes statutory_rate_pct (Section 232 autos
               under the deals): new = base + coverage_share x (statutory_rate_pct - base);
- replace:     the measure REPLACES an earlier row of the same family on the same cells (its
               `note` names which): remove that row's contribution, then apply this one as add.
Measures of one family in force at different dates are alternatives for a date, not a sum: a
scenario picks a date and takes the rows in force then (columns effective_from / effective_to).
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "calibration" / "inputs" / "us_measures_2025.csv"
DOC = "source/us_tariffs_2025.md"

PARTNERS = ["JPN", "CHN", "KOR", "TWN", "CAN", "MEX", "EU", "GBR", "IND", "ROW"]
RECIP = ["JPN", "KOR", "TWN", "EU", "GBR", "IND", "ROW"]  # reciprocal-tariff partners other than CHN
GOODS = [f"c{i}" for i in range(1, 17)]

# Share of each cell covered by the IEEPA reciprocal tariff (EO 14257 Annex II exemptions: energy,
# pharmaceuticals, semiconductors, critical minerals, bullion; 11 Apr 2025 electronics exemption;
# goods under Section 232 are not subject to it). Estimates; exporter-specific where it matters.
RECIP_COV = {"c1": 1.0, "c2": 0.2, "c3": 1.0, "c4": 1.0, "c5": 1.0, "c6": 0.7, "c7": 1.0, "c8": 0.05,
             "c9": 0.45, "c10": 1.0, "c11": 1.0, "c12": 0.45, "c13": 0.95, "c14": 0.45, "c15": 0.35,
             "c16": 0.9}
RECIP_COV_X = {
    ("EU", "c9"): 0.3, ("GBR", "c9"): 0.3, ("IND", "c9"): 0.2,  # pharmaceuticals dominate
    ("TWN", "c14"): 0.15, ("CHN", "c14"): 0.4, ("IND", "c14"): 0.2,  # computers, servers, phones exempt
    ("JPN", "c15"): 0.1, ("KOR", "c15"): 0.1, ("EU", "c15"): 0.3, ("GBR", "c15"): 0.4,
    ("ROW", "c12"): 0.25, ("IND", "c16"): 0.6, ("ROW", "c16"): 0.8,  # bullion, some gems exempt
}


def rcov(x, ind):
    return RECIP_COV_X.get((x, ind), RECIP_COV[ind])


# Share of c12 (basic & fabricated metals) covered by Section 232 steel/aluminium and derivatives
S232_COV = {"JPN": 0.5, "CHN": 0.4, "KOR": 0.6, "TWN": 0.5, "CAN": 0.7, "MEX": 0.55, "EU": 0.5,
            "GBR": 0.5, "IND": 0.45, "ROW": 0.4}
# Share of c15 (transport equipment) that is passenger vehicles, light trucks and listed parts;
# for CAN/MEX the effective share after the USMCA content rule (vehicles pay on non-US content,
# USMCA-qualifying parts exempt)
AUTO_COV = {"JPN": 0.9, "CHN": 0.55, "KOR": 0.9, "TWN": 0.45, "CAN": 0.35, "MEX": 0.37, "EU": 0.65,
            "GBR": 0.45, "IND": 0.5, "ROW": 0.45}
# Share of trade not claiming USMCA preference after 7 Mar 2025 (subject to the IEEPA duties)
NON_USMCA = {"CAN": 0.12, "MEX": 0.15}

FIELDS = ["measure_id", "measure", "instrument", "federal_register", "signed", "effective_from",
          "effective_to", "importer", "exporter", "wiod_industries", "operation", "statutory_rate_pct",
          "coverage_share", "cell_rate_pct", "grade", "coverage_grade", "source", "note", "later_status"]

IEEPA_2026 = ("IEEPA duties held unlawful in Learning Resources, Inc. v. Trump (S. Ct., 20 Feb 2026); collection "
              "ended 24 Feb 2026, refunds pending; replaced by a Section 122 surcharge (10%, announced 15%) "
              "from 24 Feb to 24 Jul 2026 (not researched further)")

OPEN = ""  # effective_to empty: in force at the date of the sources (early December 2025)


def r(mid, measure, instrument, fr, signed, start, end, imp, exp, inds, op, rate, cov, grade,
      source, note="", cov_grade="estimate"):
    cell = rate if op == "floor_total" or op == "set_total" else round(rate * cov, 2)
    return {"measure_id": mid, "measure": measure, "instrument": instrument, "federal_register": fr,
            "signed": signed, "effective_from": start, "effective_to": end, "importer": imp,
            "exporter": exp, "wiod_industries": ";".join(inds), "operation": op,
            "statutory_rate_pct": f"{rate:.2f}", "coverage_share": f"{cov:.3f}",
            "cell_rate_pct": f"{cell:.2f}", "grade": grade, "coverage_grade": cov_grade,
            "source": source, "note": note,
            "later_status": IEEPA_2026 if (mid.startswith(("ieepa", "recip", "deal_jpn", "deal_kor"))
                                           and not mid.endswith("_autos")) else ""}


def by_cov(x, cov_fn, inds=GOODS):
    """Group industries with the same coverage share: [(coverage, [industries])]."""
    groups: dict[float, list[str]] = {}
    for ind in inds:
        groups.setdefault(cov_fn(x, ind), []).append(ind)
    return sorted(groups.items(), key=lambda kv: int(kv[1][0][1:]))


def build() -> list[dict]:
    rows = []
    gi = "https://www.govinfo.gov/content/pkg/"
    # ---- IEEPA Canada / Mexico -------------------------------------------------------------------
    can_src = (f"{gi}FR-2025-08-06/html/2025-14999.htm (EO 14325); EO 14193/14231 as recited there; "
               f"{DOC} section 2")
    non232 = [i for i in GOODS if i not in ("c2", "c8", "c12", "c15")]
    for mid, rate, start, end, fr, ins in [
        ("ieepa_can_25", 25.0, "2025-03-04", "2025-07-31", "90 FR 9113 (EO 14193); EO 14231 (USMCA carve-out "
         "from 7 Mar 2025)", "EO 14193 (1 Feb 2025) as amended by EO 14197 and EO 14231"),
        ("ieepa_can_35", 35.0, "2025-08-01", OPEN, "90 FR 37957 (EO 14325)", "EO 14325 (31 Jul 2025)")]:
        cov = NON_USMCA["CAN"]
        rows.append(r(mid, "IEEPA duty on products of Canada not qualifying for USMCA", ins, fr,
                      "2025-02-01" if rate == 25 else "2025-07-31", start, end, "USA", "CAN", non232,
                      "add", rate, cov, "official", can_src,
                      "coverage = share of imports from Canada not entered under USMCA; goods under Section "
                      "232 (steel/aluminium/copper, autos, lumber) do not also pay it (EO 14289)"))
        rows.append(r(mid, "IEEPA duty on products of Canada not qualifying for USMCA", ins, fr,
                      "2025-02-01" if rate == 25 else "2025-07-31", start, end, "USA", "CAN", ["c12", "c15"],
                      "add", rate, round(cov * 0.4, 3), "official", can_src,
                      "only the non-Section-232 part of the cell (about 40%) and its non-USMCA share"))
        rows.append(r(mid + "_energy", "IEEPA duty on Canadian energy and potash not qualifying for USMCA",
                      ins, fr, "2025-02-01", start, end, "USA", "CAN", ["c2", "c8"], "add", 10.0, 0.15,
                      "official", can_src, "energy resources and potash 10% (potash from 7 Mar 2025); "
                      "coverage = non-USMCA share of energy imports (estimate)"))
    mex_src = (f"dogecointoday.com copy of the White House text 'Amendment to Duties to Address the Flow "
               f"of Illicit Drugs Across Our Southern Border' (EO 14232, 6 Mar 2025); {DOC} section 2")
    rows.append(r("ieepa_mex_25", "IEEPA duty on products of Mexico not qualifying for USMCA",
                  "EO 14194 (1 Feb 2025) as amended by EO 14198 and EO 14232", "90 FR 9117 (EO 14194)",
                  "2025-02-01", "2025-03-04", OPEN, "USA", "MEX",
                  [i for i in GOODS if i not in ("c12", "c15")], "add", 25.0, NON_USMCA["MEX"], "official",
                  mex_src, "potash 10%; the 30% announced for 1 Aug 2025 was postponed and never applied"))
    rows.append(r("ieepa_mex_25", "IEEPA duty on products of Mexico not qualifying for USMCA",
                  "EO 14194 (1 Feb 2025) as amended by EO 14198 and EO 14232", "90 FR 9117 (EO 14194)",
                  "2025-02-01", "2025-03-04", OPEN, "USA", "MEX", ["c12", "c15"], "add", 25.0,
                  round(NON_USMCA["MEX"] * 0.4, 3), "official", mex_src,
                  "only the non-Section-232 part of the cell (about 40%)"))
    # ---- IEEPA China (fentanyl) -------------------------------------------------------------------
    fen_src = ("strtrade.com 'Tariff Changes for Imports from China Made Official' (Nov 2025); "
               "mondaq.com 1702762 (11 Nov 2025); " + DOC + " section 3")
    for mid, rate, start, end, ins, fr, signed in [
        ("ieepa_chn_fentanyl_10", 10.0, "2025-02-04", "2025-03-03", "EO 14195 (1 Feb 2025)",
         "90 FR 9121", "2025-02-01"),
        ("ieepa_chn_fentanyl_20", 20.0, "2025-03-04", "2025-11-09", "EO 14228 (3 Mar 2025)",
         "90 FR 11463", "2025-03-03"),
        ("ieepa_chn_fentanyl_10b", 10.0, "2025-11-10", OPEN, "EO of 4 Nov 2025 'Modifying Duties Addressing "
         "the Synthetic Opioid Supply Chain in the PRC'", "not verified", "2025-11-04")]:
        rows.append(r(mid, "IEEPA 'fentanyl' duty on all products of China (incl. Hong Kong)", ins, fr, signed,
                      start, end, "USA", "CHN", GOODS, "add", rate, 1.0,
                      "official" if fr != "not verified" else "secondary", fen_src,
                      "stacks on MFN, Section 301 and Section 232; rows of this family are alternatives "
                      "by date", cov_grade="secondary"))
    # ---- IEEPA reciprocal ---------------------------------------------------------------------------
    eo14257 = (f"{gi}FR-2025-04-07 (EO 14257, 90 FR 15041) via executiveactions.org/390; thompsoncoburn.com "
               f"trade alert 2 Apr 2025; {DOC} section 4")
    for x in RECIP + ["CHN"]:
        for cov, inds in by_cov(x, rcov):
            rows.append(r("recip_baseline_10", "IEEPA reciprocal tariff, baseline", "EO 14257 (2 Apr 2025)",
                          "90 FR 15041", "2025-04-02", "2025-04-05", "2025-08-06" if x != "CHN" else "2025-04-08",
                          "USA", x, inds, "add", 10.0, cov, "official", eo14257,
                          "not on Canada or Mexico; Annex II exemptions and Section 232 goods excluded "
                          "(coverage); for GBR and unlisted ROW countries 10% continues after 7 Aug 2025 "
                          "(row recip_eo14326)"))
    # rates as quoted by law-firm alerts and news (the Annex itself was not read): secondary
    annex = {"JPN": (24.0, "secondary"), "EU": (20.0, "secondary"), "KOR": (25.0, "secondary"),
             "TWN": (32.0, "secondary"), "IND": (26.0, "secondary"), "GBR": (10.0, "secondary"),
             "ROW": (25.0, "estimate")}
    notes = {"KOR": "chart 25%, EO 14257 Annex I 26% (sources differ; ndtvprofit/Bloomberg)",
             "IND": "chart 26%, EO 14257 Annex I 27% (sources differ; ndtvprofit/Bloomberg)",
             "ROW": "import-weighted mix of Annex I rates (Vietnam 46, Thailand 36, Switzerland 31, "
                    "Indonesia 32, Malaysia 24, ...; Switzerland 31 or 34: sources differ) and 10% for the rest",
             "GBR": "UK at the 10% baseline"}
    for x in RECIP:
        rate, grade = annex[x]
        for cov, inds in by_cov(x, rcov):
            rows.append(r("recip_apr9", "IEEPA reciprocal tariff, country rates of Annex I",
                          "EO 14257 (2 Apr 2025) Annex I; suspended for all but China by EO 14266",
                          "90 FR 15041; 90 FR 15625 (EO 14266)", "2025-04-02", "2025-04-09", "2025-04-09",
                          "USA", x, inds, "replace", rate, cov, grade, eo14257,
                          "in force on 9 Apr 2025 only (then 10% to 6 Aug); replaces recip_baseline_10; "
                          + notes.get(x, "")))
    chn = [("recip_chn_34", 34.0, "2025-04-02", "2025-04-09", "2025-04-09", "EO 14257 Annex I",
            "90 FR 15041", "replaced on the day it took effect by the 84% (EO 14259)"),
           ("recip_chn_84", 84.0, "2025-04-08", "2025-04-09", "2025-04-09", "EO 14259 (8 Apr 2025)",
            "not verified", ""),
           ("recip_chn_125", 125.0, "2025-04-09", "2025-04-10", "2025-05-13", "EO 14266 (9 Apr 2025)",
            "90 FR 15625", ""),
           ("recip_chn_10", 10.0, "2025-05-12", "2025-05-14", OPEN, "EO 14298 (12 May 2025, Geneva); extended "
            "11 Aug 2025 and by EO of 4 Nov 2025 to 10 Nov 2026", "90 FR 21831 (EO 14298)", "")]
    for mid, rate, signed, start, end, ins, fr, extra in chn:
        for cov, inds in by_cov("CHN", rcov):
            rows.append(r(mid, "IEEPA reciprocal tariff on China", ins, fr, signed, start, end, "USA", "CHN",
                          inds, "replace", rate, cov, "official" if fr != "not verified" else "secondary",
                          eo14257 + "; mondaq.com 1702374 (10 Nov 2025) timeline",
                          "replaces recip_baseline_10 for China; from 14 May the 24% above 10% is suspended "
                          "(to 10 Nov 2026). " + extra))
    aug = {"JPN": (15.0, "secondary", "Annex I 15% (additive) until EO 14345 made it an all-in floor, "
                                     "retroactive to 7 Aug: see deal_jpn"),
           "EU": (15.0, "secondary", "floor: goods with column 1 rate < 15% pay 15% in all, >= 15% pay 0"),
           "KOR": (15.0, "secondary", "additive 15% (9903.02.56) until 13 Nov 2025; then all-in floor: "
                                     "see deal_kor"),
           "TWN": (20.0, "secondary", ""), "IND": (25.0, "secondary", "plus ieepa_ind_russia_oil from 27 Aug"),
           "GBR": (10.0, "secondary", "UK not in Annex I: 10% continues"),
           "ROW": (17.0, "estimate", "import-weighted mix: Vietnam 20, Thailand 19, Switzerland 39 (15 from "
                                     "14 Nov 2025), Indonesia 19, Malaysia 19, Brazil 10 (+40 EO 14323), "
                                     "unlisted 10")}
    eo14326 = (f"{gi}FR-2025-08-06/html/2025-15010.htm (EO 14326); indiatoday.in (7 Aug 2025) transcription "
               f"of Annex I; mallorygroup.com reciprocal table; awpa.org summary; {DOC} section 4")
    for x in RECIP:
        rate, grade, note = aug[x]
        op = "floor_total" if x == "EU" else "replace"
        for cov, inds in by_cov(x, rcov):
            rows.append(r("recip_eo14326", "IEEPA reciprocal tariff, rates of EO 14326 Annex I",
                          "EO 14326 (31 Jul 2025)", "90 FR 37963", "2025-07-31", "2025-08-07", OPEN, "USA", x,
                          inds, op, rate, cov, grade, eo14326,
                          "replaces recip_baseline_10; " + note))
    for cov, inds in by_cov("IND", rcov):
        rows.append(r("ieepa_ind_russia_oil", "IEEPA additional duty on India (Russian oil)",
                      "EO 14329 (6 Aug 2025)", "not verified", "2025-08-06", "2025-08-27", "2026-02-06", "USA",
                      "IND", inds, "add", 25.0, cov, "secondary",
                      f"directivewatch.com and govpulse summaries of EO 14329; govwatch.app summary of EO 14384; {DOC} section 4",
                      "India's total reciprocal-type duty 50%; same Annex II exemptions; removed by EO 14384 "
                      "(6 Feb 2026) from 7 Feb 2026"))
    # ---- Section 232 -------------------------------------------------------------------------------
    s232 = (f"{gi}FR-2025-02-18/html/2025-02832.htm (Proclamations 10895, 10896); "
            f"{gi}FR-2025-06-09/html/2025-10524.htm (Proclamation 10947); {DOC} section 5")
    for x in PARTNERS:
        rows.append(r("s232_metals_25", "Section 232 steel and aluminium 25%, all origins, arrangements ended",
                      "Proclamations 10895 (aluminium) and 10896 (steel), 10 Feb 2025", "90 FR 9807 ff.",
                      "2025-02-10", "2025-03-12", "2025-06-03", "USA", x, ["c12"], "add_232", 25.0,
                      S232_COV[x], "official", s232,
                      "aluminium raised from 10% to 25%; exemptions/TRQs for CAN, MEX, EU, JPN, GBR, KOR ended"))
        rate = 25.0 if x == "GBR" else 50.0
        rows.append(r("s232_metals_50", "Section 232 steel and aluminium raised to 50% (UK 25%)",
                      "Proclamation 10947 (3 Jun 2025)", "90 FR 24199", "2025-06-03", "2025-06-04", OPEN,
                      "USA", x, ["c12"], "add_232", rate, S232_COV[x], "official", s232,
                      "replaces s232_metals_25; derivatives pay on the steel/aluminium content only; "
                      "derivative list widened 18 Aug 2025 (appliances, machinery parts: small shares of "
                      "c13/c14/c16 not represented)"))
        rows.append(r("s232_copper_50", "Section 232 copper 50% (semi-finished products and derivatives)",
                      "Proclamation 10962 (30 Jul 2025)", "not verified", "2025-07-30", "2025-08-01", OPEN,
                      "USA", x, ["c12"], "add", 50.0, 0.15 if x in ("ROW", "CAN") else 0.05, "official",
                      f"govinfo.gov House Document 119-82 (notice of the proclamation); mondaq.com 1661420 and 1662198; {DOC} section 5",
                      "on the copper content only; ores, concentrates, cathodes, scrap excluded; goods under the "
                      "autos 232 excluded; coverage = copper semis/derivatives share of c12 (estimate)"))
    autos = (f"{gi}FR-2025-04-03/html/2025-05930.htm (Proclamation 10908); "
             f"{gi}FR-2025-05-02/html/2025-07833.htm (Proclamation 10925, EO 14289); {DOC} section 5")
    for x in PARTNERS:
        rows.append(r("s232_autos", "Section 232 autos (3 Apr 2025) and parts (3 May 2025) 25%",
                      "Proclamation 10908 (26 Mar 2025), amended by Proclamation 10925 (29 Apr 2025)",
                      "90 FR 14705; 90 FR 18899", "2025-03-26", "2025-04-03", OPEN, "USA", x, ["c15"], "add",
                      25.0, AUTO_COV[x], "official", autos,
                      "USMCA: vehicles pay on non-US content, USMCA parts exempt (CAN/MEX coverage is the "
                      "effective share); parts from 3 May; offset for US assembly (3.75% of MSRP) not "
                      "represented; listed engines (c13) and electrical parts (c14) not represented"))
    rows.append(r("s232_mhdv", "Section 232 medium/heavy trucks and parts 25%, buses 10%",
                  "Proclamation 10984 (17 Oct 2025)", "90 FR 48451", "2025-10-17", "2025-11-01", OPEN,
                  "USA", "MEX", ["c15"], "add", 25.0, 0.1, "official",
                  f"{gi}FR-2025-10-22/html/2025-19639.htm; {DOC} section 5",
                  "coverage = trucks' share of c15 from Mexico after the USMCA content treatment (estimate)"))
    for x in [p for p in PARTNERS if p != "MEX"]:
        rows.append(r("s232_mhdv", "Section 232 medium/heavy trucks and parts 25%, buses 10%",
                      "Proclamation 10984 (17 Oct 2025)", "90 FR 48451", "2025-10-17", "2025-11-01", OPEN,
                      "USA", x, ["c15"], "add", 25.0, 0.03, "official",
                      f"{gi}FR-2025-10-22/html/2025-19639.htm; {DOC} section 5", "small share of c15"))
    for x, cov6, cov16 in [("CAN", 0.5, 0.1), ("EU", 0.1, 0.2), ("ROW", 0.15, 0.25), ("CHN", 0.1, 0.3),
                           ("MEX", 0.1, 0.2), ("IND", 0.05, 0.1)]:
        rows.append(r("s232_timber", "Section 232 softwood timber and lumber 10%",
                      "Proclamation 10976 (29 Sep 2025)", "90 FR 48127 (as cited by borderbuddy.com)", "2025-09-29",
                      "2025-10-14", OPEN, "USA", x, ["c6"], "add", 10.0, cov6, "official",
                      f"anews.com.tr (30 Sep 2025); universallogistics.ca (CBP CSMS 66492057); {DOC} section 5",
                      "softwood timber and lumber, all origins"))
        rows.append(r("s232_furniture", "Section 232 upholstered furniture, kitchen cabinets and vanities 25%",
                      "Proclamation 10976 (29 Sep 2025)", "90 FR 48127 (as cited by borderbuddy.com)", "2025-09-29",
                      "2025-10-14", OPEN, "USA", x, ["c16"], "add", 15.0 if x == "EU" else 25.0, cov16, "official",
                      f"anderinger.com and universallogistics.ca (CBP CSMS 66492057); {DOC} section 5",
                      "UK 10%, EU and Japan 15% (EU row at 15); rise to "
                      "30%/50% scheduled for 1 Jan 2026 was delayed to 1 Jan 2027 (proclamation of 31 Dec 2025)"))
    # ---- the 2025 agreements -------------------------------------------------------------------------
    jp = (f"{gi}FR-2025-09-16/html/2025-17908.htm (Commerce notice implementing the US-Japan Agreement); "
          f"menafn.com report of EO 14345 (4 Sep 2025); {DOC} section 6")
    for cov, inds in by_cov("JPN", rcov):
        rows.append(r("deal_jpn", "US-Japan Agreement: reciprocal tariff as an all-in 15% floor",
                      "EO 14345 (4 Sep 2025); Commerce notice FR Doc 2025-17908", "90 FR 44638 (16 Sep 2025)",
                      "2025-09-04", "2025-08-07", OPEN, "USA", "JPN", inds, "floor_total", 15.0, cov,
                      "official", jp, "replaces recip_eo14326 for Japan (retroactive to 7 Aug 2025); "
                      "civil aircraft 0; generics and unavailable natural resources may be set to 0"))
    rows.append(r("deal_jpn_autos", "US-Japan Agreement: autos and parts 15% all-in (Section 232 reduced)",
                  "EO 14345 (4 Sep 2025); Commerce notice FR Doc 2025-17908", "90 FR 44638 (16 Sep 2025)",
                  "2025-09-04", "2025-09-16", OPEN, "USA", "JPN", ["c15"], "set_total", 15.0,
                  AUTO_COV["JPN"], "official", jp, "replaces s232_autos for Japan; steel/aluminium/copper "
                  "stay at 50%"))
    eu = (f"butzel.com alert (26 Sep 2025); mondaq.com 1684528 and 1687338; channelnewsasia.com (25 Sep 2025); "
          f"{DOC} section 6")
    rows.append(r("deal_eu_autos", "US-EU Framework Agreement: autos and parts 15% all-in",
                  "EO 14346 (5 Sep 2025); Commerce/USTR notice of 25 Sep 2025", "not verified",
                  "2025-09-25", "2025-08-01", OPEN, "USA", "EU", ["c15"], "set_total", 15.0, AUTO_COV["EU"],
                  "secondary", eu, "replaces s232_autos for the EU; aircraft and parts, generics, cork etc. "
                  "0 reciprocal from 1 Sep 2025 (not represented beyond coverage)"))
    kr = (f"{gi}FR-2025-12-04/html/2025-21940.htm (90 FR 55964); koreaherald.com (4 Dec 2025); "
          f"carmnet.com Compass 25-052; {DOC} section 6")
    for cov, inds in by_cov("KOR", rcov):
        rows.append(r("deal_kor", "US-Korea deal: reciprocal tariff as an all-in 15% floor",
                      "USTR/Commerce notice (4 Dec 2025)", "90 FR 55964", "2025-12-04", "2025-11-14", OPEN,
                      "USA", "KOR", inds, "floor_total", 15.0, cov, "official", kr,
                      "replaces recip_eo14326 for Korea from 14 Nov 2025; civil aircraft 0"))
    rows.append(r("deal_kor_autos", "US-Korea deal: autos and parts 15% all-in",
                  "USTR/Commerce notice (4 Dec 2025)", "90 FR 55964", "2025-12-04", "2025-11-01", OPEN, "USA",
                  "KOR", ["c15"], "set_total", 15.0, AUTO_COV["KOR"], "official", kr,
                  "replaces s232_autos for Korea (KORUS MFN 0, so 15% in all)"))
    uk = (f"ballotpedia.org and portnews.ru summaries of EO 14309 (16 Jun 2025); mondaq.com 1644428; "
          f"{DOC} section 6")
    rows.append(r("deal_gbr_autos", "US-UK EPD: 100,000 cars a year at 10% in all (7.5% + 2.5% MFN)",
                  "EO 14309 (16 Jun 2025)", "FR 23 Jun 2025 (page not verified)", "2025-06-16", "2025-06-30",
                  OPEN, "USA", "GBR", ["c15"], "set_total", 10.0, AUTO_COV["GBR"], "official", uk,
                  "replaces s232_autos for the UK within the quota (UK car exports to the US are about the "
                  "quota, so the whole autos share is set to 10%); aerospace 0 (232 and IEEPA)"))
    # ---- retaliation -------------------------------------------------------------------------------
    cn1 = f"shine.cn and scrippsnews.com (4 Feb 2025) reports of the Customs Tariff Commission notice; {DOC} s.7"
    rows.append(r("chn_ret_feb", "China: 15% on US coal and LNG, 10% on crude oil",
                  "Customs Tariff Commission of the State Council, announcement of 4 Feb 2025", "-",
                  "2025-02-04", "2025-02-10", OPEN, "CHN", "USA", ["c2"], "add", 12.0, 0.8, "secondary", cn1,
                  "statutory 12 = mix of 15 (coal, LNG) and 10 (crude); not lifted in Nov 2025"))
    rows.append(r("chn_ret_feb", "China: 10% on US agricultural machinery", "Customs Tariff Commission, 4 Feb 2025",
                  "-", "2025-02-04", "2025-02-10", OPEN, "CHN", "USA", ["c13"], "add", 10.0, 0.05,
                  "secondary", cn1))
    rows.append(r("chn_ret_feb", "China: 10% on US large-displacement cars and pickups",
                  "Customs Tariff Commission, 4 Feb 2025", "-", "2025-02-04", "2025-02-10", OPEN, "CHN", "USA",
                  ["c15"], "add", 10.0, 0.3, "secondary", cn1))
    cn2 = (f"en.people.cn (4 Mar 2025, Xinhua); food.chemlinked.com (740 lines); fredlaw.com (3 Dec 2025, "
           f"termination from 10 Nov 2025); {DOC} section 7")
    rows.append(r("chn_ret_mar_farm", "China: 15% chicken, wheat, corn, cotton; 10% sorghum, soybeans, pork, "
                  "beef, aquatic products, fruit, vegetables, dairy", "Customs Tariff Commission, 4 Mar 2025",
                  "-", "2025-03-04", "2025-03-10", "2025-11-09", "CHN", "USA", ["c1"], "add", 11.0, 0.95,
                  "secondary", cn2, "statutory 11 = soybean-weighted mix of 10 and 15; terminated 10 Nov 2025"))
    rows.append(r("chn_ret_mar_farm", "China: 10-15% on US meat, dairy, aquatic and processed food lines",
                  "Customs Tariff Commission, 4 Mar 2025", "-", "2025-03-04", "2025-03-10", "2025-11-09", "CHN",
                  "USA", ["c3"], "add", 10.5, 0.7, "secondary", cn2, "terminated 10 Nov 2025"))
    cn3 = (f"mondaq.com 1702374; aokestamping.com and report.az (5 Nov 2025) reports of the Customs Tariff "
           f"Commission; {DOC} section 7")
    for mid, rate, signed, start, end in [("chn_ret_34", 34.0, "2025-04-04", "2025-04-10", "2025-04-10"),
                                          ("chn_ret_84", 84.0, "2025-04-09", "2025-04-10", "2025-04-11"),
                                          ("chn_ret_125", 125.0, "2025-04-11", "2025-04-12", "2025-05-13"),
                                          ("chn_ret_10", 10.0, "2025-05-12", "2025-05-14", OPEN)]:
        rows.append(r(mid, "China: counter-tariff on all US goods", "Customs Tariff Commission, announcements "
                      "of 4, 9 and 11 Apr, 12 May and 5 Nov 2025", "-", signed, start, end,
                      "CHN", "USA", GOODS, "replace", rate, 1.0,
                      "secondary", cn3, "alternatives by date; from 14 May 2025 10% with 24% suspended (to 10 "
                      "Nov 2026); informal exemptions (some chips, pharmaceuticals, ethane) not represented",
                      cov_grade="estimate"))
    ca = (f"mondaq.com 1673636 (Canada removes tariffs, 4 Sep 2025); bcbinternational.com trade alert; "
          f"gcsupportservice.com summary; {DOC} section 7")
    can_ph1 = {"c1": 0.2, "c3": 0.4, "c4": 0.4, "c5": 0.4, "c6": 0.2, "c7": 0.3, "c8": 0.05, "c9": 0.1,
               "c10": 0.2, "c11": 0.2, "c13": 0.1, "c14": 0.05, "c16": 0.4}
    for cov in sorted(set(can_ph1.values())):
        inds = [i for i in GOODS if can_ph1.get(i) == cov]
        rows.append(r("can_ret_2025", "Canada: 25% surtax on C$29.8bn of US goods (4 Mar) and C$14.2bn of "
                      "other goods in the steel/aluminium package (13 Mar)", "United States Surtax Orders "
                      "(Department of Finance Canada)", "Canada Gazette (not verified)", "2025-03-04",
                      "2025-03-04", "2025-08-31", "CAN", "USA", inds, "add", 25.0, cov, "secondary", ca,
                      "removed from 1 Sep 2025 for all goods outside steel, aluminium, copper and autos"))
    rows.append(r("can_ret_metals", "Canada: 25% surtax on US steel and aluminium products (C$15.6bn)",
                  "United States Surtax Order (steel and aluminium)", "Canada Gazette (not verified)",
                  "2025-03-12", "2025-03-13", OPEN, "CAN", "USA", ["c12"], "add", 25.0, 0.6, "secondary", ca,
                  "kept after 1 Sep 2025"))
    rows.append(r("can_ret_autos", "Canada: 25% on non-CUSMA US vehicles and non-Canadian/Mexican content of "
                  "CUSMA vehicles", "United States Surtax Order (autos)", "Canada Gazette (not verified)",
                  "2025-04-08", "2025-04-09", OPEN, "CAN", "USA", ["c15"], "add", 25.0, 0.3, "secondary", ca,
                  "kept after 1 Sep 2025; remission quotas for automakers producing in Canada not represented"))
    return rows


def main() -> None:
    rows = build()
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT}: {len(rows)} rows")


if __name__ == "__main__":
    main()
