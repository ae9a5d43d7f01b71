"""Write a known data set in the layouts of the on-ramps (tests only; GTAP data are licensed and
never shipped, so the tests write GTAP-layout HAR files themselves).

The known data set is TWOCGE (tests/data/twocge, Hosoe, Gasawa & Hashimoto 2010) with its
government saving moved to the household (GTAP's regional household does all the saving):
``(INV, GOV) -> 0``, ``(INV, HOH) += s``, ``(GOV, HOH) -= s``; every account still balances.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

import cge
from cge.build.write import format_number, render_elasticities, write_dataset

TWOCGE = Path(__file__).parent / "data" / "twocge"


def known_dataset(folder: Path, *, psi: str = "inf") -> Path:
    """TWOCGE without government saving, elasticities sigma_va 1, sigma_d 2, sigma_m 2, psi."""
    ds = cge.load_dataset(TWOCGE)
    sam: dict[str, dict[tuple[str, str], float]] = {r: {} for r in ds.regions}
    for r, row, col, v in ds.sam[["region", "row", "col", "value"]].itertuples(index=False):
        sam[r][(row, col)] = float(v)
    for r in ds.regions:
        s = sam[r].pop(("INV", "GOV"), 0.0)
        sam[r][("INV", "HOH")] += s
        sam[r][("GOV", "HOH")] -= s
    trade = {(e, i, s): (float(v), float(t)) for e, i, s, v, t in
             ds.trade[["exporter", "importer", "sector", "value", "tariff_pct"]]
             .itertuples(index=False)}
    elas = [{"sector": s, "sigma_va": "1", "sigma_d": "2", "sigma_m": "2", "psi": psi,
             "source": "TWOCGE"} for s in ds.sectors]
    return write_dataset(folder, name="known", description="TWOCGE, no government saving",
                         unit="USD million", regions=ds.regions, sectors=ds.sectors,
                         factors=ds.factors, reference_region="USA", sam=sam, trade=trade,
                         elasticities=elas)


def _cells(ds) -> dict[str, dict[tuple[str, str], float]]:
    out: dict[str, dict[tuple[str, str], float]] = {r: {} for r in ds.regions}
    for r, row, col, v in ds.sam[["region", "row", "col", "value"]].itertuples(index=False):
        out[r][(row, col)] = float(v)
    return out


def write_gtap(folder: Path, data: Path, *, purchase_tax: float = 0.0, margin: float = 0.0) -> Path:
    """Write ``basedata.har``, ``sets.har`` and ``default.prm`` in the GTAP v7 layout from the
    data set ``data``.

    Each user's purchase of commodity i is split into domestic and imported parts by the
    region's import share of i (the model's Armington composite is shared by all users).
    ``purchase_tax``: a tax rate on private households' purchases (VDPP = (1 + rate) VDPB);
    ``margin``: international margins as a fraction of f.o.b. value (VCIF = (1 + m) VFOB, the
    tariff levied on c.i.f.). Both are what the import must drop and report.
    """
    import harpy

    ds = cge.load_dataset(data)
    R, C, F = list(ds.regions), list(ds.sectors), list(ds.factors)
    nr, nc, nf = len(R), len(C), len(F)
    cells = _cells(ds)
    v = np.zeros((nc, nr, nr))
    t = np.zeros((nc, nr, nr))
    for (e, i, s), (val, pct) in ((k, (a, b)) for k, a, b in zip(
            zip(ds.trade.exporter, ds.trade.importer, ds.trade.sector), ds.trade.value,
            ds.trade.tariff_pct)):
        v[C.index(s), R.index(e), R.index(i)] = val
        t[C.index(s), R.index(e), R.index(i)] = pct / 100.0
    h: dict[str, np.ndarray] = {k: np.zeros((nc, nc, nr)) for k in ("VDFB", "VMFB", "MAKB", "MAKS")}
    for k in ("VDPB", "VMPB", "VDGB", "VMGB", "VDIB", "VMIB"):
        h[k] = np.zeros((nc, nr))
    h["EVFB"] = np.zeros((nf, nc, nr))
    for r, rn in enumerate(R):
        x = cells[rn]
        for i, cn in enumerate(C):
            absorption = sum(x.get((cn, u), 0.0) for u in [*C, "HOH", "GOV", "INV"])
            m = ((1 + t[i, :, r]) * v[i, :, r]).sum() / absorption  # import share
            for j, jn in enumerate(C):
                h["VDFB"][i, j, r] = (1 - m) * x.get((cn, jn), 0.0)
                h["VMFB"][i, j, r] = m * (1 + margin) * x.get((cn, jn), 0.0)
            for k, acc in (("P", "HOH"), ("G", "GOV"), ("I", "INV")):
                h[f"VD{k}B"][i, r] = (1 - m) * x.get((cn, acc), 0.0)
                h[f"VM{k}B"][i, r] = m * (1 + margin) * x.get((cn, acc), 0.0)
            cost = sum(x.get((u, cn), 0.0) for u in [*C, *F])
            h["MAKB"][i, i, r] = cost + x.get(("IDT", cn), 0.0)
            h["MAKS"][i, i, r] = cost
            for k, fn in enumerate(F):
                h["EVFB"][k, i, r] = x.get((fn, cn), 0.0)
    h["VXSB"] = v
    h["VFOB"] = v.copy()
    h["VCIF"] = v * (1 + margin)
    h["VMSB"] = h["VCIF"] * (1 + t)
    for k in ("VDF", "VMF", "VDG", "VMG", "VDI", "VMI"):
        h[f"{k}P"] = h[f"{k}B"].copy()
    h["VDPP"] = h["VDPB"] * (1 + purchase_tax)
    h["VMPP"] = h["VMPB"] * (1 + purchase_tax)
    h["EVFP"] = h["EVFB"].copy()
    h["EVOS"] = h["EVFB"].copy()
    dims = {2: ("COMM", "REG"), "F": ("COMM", "ACTS", "REG"), "E": ("ENDW", "ACTS", "REG"),
            "T": ("COMM", "REG", "REG")}
    els = {"COMM": C, "ACTS": C, "REG": R, "ENDW": F}

    def ha(name: str, arr: np.ndarray, sets) -> object:
        return harpy.HeaderArrayObj.HeaderArrayFromData(
            name, np.asarray(arr, dtype=np.float32), long_name=name,
            sets=[{"name": s, "status": "k", "dim_type": "Set", "dim_desc": list(els[s])}
                  for s in sets])

    def kind(name: str):
        if name in ("VXSB", "VFOB", "VCIF", "VMSB"):
            return dims["T"]
        if name in ("EVFB", "EVFP", "EVOS"):
            return dims["E"]
        return dims["F"] if h[name].ndim == 3 else dims[2]

    folder.mkdir(parents=True, exist_ok=True)
    base = harpy.HarFileObj()
    base.addHeaderArrayObjs([ha(n, a, kind(n)) for n, a in h.items()])
    base.writeToDisk(str(folder / "basedata.har"))
    sets = harpy.HarFileObj()
    sets.addHeaderArrayObjs([harpy.HeaderArrayObj.HeaderArrayFromData(
        n, np.array(els[n], dtype="<U12"), long_name=n) for n in ("REG", "COMM", "ACTS", "ENDW")])
    sets.writeToDisk(str(folder / "sets.har"))
    ela = {row["sector"]: row for row in csv.DictReader(open(data / "elasticities.csv"))}
    prm = harpy.HarFileObj()
    prm.addHeaderArrayObjs([
        ha("ESBV", [float(ela[c]["sigma_va"]) for c in C], ("ACTS",)),
        ha("ESBD", [float(ela[c]["sigma_d"]) for c in C], ("COMM",)),
        ha("ESBM", [float(ela[c]["sigma_m"]) for c in C], ("COMM",)),
    ])
    prm.writeToDisk(str(folder / "default.prm"))
    return folder


def write_sams(folder: Path, data: Path, *, split_sectors: bool = True) -> Path:
    """Write the data set ``data`` as square national SAMs (``sam_<REGION>.csv``, one ROW
    account), ``accounts.csv``, ``trade.csv`` and ``elasticities.csv``.

    ``split_sectors``: each sector as an activity ``A_<s>`` (buys inputs, sells its output to
    the commodity) and a commodity ``C_<s>`` (buys domestic output, imports and tariffs; sells
    to users and exporters), the layout of most national SAMs.
    """
    ds = cge.load_dataset(data)
    R, C, F = list(ds.regions), list(ds.sectors), list(ds.factors)
    cells = _cells(ds)
    folder.mkdir(parents=True, exist_ok=True)
    act = {s: f"A_{s}" if split_sectors else s for s in C}
    com = {s: f"C_{s}" if split_sectors else s for s in C}
    labels = ([*act.values(), *com.values()] if split_sectors else list(C)) + [
        *F, "PTAX", "TARIFF", "HH", "GOVT", "S-I", "ROW"]
    ren = {"IDT": "PTAX", "TRF": "TARIFF", "HOH": "HH", "GOV": "GOVT", "INV": "S-I"}
    with open(folder / "accounts.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["account", "type", "name"])
        for s in C:
            if split_sectors:
                w.writerow([act[s], "activity", s])
                w.writerow([com[s], "commodity", s])
            else:
                w.writerow([s, "sector", s])
        for f in F:
            w.writerow([f, "factor", f])
        for acc, typ in (("PTAX", "production_tax"), ("TARIFF", "tariff"), ("HH", "household"),
                         ("GOVT", "government"), ("S-I", "investment"), ("ROW", "rest_of_world")):
            w.writerow([acc, typ, ""])
    for rn in R:
        x = cells[rn]
        m = {(a, b): 0.0 for a in labels for b in labels}
        for (row, col), val in x.items():
            rr = "ROW" if row in R else ren.get(row, row)
            cc = "ROW" if col in R else ren.get(col, col)
            if row in C:  # sales of the commodity
                rr = com[row]
            if col in C:  # activity pays inputs; commodity pays imports and tariffs
                cc = com[col] if (row in R or row == "TRF") else act[col]
            m[(rr, cc)] += val
        if split_sectors:
            for s in C:
                out = sum(x.get((u, s), 0.0) for u in [*C, *F, "IDT"])
                m[(act[s], com[s])] += out
        with open(folder / f"sam_{rn}.csv", "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["", *labels])
            for a in labels:
                w.writerow([a, *(format_number(m[(a, b)]) if m[(a, b)] else "" for b in labels)])
    (folder / "trade.csv").write_bytes((data / "trade.csv").read_bytes())
    rows = list(csv.DictReader(open(data / "elasticities.csv")))
    (folder / "elasticities.csv").write_text(render_elasticities(rows))
    return folder
