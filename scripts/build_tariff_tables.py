"""Write calibration/inputs/tariffs2024_by_pair.csv, the 2024 base tariffs by importer x exporter x
WIOD industry for the 11 regions of the planned default data set.

The numbers are research inputs typed here once, with their source and grade; the documentation of
every source, rule and approximation is calibration/source/tariffs2024_notes.md (read it first).
Run from the repository root:  python scripts/build_tariff_tables.py
The output is deterministic (sorted rows), so re-running it reproduces the committed CSV byte for byte.

Table semantics (the aggregation tool reads these):
- a row with exporter "*" is the importer's applied MFN default for every exporter without a row of
  its own (basis mfn_tw);
- a row with importer "*" and exporter "*" is a rule for every pair (services: no tariff);
- a row naming both importer and exporter replaces the "*" row for that pair and industry; its rate
  is the TOTAL applied rate of the cell (MFN or preferential rate plus any additional duty), never
  an increment;
- importer == exporter (domestic flows, and trade inside the EU region) carries no tariff and has
  no row.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "calibration" / "inputs" / "tariffs2024_by_pair.csv"

REGIONS = ["USA", "JPN", "CHN", "KOR", "TWN", "CAN", "MEX", "EU", "GBR", "IND", "ROW"]
GOODS = [f"c{i}" for i in range(1, 17)]
SERVICES = [f"c{i}" for i in range(17, 36)]
FARM_FOOD = {"c1", "c3"}

NOTES = "source/tariffs2024_notes.md"

# --- 1. applied MFN, trade-weighted, by importer and goods industry (percent) ----------------------
# Estimates unless listed in MFN_SECONDARY: WTO World Tariff Profiles publish trade-weighted averages
# only for all products / agricultural / non-agricultural, and SIMPLE averages by product group, so a
# trade-weighted rate by WIOD industry is a reasoned approximation (notes section 3).
MFN = {
    #       c1    c2   c3    c4    c5    c6   c7   c8   c9   c10  c11  c12  c13  c14  c15   c16
    "USA": [1.2, 0.1, 3.5, 11.0, 9.5, 0.8, 0.1, 0.8, 1.5, 3.0, 3.0, 1.8, 1.1, 1.1, 2.3, 2.0],
    "JPN": [5.0, 0.0, 12.0, 7.5, 10.0, 2.0, 0.3, 1.0, 2.3, 2.5, 1.0, 0.8, 0.0, 0.2, 0.0, 1.1],
    "CHN": [4.0, 0.5, 10.0, 6.0, 8.0, 2.0, 3.0, 3.0, 5.0, 6.0, 6.0, 3.0, 5.0, 2.0, 9.0, 8.0],
    "KOR": [20.0, 1.5, 20.0, 9.0, 9.0, 4.0, 1.0, 4.0, 5.0, 6.5, 6.0, 3.5, 6.0, 3.0, 6.0, 6.0],
    "TWN": [12.0, 0.5, 12.0, 7.0, 7.0, 2.0, 1.0, 2.0, 2.5, 4.0, 4.0, 2.0, 3.0, 0.5, 10.0, 3.0],
    "CAN": [1.5, 0.0, 5.0, 8.0, 10.0, 1.5, 0.0, 1.0, 1.0, 4.0, 3.0, 1.5, 0.5, 0.5, 4.5, 3.0],
    "MEX": [8.0, 0.0, 12.0, 15.0, 20.0, 4.0, 2.0, 0.5, 3.0, 7.0, 6.0, 5.0, 3.0, 2.0, 10.0, 8.0],
    "EU": [4.0, 0.0, 12.0, 8.0, 6.0, 2.5, 0.1, 2.0, 2.0, 5.5, 3.5, 1.8, 1.8, 1.5, 6.0, 2.5],
    "GBR": [3.5, 0.0, 10.0, 7.5, 6.0, 1.5, 0.0, 1.5, 1.5, 4.0, 2.5, 1.2, 1.2, 1.0, 6.5, 1.5],
    "IND": [20.0, 2.5, 20.0, 20.0, 20.0, 8.0, 8.0, 9.2, 8.0, 10.0, 10.0, 10.0, 7.5, 8.0, 10.0, 10.0],
    "ROW": [8.0, 1.0, 12.0, 10.0, 12.0, 5.0, 4.0, 3.0, 4.0, 7.0, 7.0, 4.0, 4.0, 2.5, 8.0, 6.0],
}

# cells taken directly from a published WTO product-group average (a simple average, used as the
# trade-weighted proxy): (importer, industry) -> (source, note)
WTO_JPN = ("trade.gov Country Commercial Guide 'Japan - Import Tariffs' quoting WTO World Tariff "
           "Profiles (Japan, simple average MFN applied by product group)")
WTO_IND = ("WTO/ITC/UNCTAD World Tariff Profiles 2022, India, Part A.2 (MFN applied 2021, simple "
           "average by product group), copy at issuu.com/worldtradepresss/docs/india-tar")
MFN_SECONDARY = {
    ("JPN", "c9"): (WTO_JPN, "WTO group 'Chemicals' 2.3 (simple; pharmaceuticals duty-free, so the "
                             "trade-weighted rate is likely lower)"),
    ("JPN", "c13"): (WTO_JPN, "WTO group 'Non-electrical machinery' 0.0"),
    ("JPN", "c14"): (WTO_JPN, "WTO group 'Electrical machinery' 0.2"),
    ("JPN", "c15"): (WTO_JPN, "WTO group 'Transport equipment' 0.0"),
    ("JPN", "c16"): (WTO_JPN, "WTO group 'Manufactures, n.e.s.' 1.1"),
    ("IND", "c8"): (WTO_IND, "WTO group 'Petroleum' 9.2 (simple)"),
}

MFN_NOTE = {
    "USA": "HTSUS column 1 line rates weighted toward the 2024 import mix (apparel/footwear high, "
           "pharmaceuticals/ITA goods/aircraft free); cf. WTO World Tariff Profiles: US simple MFN "
           "average 3.3%; duties collected were 1.4% of all 2017 imports, 18.7%/15.8% on dutiable knit/"
           "woven apparel (79% dutiable) (Pew Research Center, 28 Mar 2018, from USITC DataWeb)",
    "JPN": "tariffs only: rice/wheat state-trading mark-ups and TRQ over-quota rates not included; "
           "beef MFN 38.5%; cf. WTO: Japan simple MFN 4.3% (ag 15.5%, non-ag 2.5%)",
    "CHN": "2024 MFN incl. provisional rates; cf. WTO summary table (2022): China simple MFN 7.5%, "
           "bound 10.0%",
    "KOR": "TRQ in-quota rates for rice/grains; over-quota tariff equivalents excluded; "
           "Korea's crude oil and LNG MFN is 3% (quota rates lower)",
    "TWN": "Chinese Taipei MFN applied; cars 17.5%, ITA goods free; cf. Taiwan Customs via trade.gov "
           "Country Commercial Guide: 2023 average nominal tariff 6.34% (industrial 4.13%, agricultural "
           "15.06%), simple averages",
    "CAN": "supply-managed dairy/poultry at in-quota rates (over-quota 200-300% not counted); "
           "cf. WTO summary table (2022): Canada simple MFN 3.8%",
    "MEX": "MFN for non-FTA origins, incl. the April 2024 decree raising 544 lines (steel, textiles, "
           "apparel, footwear, etc.) to 5-50% for non-FTA countries, averaged over 2024",
    "EU": "Common Customs Tariff; cars 10%, trucks 22%, parts 3-4.5%, aircraft 0; cf. trade-weighted "
          "MFN 2.3% non-agricultural, 8.5% agricultural (2014; UK House of Commons Library 'UK trade "
          "with the EU: facts and stats', as stored at www-news.co.uk)",
    "GBR": "UK Global Tariff 2024 (lower and simpler than the EU CCT)",
    "IND": "c12 holds gold (15% to Jul 2024, then 6%); "
           "trade-weighted estimate below WTO simple averages (WTP 2022: ag groups 26-76%, minerals & "
           "metals 11.8%, chemicals 10.3%; total trade-weighted 12.6% vs simple 18.3%)",
    "ROW": "import-weighted mix of ASEAN, Australia, Brazil, Russia, Switzerland, Türkiye and the "
           "rest, MFN before their own FTAs (FTAs: pair rows below)",
}

# --- 2. preferences in force in 2024: applied = MFN x factor -----------------------------------------
# factor = share of the MFN duty still paid (non-liberalised lines, phasing, non-utilisation); one
# factor for industrial goods and one for agriculture and food (c1, c3). All estimates.
def _both(a, b, ind, farm, agreement, note=""):
    return [((a, b), (ind, farm, agreement, note)), ((b, a), (ind, farm, agreement, note))]


PREFS = dict(
    _both("USA", "CAN", 0.10, 0.15, "USMCA (1 Jul 2020)",
          "0 on originating goods; residual = non-claimed dutiable trade; Canada's dairy/poultry "
          "TRQs for US goods at in-quota rates")
    + _both("USA", "MEX", 0.10, 0.10, "USMCA (1 Jul 2020)", "0 on originating goods")
    + _both("CAN", "MEX", 0.10, 0.15, "USMCA (1 Jul 2020) and CPTPP", "0 on originating goods")
    + _both("USA", "KOR", 0.05, 0.25, "KORUS FTA (15 Mar 2012, amended 1 Jan 2019)",
            "industrial tariffs eliminated; Korean beef tariff phasing to 0 in 2026, rice excluded; "
            "US 25% light-truck tariff kept to 2041 (little trade)")
    + _both("EU", "JPN", 0.25, 0.55, "EU-Japan EPA (1 Feb 2019)",
            "EU car tariff 10% phased to 0 by 2026 (about 3% in 2024); Japan beef/pork/dairy phasing "
            "and TRQs")
    + _both("GBR", "JPN", 0.25, 0.55, "UK-Japan CEPA (1 Jan 2021)", "mirrors the EU-Japan EPA")
    + _both("EU", "KOR", 0.10, 0.30, "EU-Korea FTA (provisional 1 Jul 2011)", "")
    + _both("GBR", "KOR", 0.10, 0.30, "UK-Korea FTA (continuity, 1 Jan 2021)", "")
    + _both("EU", "CAN", 0.10, 0.40, "CETA (provisional 21 Sep 2017)", "ag TRQs (beef, pork, cheese)")
    + _both("GBR", "CAN", 0.10, 0.40, "UK-Canada TCA (continuity, 1 Apr 2021)", "")
    + _both("EU", "MEX", 0.10, 0.40, "EU-Mexico Global Agreement FTA (1 Jul 2000)",
            "many farm lines excluded")
    + _both("GBR", "MEX", 0.10, 0.40, "UK-Mexico continuity agreement (1 Jun 2021)", "")
    + _both("EU", "GBR", 0.10, 0.15, "EU-UK Trade and Cooperation Agreement (1 Jan 2021)",
            "0 on originating goods; residual = rules-of-origin non-utilisation (about 10%)")
    + _both("JPN", "CAN", 0.10, 0.50, "CPTPP (30 Dec 2018)",
            "Canada's 6.1% car tariff phased out by 2023; Japan beef about 24% in JFY2024")
    + _both("JPN", "MEX", 0.10, 0.50, "Japan-Mexico EPA (1 Apr 2005) and CPTPP", "")
    + _both("CHN", "KOR", 0.55, 0.85, "China-Korea FTA (20 Dec 2015; year 10 of up to 20)",
            "sensitive farm lines excluded")
    + _both("JPN", "KOR", 0.85, 0.95, "RCEP (Korea-Japan: 1 Feb 2022)",
            "first Japan-Korea FTA; long phase-outs, year 3 in 2024")
    + _both("KOR", "CAN", 0.20, 0.50, "Korea-Canada FTA (1 Jan 2015)", "")
    + [
        (("CHN", "JPN"), (0.85, 0.95, "RCEP (1 Jan 2022)",
                          "China's cuts on Japanese goods phase over up to 21 years; year 3")),
        (("JPN", "CHN"), (0.80, 0.95, "RCEP (1 Jan 2022)", "Japan's cuts phase over up to 16 years")),
        (("IND", "JPN"), (0.30, 0.80, "Japan-India CEPA (1 Aug 2011)", "about 90% of lines free by 2021")),
        (("JPN", "IND"), (0.10, 0.60, "Japan-India CEPA (1 Aug 2011)", "")),
        (("IND", "KOR"), (0.40, 0.80, "Korea-India CEPA (1 Jan 2010)", "")),
        (("KOR", "IND"), (0.30, 0.70, "Korea-India CEPA (1 Jan 2010)", "")),
        (("CHN", "TWN"), (0.90, 1.00, "ECFA early harvest (2011)",
                          "early harvest covers ~16% of Taiwan's exports to China; China suspended "
                          "12 lines (Jan 2024) and 34 more (Jun 2024)")),
        # ROW: a mix of FTA partners and others (ASEAN FTAs, RCEP, AANZFTA, CPTPP, EU and US FTAs)
        (("ROW", "CHN"), (0.70, 0.80, "ASEAN-China FTA, RCEP, China-Australia FTA (ROW mix)", "")),
        (("ROW", "JPN"), (0.70, 0.80, "Japan's EPAs with ASEAN, Australia, Switzerland; RCEP; CPTPP", "")),
        (("ROW", "KOR"), (0.70, 0.80, "Korea's FTAs with ASEAN, Australia, Türkiye, Chile; RCEP", "")),
        (("ROW", "EU"), (0.75, 0.85, "EU FTAs (Switzerland, Türkiye CU, Vietnam, Singapore, ...)", "")),
        (("ROW", "USA"), (0.85, 0.90, "US FTAs (Australia, Chile, Colombia, Peru, CAFTA-DR, Israel, "
                                       "Singapore, ...)", "")),
        (("ROW", "GBR"), (0.80, 0.90, "UK continuity FTAs", "")),
        (("ROW", "CAN"), (0.85, 0.90, "Canada's FTAs and CPTPP (Australia, Vietnam, Chile, ...)", "")),
        (("ROW", "MEX"), (0.80, 0.90, "Mexico's Latin American FTAs, CPTPP", "")),
        (("EU", "ROW"), (0.70, 0.80, "EU FTAs and GSP/EBA (ROW mix)", "")),
        (("USA", "ROW"), (0.85, 0.90, "US FTAs (ROW mix); no GSP since 2021", "")),
        (("JPN", "ROW"), (0.60, 0.80, "Japan's EPAs, RCEP, CPTPP (ASEAN, Australia, ...)", "")),
        (("CHN", "ROW"), (0.60, 0.80, "ASEAN-China FTA, RCEP, China-Australia FTA (ROW mix)", "")),
        (("KOR", "ROW"), (0.60, 0.80, "Korea's FTAs (ASEAN, Australia, ...) and RCEP", "")),
        (("GBR", "ROW"), (0.75, 0.85, "UK continuity FTAs, DCTS", "")),
        (("CAN", "ROW"), (0.85, 0.90, "Canada's FTAs, CPTPP, GPT", "")),
        (("MEX", "ROW"), (0.70, 0.80, "Mexico's Latin American FTAs, CPTPP", "")),
        (("IND", "ROW"), (0.70, 0.85, "India-ASEAN FTA, SAFTA (ROW mix)", "")),
    ]
)

# --- 3. pair-specific totals from the project's US-Japan notes (calibration/source/tariff_notes.md)
# 10-sector central values mapped to WIOD industries; grade B -> secondary, C -> estimate.
US_JPN = {  # industry -> (rate, grade, project sector)
    "c1": (1.0, "estimate", "AGR"), "c2": (0.5, "estimate", "ENR"), "c3": (3.5, "estimate", "FOOD"),
    "c4": (2.6, "estimate", "OMFG"), "c5": (2.6, "estimate", "OMFG"), "c6": (2.6, "estimate", "OMFG"),
    "c7": (2.6, "estimate", "OMFG"), "c8": (0.5, "estimate", "ENR"), "c9": (2.6, "estimate", "CHEM"),
    "c10": (2.6, "estimate", "CHEM"), "c11": (2.6, "estimate", "OMFG"),
    "c12": (2.1, "estimate", "METL"), "c13": (1.1, "secondary", "MACH"),
    "c14": (1.4, "estimate", "ELEC"), "c15": (2.3, "estimate", "AUTO"), "c16": (2.6, "estimate", "OMFG"),
}
JPN_US = {
    "c1": (2.0, "estimate", "AGR"), "c2": (0.1, "estimate", "ENR"), "c3": (12.0, "estimate", "FOOD"),
    "c4": (1.0, "estimate", "OMFG"), "c5": (1.0, "estimate", "OMFG"), "c6": (1.0, "estimate", "OMFG"),
    "c7": (1.0, "estimate", "OMFG"), "c8": (0.1, "estimate", "ENR"), "c9": (1.0, "estimate", "CHEM"),
    "c10": (1.0, "estimate", "CHEM"), "c11": (1.0, "estimate", "OMFG"),
    "c12": (0.5, "estimate", "METL"), "c13": (0.0, "secondary", "MACH"),
    "c14": (0.0, "secondary", "ELEC"), "c15": (0.0, "secondary", "AUTO"), "c16": (1.0, "estimate", "OMFG"),
}

# --- 4. US Section 301 on China (lists 1-4A, 2024 modifications) and Section 232 metals -----------
# total applied (statutory) rate on US imports from China by industry (MFN + 301 + 232): MFN + 25% x the
# share of the industry on lists 1-3 (+ 7.5% on list 4A), checked so that the WIOD-2011-weighted
# average (scripts/check_tariff_weights.py) is about 19, against PIIE's 19.3% (Feb 2020, 2017 weights)
USA_CHN = {
    "c1": (15.0, "mostly list 3 (25%); some lines free"),
    "c2": (10.0, "coal, minerals on lists 3/4A; rare earths and critical minerals largely off the lists"),
    "c3": (20.0, "food on lists 3 (25%) and 4A (7.5%)"),
    "c4": (22.0, "textiles on list 3 (25%), apparel on list 4A (7.5%) over MFN 10-16%"),
    "c5": (19.0, "footwear and leather: list 4A (7.5%) over MFN; handbags list 3"),
    "c6": (27.0, "wood products list 3 (25%)"),
    "c7": (26.0, "paper list 3; printed matter partly excluded"),
    "c8": (20.0, "petroleum products list 3"),
    "c9": (19.0, "chemicals lists 2/3; many pharmaceuticals and APIs excluded"),
    "c10": (28.0, "rubber and plastics lists 2/3"),
    "c11": (28.0, "glass, ceramics, stone lists 3"),
    "c12": (30.0, "lists 1-3 (25%) plus Section 232 steel 25%/aluminium 10% on covered steel/aluminium, "
                   "and the 2024 increase to 25% on Chinese steel/aluminium under 301"),
    "c13": (25.0, "machinery lists 1-3 (25%); some exclusions extended to 2025"),
    "c14": (15.0, "smartphones, laptops, consoles (list 4B, never imposed) free; components lists 1-3; "
                   "2024: EVs/batteries/semiconductors raised (semiconductors 50% from 1 Jan 2025)"),
    "c15": (27.5, "auto parts lists 1-3 (25%) over MFN 2.5%; EVs 100% from 27 Sep 2024 (little trade)"),
    "c16": (14.0, "furniture list 3 (25%); toys, many consumer goods free or list 4A"),
}
# Section 232 in 2024 on c12 (basic & fabricated metals): steel 25%, aluminium 10% on covered
# products (~40% of c12 trade), with the 2024 arrangements
S232_ADD = {
    "TWN": (7.0, "steel 25%/aluminium 10% on covered products, no arrangement"),
    "IND": (7.0, "steel 25%/aluminium 10% on covered products, no arrangement"),
    "ROW": (6.0, "steel 25%/aluminium 10%; Argentina, Brazil, Australia quotas/exemptions in ROW"),
    "KOR": (1.0, "steel: absolute quota, no duty (2018); aluminium 10%"),
    "EU": (0.5, "steel/aluminium TRQs from 1 Jan 2022, duty-free in quota; over-quota 25%/10%"),
    "GBR": (0.5, "steel/aluminium TRQs from 1 Jun 2022"),
}

# --- 5. China's retaliation on US goods in force in 2024 (2018-19 lists, after the 2020 halving and
# exclusions): total statutory rates (exclusions not netted), estimates checked so that the
# WIOD-2011-weighted average is about 19.5, against PIIE's 20.3% / 21.1% (two versions of the chart)
CHN_USA = {
    "c1": (28.0, "soybeans MFN 3% + 25% list (statutory; market-based exclusions for state buyers not "
                  "netted), sorghum, cotton"),
    "c2": (20.0, "LNG 25%, coal, crude oil (5%) lists"),
    "c3": (35.0, "pork, beef, poultry, nuts, fruit: 2018 s232-retaliation and 301 lists"),
    "c4": (25.0, "textiles lists"), "c5": (25.0, "leather lists"), "c6": (20.0, "wood/logs lists"),
    "c7": (15.0, "pulp/paper lists"), "c8": (25.0, "petroleum products lists"),
    "c9": (22.0, "chemicals lists; many pharmaceuticals excluded"),
    "c10": (25.0, "plastics lists"), "c11": (25.0, "glass/ceramics lists"),
    "c12": (25.0, "aluminium scrap/steel pipe (2018), metals lists"),
    "c13": (18.0, "machinery lists, exclusions"),
    "c14": (13.0, "semiconductors and ITA goods mostly excluded"),
    "c15": (14.0, "cars MFN 15% (auto retaliation suspended since 1 Jan 2019); aircraft MFN 1-5%"),
    "c16": (25.0, "miscellaneous lists"),
}

PIIE = ("PIIE, Chad P. Bown, 'US-China Trade War Tariffs: An Up-to-Date Chart' "
        "(piie.com/research/piie-charts/2019/us-china-trade-war-tariffs-date-chart, versions of "
        "14 Feb 2020 and 2025)")


def row(imp, exp, ind, rate, basis, source, grade, note=""):
    return {"importer": imp, "exporter": exp, "wiod_industry": ind, "rate_pct": f"{rate:.2f}",
            "basis": basis, "source": source, "grade": grade, "note": note}


def build() -> list[dict]:
    rows = []
    for ind in SERVICES:
        rows.append(row("*", "*", ind, 0.0, "none", "services carry no tariff (WIOD c17-c35)",
                        "official", "rule for every importer and exporter"))
    for imp in REGIONS:
        for k, ind in enumerate(GOODS):
            rate = MFN[imp][k]
            if (imp, ind) in MFN_SECONDARY:
                src, note = MFN_SECONDARY[(imp, ind)]
                rows.append(row(imp, "*", ind, rate, "mfn_tw", src, "secondary", note))
            else:
                rows.append(row(imp, "*", ind, rate, "mfn_tw",
                                f"{NOTES} section 3 (MFN by importer)", "estimate", MFN_NOTE[imp]))
    pair = {}
    for (imp, exp), (f_ind, f_farm, agreement, note) in PREFS.items():
        for k, ind in enumerate(GOODS):
            f = f_farm if ind in FARM_FOOD else f_ind
            rate = round(MFN[imp][k] * f, 2)
            pair[(imp, exp, ind)] = row(
                imp, exp, ind, rate, "preference", f"{agreement}; {NOTES} section 4", "estimate",
                f"MFN {MFN[imp][k]} x {f} (share of MFN duty still paid)" + (f"; {note}" if note else ""))
    for ind, (rate, grade, sec) in US_JPN.items():
        extra = "; incl. Section 232 over-quota steel / aluminium 10% (1.6 without)" if ind == "c12" else ""
        pair[("USA", "JPN", ind)] = row(
            "USA", "JPN", ind, rate, "mfn_tw+232" if ind == "c12" else "mfn_tw",
            "source/tariff_notes.md base-year table (HTSUS line rates weighted to Japan's "
            "shipments), sector " + sec, grade,
            "US-Japan Trade Agreement (1 Jan 2020) lines included" + extra)
    for ind, (rate, grade, sec) in JPN_US.items():
        pair[("JPN", "USA", ind)] = row(
            "JPN", "USA", ind, rate, "mfn_tw" if ind != "c3" else "mfn_tw+usjta",
            "source/tariff_notes.md base-year table (Japan's applied rates on US goods), "
            "sector " + sec, grade,
            "USJTA beef 22.5% in JFY2024 (MFN 38.5%, CRS R46576)" if ind == "c3" else
            "tariffs only, no TRQ mark-ups")
    for ind, (rate, note) in USA_CHN.items():
        pair[("USA", "CHN", ind)] = row(
            "USA", "CHN", ind, rate, "mfn_tw+301+232" if ind == "c12" else "mfn_tw+301",
            f"Section 301 lists 1-4A (USTR, 83 FR 28710, 83 FR 40823, 83 FR 47974, 84 FR 43304) and "
            f"the 2024 four-year-review modification (89 FR 76581); average anchored to {PIIE}",
            "estimate", note)
    for exp, (add, note) in S232_ADD.items():
        base = pair.get(("USA", exp, "c12"))
        mfn_rate = float(base["rate_pct"]) if base else MFN["USA"][11]
        pair[("USA", exp, "c12")] = row(
            "USA", exp, "c12", round(mfn_rate + add, 2),
            ("preference+232" if base and base["basis"] == "preference" else "mfn_tw+232"),
            "Proclamations 9704/9705 (8 Mar 2018) and the country arrangements (KOR 2018, EU 2022, "
            f"JPN 2022, GBR 2022); {NOTES} section 5", "estimate",
            f"{mfn_rate} + {add}: {note}")
    for ind, (rate, note) in CHN_USA.items():
        pair[("CHN", "USA", ind)] = row(
            "CHN", "USA", ind, rate, "mfn_tw+retaliation",
            f"Customs Tariff Commission of the State Council retaliation lists 2018-2019 (halved 14 Feb "
            f"2020, exclusion process); average anchored to {PIIE}", "estimate", note)
    rows.extend(pair[k] for k in sorted(pair, key=lambda k: (k[0], k[1], int(k[2][1:]))))
    return rows


def main() -> None:
    rows = build()
    fields = ["importer", "exporter", "wiod_industry", "rate_pct", "basis", "source", "grade", "note"]
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT}: {len(rows)} rows")


if __name__ == "__main__":
    main()
