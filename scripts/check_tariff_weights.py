"""Import-weighted average tariffs implied by calibration/inputs/tariffs2024_by_pair.csv, with WIOD
2011 bilateral flows (intermediate + final use, basic prices) aggregated to the 11 regions as weights.

A check, not part of the build: the numbers it prints are quoted in
calibration/source/tariffs2024_notes.md section 8 (USA<-CHN against PIIE's 19.3%, CHN<-USA against
PIIE's 20.3-21.1%, KOR<-USA against MOTIE's 0.79%, ...). 2011 weights are not 2024 weights.

    python scripts/check_tariff_weights.py [path/to/wiot_2011.RData]
(default: ../shared/data/wiod2013/wiot_2011.RData next to the repository; needs the `rdata` package)
"""

from __future__ import annotations

import csv
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "calibration" / "inputs" / "tariffs2024_by_pair.csv"
DEFAULT = ROOT.parent / "shared" / "data" / "wiod2013" / "wiot_2011.RData"
REGIONS = ["USA", "JPN", "CHN", "KOR", "TWN", "CAN", "MEX", "EU", "GBR", "IND", "ROW"]
EU = {"AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GRC", "HUN", "IRL",
      "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROM", "SVK", "SVN", "SWE"}
GOODS = [f"c{i}" for i in range(1, 17)]


def region(code: str) -> str:
    return code if code in REGIONS else ("EU" if code in EU else "ROW")


def flows(path: Path) -> dict[tuple[str, str, str], float]:
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = rdata.conversion.convert(rdata.parser.parse_file(str(path)))["wiot_2011"]
    inter, final = np.asarray(w["inter"]), np.asarray(w["final"])
    countries = [str(c) for c in np.asarray(w["countries"])]
    n, s = len(countries), 35
    use = inter.reshape(n * s, n, s).sum(axis=2) + final.reshape(n * s, n, 5).sum(axis=2)
    out: dict[tuple[str, str, str], float] = {}
    for ci, c in enumerate(countries):
        for di, d in enumerate(countries):
            rc, rd = region(c), region(d)
            if rc == rd:
                continue
            for k in range(16):
                key = (rd, rc, f"c{k + 1}")
                out[key] = out.get(key, 0.0) + float(use[ci * s + k, di])
    return out


def main() -> None:
    weights = flows(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
    with open(TABLE, newline="", encoding="utf-8") as fh:
        idx = {(r["importer"], r["exporter"], r["wiod_industry"]): float(r["rate_pct"])
               for r in csv.DictReader(fh)}

    def cell(i: str, x: str, s: str) -> float:
        return idx.get((i, x, s), idx.get((i, "*", s), 0.0))

    def avg(i: str, xs: list[str]) -> float:
        num = sum(weights.get((i, x, s), 0.0) * cell(i, x, s) for x in xs for s in GOODS)
        den = sum(weights.get((i, x, s), 0.0) for x in xs for s in GOODS)
        return num / den

    print("importer | all partners | by exporter (goods c1-c16, WIOD 2011 weights)")
    for i in REGIONS:
        others = [x for x in REGIONS if x != i]
        print(f"{i:4s} | {avg(i, others):5.2f} | " + "  ".join(f"{x} {avg(i, [x]):.2f}" for x in others))


if __name__ == "__main__":
    main()
