"""Balanced multi-region SAMs built by construction (for tests and property-based tests).

Every account balances by construction (see the derivation in ``make_dataset``), so any
failure to replicate is the model's fault, not the data's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from cge.data import Dataset, build_dataset


def make_dataset(n_regions: int = 3, n_sectors: int = 3, seed: int = 0, **options) -> Dataset:
    """A random but balanced data set (:func:`make_tables`, validated by ``build_dataset``)."""
    return build_dataset(*make_tables(n_regions, n_sectors, seed, **options))


def write_tables(folder: Path, meta: dict, sam: pd.DataFrame, trade: pd.DataFrame,
                 elasticities: pd.DataFrame) -> Path:
    """Write tables (:func:`make_tables`) as a data set folder in the input format."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{k} = {json.dumps(v)}" for k, v in meta.items()]
    (folder / "meta.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sam.to_csv(folder / "sam.csv", index=False, float_format="%.17g")
    trade.to_csv(folder / "trade.csv", index=False, float_format="%.17g")
    ela = elasticities.copy()
    ela["psi"] = ["" if v == np.inf else v for v in ela["psi"]]
    ela.to_csv(folder / "elasticities.csv", index=False, float_format="%.17g")
    return folder


def make_tables(n_regions: int = 3, n_sectors: int = 3, seed: int = 0, *, zero_share: float = 0.2,
                sigma: float | None = None, psi: float | None = None,
                factors: tuple[str, ...] = ("LAB", "CAP"),
                no_trade: Iterable[tuple[int, int]] = (), no_imports: Iterable[tuple[int, int]] = (),
                elasticities: pd.DataFrame | None = None
                ) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The tables (meta, sam, trade, elasticities) of a random but balanced data set.

    Trade flows ``T[s, r, i]`` (some zero), tariffs, intermediates ``X``, factor payments and a
    production tax are drawn; then domestic sales, the Armington composite and final demand
    follow, and household/government/investment accounts close by construction:
    ``SH + SG + FS = I`` holds because total final demand = factor income + taxes + imports −
    exports.

    Options beyond the defaults (which leave the random draws, hence the data, unchanged):
    ``no_trade`` — (exporter, importer) index pairs whose bilateral flow is zero in every
    sector; ``no_imports`` — (importer, sector) index pairs: that region imports none of that
    sector from anyone; ``elasticities`` — a table replacing the drawn one (columns ``sector``,
    optional ``region``, ``sigma_va``, ``sigma_d``, ``sigma_m``, ``psi``), e.g. from
    :func:`elasticity_table`. Regions are named ``R0, R1, …``, sectors ``S0, S1, …``.
    """
    rng = np.random.default_rng(seed)
    R = [f"R{k}" for k in range(n_regions)]
    S = [f"S{k}" for k in range(n_sectors)]
    T = rng.uniform(5, 30, (n_regions, n_regions, n_sectors))
    T *= rng.uniform(size=T.shape) >= zero_share
    for r in range(n_regions):
        T[r, r, :] = 0.0
    for s, r in no_trade:
        T[s, r, :] = 0.0
    for r, i in no_imports:
        T[:, r, i] = 0.0
    tariff = np.round(rng.uniform(0, 0.15, T.shape), 4) * (T > 0)
    sam, trade = [], []
    for r, rn in enumerate(R):
        cell = lambda row, col, v, rn=rn: sam.append((rn, row, col, float(v)))  # noqa: E731
        F = rng.uniform(40, 120, (len(factors), n_sectors))
        exports = T[r].sum(axis=0)  # T[r, s, i] summed over s
        X = rng.uniform(0, 10, (n_sectors, n_sectors)) * (rng.uniform(size=(n_sectors,) * 2) > 0.3)
        idt = rng.uniform(0, 5, n_sectors)
        Z = X.sum(axis=0) + F.sum(axis=0) + idt
        # make sure domestic sales are positive
        F[0] += np.maximum(0, exports - 0.5 * Z)
        Z = X.sum(axis=0) + F.sum(axis=0) + idt
        imports = T[:, r, :]  # [s, i]
        trf = (imports * tariff[:, r, :]).sum(axis=0)
        Q = Z - exports + imports.sum(axis=0) + trf
        fd = Q - X.sum(axis=1)
        if (fd <= 0).any():  # little value added, few imports (used to fail the assert below)
            F[0] += np.where(fd <= 0, 10.0 - fd, 0.0)
            Z = X.sum(axis=0) + F.sum(axis=0) + idt
            Q = Z - exports + imports.sum(axis=0) + trf
            fd = Q - X.sum(axis=1)
        assert (fd > 0).all()
        C, G, I = 0.6 * fd, 0.25 * fd, 0.15 * fd
        for i, si in enumerate(S):
            for j, sj in enumerate(S):
                if X[i, j]:
                    cell(si, sj, X[i, j])
            for f, fn in enumerate(factors):
                cell(fn, si, F[f, i])
            cell("IDT", si, idt[i])
            if trf[i]:
                cell("TRF", si, trf[i])
            cell(si, "HOH", C[i])
            cell(si, "GOV", G[i])
            cell(si, "INV", I[i])
            for s, sn in enumerate(R):
                if T[r, s, i]:
                    cell(si, sn, T[r, s, i])
                if T[s, r, i]:
                    cell(sn, si, T[s, r, i])
                    trade.append((sn, rn, si, T[s, r, i], 100 * tariff[s, r, i]))
        YH = F.sum()
        for f, fn in enumerate(factors):
            cell("HOH", fn, F[f].sum())
        SG = 0.1 * G.sum()
        TD = G.sum() + SG - idt.sum() - trf.sum()
        SH = YH - C.sum() - TD
        cell("GOV", "IDT", idt.sum())
        if trf.sum():
            cell("GOV", "TRF", trf.sum())
        cell("GOV", "HOH", TD)
        cell("INV", "HOH", SH)
        cell("INV", "GOV", SG)
        for s, sn in enumerate(R):
            if s != r:
                cell("INV", sn, T[s, r, :].sum() - T[r, s, :].sum())
                cell(sn, "INV", 0.0)
    sam_df = pd.DataFrame(sam, columns=["region", "row", "col", "value"])
    sam_df = sam_df[sam_df["value"] != 0]
    trade_df = pd.DataFrame(trade, columns=["exporter", "importer", "sector", "value", "tariff_pct"])
    sd = rng.uniform(1.5, 4, n_sectors) if sigma is None else np.full(n_sectors, sigma)
    ela = pd.DataFrame({"sector": S, "sigma_va": 1.0 if sigma is None else sigma, "sigma_d": sd,
                        "sigma_m": 2 * sd, "psi": np.inf if psi is None else psi,
                        "source": "synthetic"})
    if elasticities is not None:
        ela = elasticities
    meta = {"name": f"synthetic{n_regions}x{n_sectors}", "unit": "unit", "regions": R,
            "sectors": S, "factors": list(factors), "reference_region": R[0]}
    return meta, sam_df, trade_df, ela


def elasticity_table(values: dict[tuple[int, int], tuple[float, float, float, float]]) -> pd.DataFrame:
    """An elasticities table by region and sector from ``{(r, i): (sigma_va, sigma_d, sigma_m,
    psi)}`` (indices into ``R0…``, ``S0…``; ``psi = inf`` is perfect transformation)."""
    rows = [{"region": f"R{r}", "sector": f"S{i}", "sigma_va": va, "sigma_d": d, "sigma_m": m,
             "psi": p, "source": "synthetic"} for (r, i), (va, d, m, p) in sorted(values.items())]
    return pd.DataFrame(rows)
