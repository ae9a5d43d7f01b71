"""Calibration: benchmark quantities, tax rates and shares from a validated data set.

Every benchmark price is 1, so every benchmark quantity is the SAM value (in the data's currency
unit). The model's variables are indices relative to these values (1 in the benchmark), which
keeps equations well scaled. Flows that are zero in the data are left out of the model (no
variable, no equation), so sectors that do not trade with a partner are handled exactly.

Notation follows docs/model.md: ``Z`` gross output at market prices (including production tax),
``VA`` value added, ``X[i,j]`` intermediate use of composite ``i`` by sector ``j``, ``D`` domestic
sales, ``E`` exports, ``MS[s,r,i]`` imports of ``i`` by ``r`` from ``s`` (c.i.f.), ``M`` import
composite (gross of tariffs), ``Q`` Armington composite, ``C``/``G``/``I`` final demand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .data import Dataset

#: Relative size below which a derived flow (e.g. domestic sales) is treated as exactly zero.
ZERO = 1e-12


@dataclass(frozen=True)
class Benchmark:
    """Calibrated benchmark: base values (currency unit of the data) and rates (fractions).

    All dicts are keyed by tuples of names and hold only non-zero flows.
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    factors: tuple[str, ...]
    reference_region: str
    unit: str
    F: dict  # (r, f, j) factor payments
    X: dict  # (r, i, j) intermediate use of composite i in sector j
    VA: dict  # (r, j)
    Z: dict  # (r, j) gross output at market prices
    tz: dict  # (r, j) production tax rate on net cost
    D: dict  # (r, i) domestic sales
    E: dict  # (r, i) exports (world prices)
    MS: dict  # (s, r, i) imports of r from s at c.i.f. world prices
    tm: dict  # (s, r, i) tariff rate (fraction of c.i.f. value)
    M: dict  # (r, i) import composite, gross of tariffs
    Q: dict  # (r, i) Armington composite
    C: dict  # (r, i) household consumption
    G: dict  # (r, i) government consumption
    I: dict  # (r, i) investment demand  # noqa: E741
    FF: dict  # (r, f) factor endowment
    YH: dict  # r: household factor income
    TD: dict  # r: direct tax
    SH: dict  # r: household saving
    YG: dict  # r: government revenue
    SG: dict  # r: government saving
    FS: dict  # r: foreign saving (reference currency)
    SAV: dict  # r: total saving = investment spending
    sigma_va: dict  # (r, j)
    sigma_d: dict  # (r, i)
    sigma_m: dict  # (r, i)
    psi: dict  # (r, i), math.inf = perfect transformation

    @property
    def td(self) -> dict:
        """Direct tax rate on household factor income."""
        return {r: self.TD[r] / self.YH[r] if self.YH[r] else 0.0 for r in self.regions}

    @property
    def mps(self) -> dict:
        """Household saving as a share of disposable income."""
        return {r: self.SH[r] / (self.YH[r] - self.TD[r]) if self.YH[r] - self.TD[r] else 0.0
                for r in self.regions}

    @property
    def msg(self) -> dict:
        """Government saving as a share of government revenue. A government that buys nothing
        in the base year (no GOV column of goods) saves all its revenue: then any revenue a
        shock brings (e.g. a new tariff where the base has none) finances investment instead
        of leaving the accounts (with a base revenue of zero the share would be 0/0)."""
        return {r: 1.0 if self.total(self.G, r) <= 0 else
                (self.SG[r] / self.YG[r] if self.YG[r] else 0.0) for r in self.regions}

    def total(self, flow: dict, r: str) -> float:
        """Sum of a (r, ...) keyed flow over its other indices (0 if r has none): the same
        float as ``sum(v for k, v in flow.items() if k[0] == r)``, every region's total made
        in one pass over the flow and kept (the model's rules ask for them per cell)."""
        return self._grouped(flow, 0)[1].get(r, 0)

    def keys_of(self, flow: dict, r: str, pos: int = 0) -> list[tuple]:
        """The keys of ``flow`` whose element ``pos`` is ``r`` (a region: 0 the exporter or
        the region, 1 the importer of a bilateral flow), in the flow's order."""
        return self._grouped(flow, pos)[0].get(r, [])

    def _grouped(self, flow: dict, pos: int) -> tuple[dict, dict]:
        """``flow``'s keys and totals by element ``pos``, in one pass, kept on the benchmark
        for that dict (a frozen dataclass whose flows nothing changes)."""
        memo = self.__dict__.setdefault("_grouped_memo", {})
        hit = memo.get((id(flow), pos))
        if hit is None or hit[0] is not flow:
            keys: dict = {}
            totals: dict = {}
            for k, v in flow.items():
                keys.setdefault(k[pos], []).append(k)
                totals[k[pos]] = totals.get(k[pos], 0) + v
            hit = memo[id(flow), pos] = (flow, keys, totals)
        return hit[1], hit[2]


def _cells(sam):
    """``cell(row, col)``: one entry of the SAM ``sam`` (a DataFrame), read off its array (a
    scalar ``.loc`` costs ~10 us; calibrating world2024 takes ~5,000 of them)."""
    values = sam.to_numpy(dtype=float)
    rows = {k: n for n, k in enumerate(sam.index)}
    cols = {k: n for n, k in enumerate(sam.columns)}
    return lambda a, b: values[rows[a], cols[b]]


def calibrate(ds: Dataset) -> Benchmark:
    """Read benchmark values off the SAMs and trade table of a validated data set."""
    S, Fs, R = ds.sectors, ds.factors, ds.regions
    F, X, VA, Z, tz, D, E, M, Q, C, G, I, FF = ({} for _ in range(13))
    MS, tm = {}, {}
    YH, TD, SH, YG, SG, FS, SAV = ({} for _ in range(7))
    tariff = {(x, m, i): t for x, m, i, t in
              ds.trade[["exporter", "importer", "sector", "tariff"]].itertuples(index=False)}
    for r in R:
        sam = ds.matrix(r)
        cell = _cells(sam)
        partners = [s for s in R if s != r]
        for j in S:
            for f in Fs:
                if cell(f, j) > 0:
                    F[r, f, j] = float(cell(f, j))
            for i in S:
                if cell(i, j) > 0:
                    X[r, i, j] = float(cell(i, j))
            va = sum(F.get((r, f, j), 0.0) for f in Fs)
            cost = va + sum(X.get((r, i, j), 0.0) for i in S)
            if cost > 0:
                if va > 0:
                    VA[r, j] = va
                tz[r, j] = float(cell("IDT", j)) / cost
                Z[r, j] = cost + float(cell("IDT", j))
        for f in Fs:  # summed in F's order (sectors in order), as over F.items()
            total = sum(F[r, f, j] for j in S if (r, f, j) in F)
            if total > 0:
                FF[r, f] = total
        values = sam.to_numpy(dtype=float)
        pos = {k: n for n, k in enumerate(sam.index)}
        cpos = {k: n for n, k in enumerate(sam.columns)}
        across = [cpos[s] for s in partners]
        for i in S:
            e = float(values[pos[i], across].sum())
            if e > 0:
                E[r, i] = e
            d = Z.get((r, i), 0.0) - e
            if d > ZERO * max(1.0, Z.get((r, i), 0.0)):
                D[r, i] = d
            m_gross = 0.0
            for s in partners:
                v = float(cell(s, i))
                if v > 0:
                    MS[s, r, i] = v
                    tm[s, r, i] = tariff.get((s, r, i), 0.0)
                    m_gross += v * (1 + tm[s, r, i])
            if m_gross > 0:
                M[r, i] = m_gross
            if D.get((r, i), 0.0) + m_gross > 0:
                Q[r, i] = D.get((r, i), 0.0) + m_gross
            for agent, store in (("HOH", C), ("GOV", G), ("INV", I)):
                if cell(i, agent) != 0:
                    store[r, i] = float(cell(i, agent))
        YH[r] = float(sum(FF.get((r, f), 0.0) for f in Fs))
        TD[r] = float(cell("GOV", "HOH"))
        SH[r] = float(cell("INV", "HOH"))
        YG[r] = float(sam.loc["GOV", ["IDT", "TRF", "HOH"]].sum())
        SG[r] = float(cell("INV", "GOV"))
        FS[r] = float(sam.loc["INV", partners].sum())
        SAV[r] = SH[r] + SG[r] + FS[r]
    el = ds.elasticities
    def pick(c: str) -> dict:
        col = el[c].to_dict()
        return {(r, i): float(col[r, i]) for r in R for i in S}

    psi = pick("psi")
    return Benchmark(
        regions=R, sectors=S, factors=Fs, reference_region=ds.reference_region, unit=ds.unit,
        F=F, X=X, VA=VA, Z=Z, tz=tz, D=D, E=E, MS=MS, tm=tm, M=M, Q=Q, C=C, G=G, I=I, FF=FF,
        YH=YH, TD=TD, SH=SH, YG=YG, SG=SG, FS=FS, SAV=SAV,
        sigma_va=pick("sigma_va"), sigma_d=pick("sigma_d"), sigma_m=pick("sigma_m"),
        psi={k: (math.inf if math.isinf(v) else v) for k, v in psi.items()},
    )
