import csv
JPY = 151.4
rows = []
def add(target, region, partner, sector, value, tol, grade, source, note=""):
    rows.append(dict(target=target, region=region, partner=partner, sector=sector,
                     value_usd_million=round(value, 1), tolerance_pct=tol, grade=grade,
                     source=source, note=note))
# ---------------- GDP
IMFW = "IMF World Economic Outlook database April 2025, world GDP 2024 at current prices about 110 tn USD (as in calibration/inputs/assumptions.toml; WTO Annual Report 2025 via thefact.ng gives world GDP growth 2.8%)"
gdp = {
 "USA": (29184900, 1.0, "official", "BEA NIPA Table 1.1.5, GDP 2024 current dollars, third estimate (27 Mar 2025) 29,184.9 bn USD; theupdate.ng quoting IMF: 29.17 tn", "assumptions.toml rounds to 29.2 tn; later BEA annual updates may revise by <1%"),
 "JPN": (609.0e6/JPY, 1.5, "official", "Cabinet Office of Japan, nominal GDP CY2024 first preliminary estimate (17 Feb 2025) 609.0 tn JPY; converted at 151.4 JPY/USD (Federal Reserve H.10 2024 annual average) as in assumptions.toml", "at the MoF customs-average rate 150.97 (Kyodo via en.inform.kz) the value is 0.3% higher"),
 "CHN": (134806.6e3/7.19, 3.0, "secondary", "NBS China final verification of 2024 GDP, 134,806.6 bn CNY (IANS report via newsnationtv.com, 26 Dec 2025); converted at 7.19 CNY/USD (estimate of the 2024 average market rate)", "the same report quotes about 19.16 tn USD (rate not stated); 7.1217 (PBoC central parity average) would give 18.93 tn; tolerance covers both"),
 "KOR": (1870000, 5.0, "estimate", "Bank of Korea nominal GDP 2024 about 2,549 tn KRW at about 1,364 KRW/USD (recollection, not retrieved in this session); IMF Oct 2024 WEO projection 1.76 tn (countrycassette/bing cached IMF table)", "estimate: wide tolerance; the IMF Oct-2024 projection is 6% lower"),
 "TWN": (790000, 5.0, "estimate", "DGBAS Taiwan GDP 2024 about 24.6 tn TWD at about 32.1 TWD/USD (recollection); IMF Oct 2024 WEO projection 803 bn USD (cached IMF table)", "estimate"),
 "CAN": (2210000, 3.0, "secondary", "IMF WEO, GDP 2024 about 2.21 tn USD (theupdate.ng, 'top 10 economies', quoting IMF)", "IMF Oct 2024 projection 2.24 tn"),
 "MEX": (1850000, 6.0, "estimate", "INEGI nominal GDP 2024 about 33.9 tn MXN at about 18.3 MXN/USD (recollection); IMF Oct 2024 WEO projection 2.02 tn (cached IMF table)", "conflict: the Oct-2024 projection used a stronger peso; estimate"),
 "EU": (17935e3*1.0824, 3.0, "estimate", "Eurostat nama_10_gdp, EU27 GDP 2024 about 17,935 bn EUR (recollection; Eurostat 'National accounts and GDP', June 2025, gives +1.0% real) at 1.0824 USD/EUR (ECB 2024 average reference rate, recollection)", "EU27 of 2024 incl. Croatia, excl. GBR"),
 "GBR": (3590000, 3.0, "secondary", "IMF WEO, UK GDP 2024 about 3.59 tn USD (theupdate.ng quoting IMF)", "ONS about 2.85 tn GBP at 1.278 USD/GBP would give 3.64 tn (+1.4%)"),
 "IND": (3890000, 4.0, "secondary", "IMF WEO, India GDP 2024 about 3.89 tn USD (theupdate.ng quoting IMF)", "IMF reports India on fiscal years (FY2024/25)"),
}
WORLD = 110000000
for r, (v, t, g, s, n) in gdp.items():
    add("gdp", r, "", "", v, t, g, s, n)
row_gdp = WORLD - sum(v[0] for v in gdp.values())
add("gdp", "ROW", "", "", row_gdp, 10.0, "estimate", "world GDP (" + IMFW + ") minus the ten regions above", "residual: by construction; its error is the sum of the others' errors (about 1.5 tn USD at the stated tolerances)")
add("gdp_world", "ROW", "", "world", WORLD, 2.0, "secondary", IMFW, "world total, stored on the ROW row only for the residual check (region column must be one of the 11 codes)")
# ---------------- total goods trade
jx, jm = 107.09e6/JPY, 112.42e6/JPY
mof = "Japan MoF Trade Statistics CY2024 preliminary (23 Jan 2025) via Kyodo (en.inform.kz, gulftoday.ae)"
gt = [
 ("USA", 2064500, 3267400, 1.0, "official", "US Census Bureau, total goods exports (f.a.s.) 2,064.5 bn and general imports (customs value) 3,267.4 bn USD in 2024, Census basis (Wyoming Economic Analysis Division via k2radio.com)", "WTO gives US imports 3.36 tn (WTO Annual Report 2025 via thefact.ng): WTO basis differs (BOP adjustments)"),
 ("JPN", None, None, 1.5, "official", mof + ": exports 107.09 tn JPY (f.o.b.), imports 112.42 tn JPY (c.i.f.), deficit 5.33 tn; at 151.4 JPY/USD", "Japan ran a deficit in 2024: fixes the Japanese surplus of the current data"),
 ("CHN", 3577000, 2588000, 3.0, "secondary", "WTO Annual Report 2025 (via thefact.ng): China largest exporter 3.58 tn USD; imports from China Customs (GAC) 2024 about 2.59 tn USD (recollection)", "imports: estimate-quality, within tolerance"),
 ("KOR", 683800, 632000, 3.0, "estimate", "MOTIE Korea, 2024 exports 683.8 bn and imports 632.0 bn USD (recollection of the 1 Jan 2025 release, not retrieved)", ""),
 ("TWN", 475000, 394500, 4.0, "estimate", "Ministry of Finance Taiwan, 2024 exports about 475 bn, imports about 394 bn USD (recollection)", ""),
 ("CAN", 569000, 570000, 6.0, "estimate", "Statistics Canada customs basis 2024, exports about 768 bn CAD, imports about 770 bn CAD at about 1.37 CAD/USD (recollection)", ""),
 ("MEX", 617100, 625300, 3.0, "estimate", "INEGI balanza comercial 2024: exports about 617 bn, imports about 625 bn USD (recollection)", ""),
 ("EU", 2584e3*1.0824, 2434e3*1.0824, 5.0, "estimate", "Eurostat extra-EU trade 2024: exports about 2,584 bn EUR, imports about 2,434 bn EUR (recollection) at 1.0824 USD/EUR", "extra-EU only: trade among EU members is internal to the EU region"),
 ("GBR", 505000, 810000, 8.0, "estimate", "ONS UK trade 2024, goods exports about 395 bn GBP, imports about 634 bn GBP at 1.278 USD/GBP (recollection)", "ONS excludes precious metals in some series; wide tolerance"),
 ("IND", 443000, 702000, 5.0, "estimate", "India Ministry of Commerce (DGCI&S) monthly data, calendar 2024 about 443 bn exports, 702 bn imports (FY2024/25: 437.4 and 720.2 bn; recollection)", ""),
]
sx = sm = 0.0
for r, x, m, t, g, s, n in gt:
    if r == "JPN":
        x, m = jx, jm
    sx += x; sm += m
    add("goods_exports", r, "", "", x, t, g, s, n)
    add("goods_imports", r, "", "", m, t, g, s, n)
WX, INTRA = 24430000, 4330000
add("goods_exports", "ROW", "", "", WX - INTRA - sx, 15.0, "estimate", "WTO world merchandise exports 2024 24.43 tn USD (WTO Annual Report 2025 via thefact.ng) minus intra-EU exports (about 4.0 tn EUR = 4.33 tn USD, Eurostat, recollection) minus the ten regions above", "residual")
add("goods_imports", "ROW", "", "", WX * 1.02 - INTRA - sm, 15.0, "estimate", "world imports taken as 1.02 x world exports (c.i.f./f.o.b. gap, estimate) minus intra-EU minus the ten regions above", "residual, wide tolerance")
# ---------------- US bilateral (Census)
cen = "US Census Bureau 2024 goods trade by country (Census basis)"
usb = [
 ("CHN", 143500, 438900, "official", cen + ", via k2radio.com (Wyoming EAD): exports 143.5 bn, imports 438.9 bn, deficit 295.4 bn", 1.0, ""),
 ("MEX", 334000, 505900, "official", cen + ", via k2radio.com: exports 334.0 bn, imports 505.9 bn (deficit 171.8 bn, boursewatch.com)", 1.0, ""),
 ("CAN", 348500, 412700, "official", cen + ", via k2radio.com: exports 348.5 bn, imports 412.7 bn", 1.0, "conflict: boursewatch.com quotes a 63.3 bn deficit, implying exports 349.4 bn (revision vintage)"),
 ("JPN", 79700, 148200, "official", cen + " / USTR: exports 79.7 bn, imports 148.2 bn, deficit 68.5 bn (assumptions.toml; calibration/source/tariff_notes.md)", 1.0, "usimportdata.com quotes imports 152.06 bn (a different import concept); Japan MoF mirror: exports to US 21.30 tn JPY = 140.7 bn f.o.b."),
 ("KOR", 65500, 131500, "estimate", cen + ", exports about 65.5 bn, imports about 131.5 bn (recollection of the USTR country page)", 3.0, ""),
 ("TWN", 42300, 116300, "estimate", cen + ", exports about 42.3 bn, imports about 116.3 bn (recollection)", 3.0, ""),
 ("EU", 370200, 605800, "estimate", cen + ", EU27 exports about 370.2 bn, imports about 605.8 bn (recollection); the deficit of 235.57 bn is confirmed by rejectfreetrade.com (CPA, quoting Census)", 2.0, "deficit checked against a cited figure"),
 ("GBR", 79900, 68100, "estimate", cen + ", exports about 79.9 bn, imports about 68.1 bn (recollection)", 3.0, "US surplus with the UK"),
 ("IND", 41800, 87400, "estimate", cen + ", exports about 41.8 bn, imports about 87.4 bn (recollection)", 3.0, ""),
]
ox = om = 0.0
for p, x, m, g, s, t, n in usb:
    ox += x; om += m
    add("bilateral_goods_exports", "USA", p, "", x, t, g, s, "reporter USA; " + n)
    add("bilateral_goods_imports", "USA", p, "", m, t, g, s, "reporter USA; " + n)
add("bilateral_goods_exports", "USA", "ROW", "", 2064500 - ox, 5.0, "official", "US total goods exports (Census, k2radio.com) minus the nine partners above", "reporter USA; residual")
add("bilateral_goods_imports", "USA", "ROW", "", 3267400 - om, 5.0, "official", "US total general imports (Census, k2radio.com) minus the nine partners above", "reporter USA; residual")
# ---------------- Japan bilateral (MoF, yen tn)
jb = [
 ("USA", 21.30, 12.65, "official", mof + ": exports to US 21.30 tn JPY, imports from US 12.65 tn JPY (surplus 8.64 tn)", 2.0, "c.i.f. imports; the US Census mirror is 79.7 bn exports (f.a.s.)"),
 ("CHN", 18.87, 18.87 + 6.44, "official", mof + ": exports to China 18.87 tn JPY, deficit with China 6.44 tn JPY (imports = 25.31 tn)", 2.0, ""),
 ("KOR", 6.6, 4.4, "estimate", "Japan MoF Trade Statistics 2024 by country, Korea (recollection)", 15.0, ""),
 ("TWN", 8.3, 5.0, "estimate", "Japan MoF Trade Statistics 2024 by country, Taiwan (recollection; chip-equipment exports grew strongly)", 15.0, ""),
 ("EU", 9.9, 12.2, "estimate", "Japan MoF Trade Statistics 2024 by region, EU (recollection); FY2024 deficit with the EU 2.53 tn JPY (Xinhua via newbusinessage.com)", 10.0, "deficit consistent with the cited FY2024 figure"),
 ("GBR", 1.3, 0.95, "estimate", "Japan MoF Trade Statistics 2024, UK (recollection)", 20.0, ""),
 ("CAN", 1.6, 2.1, "estimate", "Japan MoF Trade Statistics 2024, Canada (recollection)", 20.0, ""),
 ("MEX", 2.2, 0.95, "estimate", "Japan MoF Trade Statistics 2024, Mexico (recollection)", 20.0, ""),
 ("IND", 2.4, 0.9, "estimate", "Japan MoF Trade Statistics 2024, India (recollection)", 20.0, ""),
]
ox = om = 0.0
for p, x, m, g, s, t, n in jb:
    ox += x; om += m
    add("bilateral_goods_exports", "JPN", p, "", x*1e6/JPY, t, g, s + "; at 151.4 JPY/USD", "reporter JPN; " + n)
    add("bilateral_goods_imports", "JPN", p, "", m*1e6/JPY, t, g, s + "; at 151.4 JPY/USD", "reporter JPN; " + n)
add("bilateral_goods_exports", "JPN", "ROW", "", (107.09-ox)*1e6/JPY, 10.0, "estimate", mof + " total exports 107.09 tn JPY minus the partners above", "reporter JPN; residual")
add("bilateral_goods_imports", "JPN", "ROW", "", (112.42-om)*1e6/JPY, 10.0, "estimate", mof + " total imports 112.42 tn JPY minus the partners above", "reporter JPN; residual")
# ---------------- US-Japan by sector (US Census basis), estimates
SS = "estimate by HS-chapter mix of US-Japan trade (recollection of USITC DataWeb 2024 HS2 totals; HS2 Q1-2025 shares of US imports from Japan HS87 34%, HS84 22%, HS85 12% from moto-no.jp quoting USITC)"
imp = [  # JPN -> USA, reporter USA imports
 ("AGR", 300, 50, "HS 01-14 excl. 03"),
 ("FOOD", 1700, 40, "HS 03, 15-24"),
 ("ENR", 1200, 50, "HS 27"),
 ("CHEM", 9000, 30, "HS 28-38 incl. pharmaceuticals"),
 ("RUBP", 5000, 35, "HS 39-40"),
 ("STEEL", 3000, 35, "HS 72-73"),
 ("NFM", 1500, 50, "HS 74-81"),
 ("MACH", 33000, 20, "HS 84"),
 ("ELEC", 14500, 25, "HS 85"),
 ("AUTO", 55500, 2, "HS 87 passenger vehicles and parts: official target of assumptions.toml (US Census/USTR)"),
 ("OTRN", 3500, 40, "HS 86, 88, 89"),
]
omfg = 148200 - sum(v for _, v, _, _ in imp)
imp.append(("OMFG", omfg, 30, "HS 41-71, 82-83, 90-99 (optical/medical HS 90 about 10 bn, precious HS 71, special provisions): residual to the 148.2 bn total"))
for s, v, t, h in imp:
    g = "official" if s == "AUTO" else "estimate"
    src = "US Census/USTR 2024: US imports of passenger vehicles and parts from Japan 55.5 bn (assumptions.toml)" if s == "AUTO" else SS
    add("sector_goods_imports", "USA", "JPN", s, v, t, g, src, h)
exp = [  # USA -> JPN, reporter USA exports
 ("AGR", 5500, 30, "HS 01-14 excl. 03 (corn, soybeans, wheat, hay)"),
 ("FOOD", 7000, 30, "HS 03, 15-24 (beef, pork, processed food, beverages, fish)"),
 ("ENR", 9500, 35, "HS 27 (LNG, LPG, coal, crude)"),
 ("CHEM", 12500, 30, "HS 28-38 incl. pharmaceuticals"),
 ("RUBP", 1500, 40, "HS 39-40"),
 ("STEEL", 400, 60, "HS 72-73"),
 ("NFM", 1300, 50, "HS 74-81"),
 ("MACH", 8500, 30, "HS 84 (incl. computers)"),
 ("ELEC", 5500, 30, "HS 85"),
 ("AUTO", 2800, 40, "HS 87"),
 ("OTRN", 6500, 35, "HS 88 aircraft, engines and parts; HS 86, 89"),
]
omfg = 79700 - sum(v for _, v, _, _ in exp)
exp.append(("OMFG", omfg, 35, "HS 41-71, 82-83, 90-99 (medical/optical HS 90, precious HS 71, special provisions): residual to the 79.7 bn total"))
for s, v, t, h in exp:
    add("sector_goods_exports", "USA", "JPN", s, v, t, "estimate", SS, h)
add("sector_goods_exports", "USA", "JPN", "AGR+FOOD", 12500, 15, "secondary",
    "USDA FAS: US agricultural exports to Japan 14.6 bn in 2022 (record; tsln.com, agrospectrumasia.com), 12.9 bn in 2018, 10.7 bn 20-year average (tsenews.net); 2024 about 12-12.5 bn (recollection of USDA GATS)",
    "cross-check row, not additive to the sector rows: farm + food; fixes the 23 bn of the current data (docs/data.md)")
# ---------------- US energy balance
EE = "estimate: EIA volumes x 2024 average prices"
en = [
 ("energy_exports", "crude", 112500, 25, "EIA: US crude exports record 4.1 mb/d in 2024 (EIA via ttm.financial/Dow Jones, 10 Apr 2025) x 366 days x about 75 USD/bbl (WTI 2024 average about 76)"),
 ("energy_exports", "products", 145000, 30, "about 6.6 mb/d of petroleum products and NGLs (EIA Petroleum Supply Monthly, recollection) x about 60 USD/bbl (propane/ethane cheap, distillates/gasoline about 95)"),
 ("energy_exports", "gas", 37000, 35, "LNG about 11.9 bcf/d (EIA/DOE: 11.8 bcf/d in H1 2024, hartenergy.com) x about 6.5 USD/Mcf f.o.b. + pipeline about 8.4 bcf/d x about 2.9 USD/Mcf"),
 ("energy_exports", "coal", 13000, 35, "about 95 Mt x about 135 USD/t (EIA Quarterly Coal Report, recollection)"),
 ("energy_imports", "crude", 164000, 25, "about 6.6 mb/d (EIA, recollection) x 366 x about 68 USD/bbl (heavy Canadian crude at a discount)"),
 ("energy_imports", "products", 59000, 35, "about 1.9 mb/d x about 85 USD/bbl"),
 ("energy_imports", "gas", 6600, 40, "about 8.2 bcf/d pipeline from Canada x about 2.2 USD/Mcf"),
 ("energy_imports", "coal", 500, 60, "small (EIA, recollection)"),
]
for tg, s, v, t, src in en:
    add(tg, "USA", "", s, v, t, "estimate", EE + "; " + src, "value at f.a.s./customs value")
xs = sum(v for tg, _, v, _, _ in en if tg == "energy_exports")
ms = sum(v for tg, _, v, _, _ in en if tg == "energy_imports")
add("energy_exports", "USA", "", "total", xs, 25, "estimate", EE + "; sum of crude, products, gas, coal", "EIA: net total energy exporter (in Btu) since 2019 (eia.gov Energy Explained; Today in Energy 7 Jul 2025: net exporter in 2024 for the third consecutive year)")
add("energy_imports", "USA", "", "total", ms, 25, "estimate", EE + "; sum of crude, products, gas, coal", "fixes US energy imports about 3x actual in the current data; EIA: imports 17% of US energy supply in 2024 (Today in Energy, 7 Jul 2025)")
# ---------------- tariff revenue
add("tariff_revenue_fy", "USA", "", "FY2024", 77000, 3, "secondary", "US Treasury Monthly Treasury Statement, customs duties FY2024 (Oct 2023-Sep 2024) 77 bn USD (Business Standard 'Datanomics', 29 Oct 2025, quoting Treasury)", "fiscal year; 2.4% of 2024 goods imports; fixes base US tariff revenue about 30% too high")
add("tariff_revenue", "USA", "", "CY2024", 78500, 5, "estimate", "calendar 2024 from MTS monthly net customs duties: FY2024 77 bn adjusted for Oct-Dec (FYTD Apr 2024 44.1 bn, mnimarkets.com: about 6.3 bn a month) (estimate)", "duty over goods imports 78.5/3,267 = 2.4%")
add("tariff_revenue", "JPN", "", "FY2024", 1.1e6/JPY, 20, "estimate", "Japan MoF general account, customs duties (kanzei) about 1.1 tn JPY in FY2024 (recollection of the settlement); at 151.4 JPY/USD", "excludes tonnage dues and consumption tax on imports")
add("tariff_revenue", "EU", "", "CY2024", 26000*1.0824, 20, "estimate", "European Commission, traditional own resources (customs duties) 2024 about 26 bn EUR gross, about 19.5 bn EUR net of the 25% retained collection costs (recollection of the EU budget financial report); at 1.0824 USD/EUR", "gross duties collected by member states")
with open("/work/wt-targets/calibration/inputs/targets2024.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader(); w.writerows(rows)
print(len(rows))
from collections import Counter
print(Counter(r["grade"] for r in rows))
for r in rows:
    if r["target"] in ("gdp","goods_exports","goods_imports") or r["partner"]=="ROW":
        print(r["target"], r["region"], r["partner"], r["value_usd_million"])
