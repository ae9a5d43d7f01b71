"""Write tests/data/wiod2011_split_fixture.csv: the WIOD 2013-release table for 2011, aggregated
to 6 regions (USA, JPN, DEU, CHN, KOR, ROW = the other 36 WIOD regions) x 4 sectors (c12 basic
and fabricated metals, c14 electrical and optical equipment, c15 transport equipment, OTH =
the other 32 industries), with final use folded into FD (households, NPISH, government, gross
fixed capital formation) and INV (inventory change). Value added = output - column sum of
intermediates (as in WIOD). Long layout of calibration.split.MRIO.to_long (USD million).

Needs the PyPI package ``rdata`` and ../shared/data/wiod2013/ (not needed by the tests):
    python scripts/wiod_split_fixture.py /work/shared/data/wiod2013/wiot_2011.RData
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from calibration.split import MRIO

REGIONS = ("USA", "JPN", "DEU", "CHN", "KOR", "ROW")
SECTORS = ("c12", "c14", "c15", "OTH")
FINAL = ("FD", "INV")
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "wiod2011_split_fixture.csv"


def main(path: str) -> None:
    import rdata

    warnings.simplefilter("ignore")
    w = rdata.conversion.convert(rdata.parser.parse_file(path))["wiot_2011"]
    countries, industries = list(w["countries"]), list(w["industries"])
    inter, final, output = np.asarray(w["inter"]), np.asarray(w["final"]), np.asarray(w["output"])
    nc, ni = len(countries), len(industries)
    reg = [REGIONS.index(c) if c in REGIONS else REGIONS.index("ROW") for c in countries]
    sec = [SECTORS.index(i) if i in SECTORS else SECTORS.index("OTH") for i in industries]
    g = np.zeros((nc * ni, len(REGIONS) * len(SECTORS)))
    for c in range(nc):
        for i in range(ni):
            g[c * ni + i, reg[c] * len(SECTORS) + sec[i]] = 1.0
    h = np.zeros((nc * 5, len(REGIONS) * len(FINAL)))  # hh, npish, gov, gfcf, inv
    for c in range(nc):
        for k in range(5):
            h[c * 5 + k, reg[c] * len(FINAL) + (1 if k == 4 else 0)] = 1.0
    z = g.T @ inter @ g
    f = g.T @ final @ h
    x = output @ g
    v = (x - z.sum(axis=0))[None, :]
    table = MRIO(REGIONS, SECTORS, FINAL, ("VA",), z, f, v, x)
    df = table.to_long()
    OUT.write_text(
        "# WIOD 2013 release, world input-output table 2011 (Timmer et al. 2015), aggregated by\n"
        "# scripts/wiod_split_fixture.py; current USD million at basic prices\n"
        + df.to_csv(index=False, lineterminator="\n", float_format="%.1f")
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/wiod2013/wiot_2011.RData")
