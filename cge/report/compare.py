"""Comparisons of scenarios: tidy and side-by-side tables, solve status, EV figure, and the
comparison folder (:func:`write_comparison`; ``cge compare``)."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..version import __version__
from .folders import atomic_dir
from .plots import grouped_bars, new_figure, save_figure
from .provenance import now, versions, write_metadata
from .tables import TIDY_COLUMNS, has_parquet, publication, to_latex, to_markdown

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .protocol import ResultsLike


@dataclass
class Outcome:
    """One scenario of a comparison: its results, or the one-line reason it failed."""

    name: str
    results: ResultsLike | None = None
    error: str = ""
    path: str = ""
    digest: str = ""

    @property
    def ok(self) -> bool:
        return self.results is not None


def comparison(outcomes: Sequence[Outcome], flows: Sequence[tuple[str, str]] = ()) -> pd.DataFrame:
    """Tidy comparison: ``scenario, region, variable, unit, value``.

    Per scenario and region: EV (currency unit and % of base income) and real GDP (% change);
    per (exporter, importer) in ``flows``: the importer's goods imports from the exporter in
    volume (at base prices), change in the currency unit and in %. Failed scenarios have no
    rows (see :func:`comparison_wide`).
    """
    rows = []
    for oc in outcomes:
        if not oc.ok:
            continue
        res = oc.results
        v = res.indicators(["ev", "ev_pct_income", "real_gdp_pct", "goods_imports_volume_change",
                            "goods_imports_volume_pct"])
        regions = list(res.economy.benchmark.regions)
        at = {r: k for k, r in enumerate(regions)}
        for k, r in enumerate(regions):
            rows += [(oc.name, r, "EV", res.unit, v["ev"][k]),
                     (oc.name, r, "EV", "% of base income", v["ev_pct_income"][k]),
                     (oc.name, r, "real GDP", "% change", v["real_gdp_pct"][k])]
        for e, i in flows:
            var = f"goods imports from {e}, volume"
            cell = (at[e], at[i])
            rows += [(oc.name, i, var, f"{res.unit}, change at base prices",
                      v["goods_imports_volume_change"][cell]),
                     (oc.name, i, var, "% change", v["goods_imports_volume_pct"][cell])]
    return pd.DataFrame(rows, columns=["scenario", "region", *TIDY_COLUMNS])


def comparison_wide(long: pd.DataFrame, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Side by side: rows ``(region, variable, unit)``, one column per scenario (NaN if failed)."""
    names = [oc.name for oc in outcomes]
    if long.empty:
        idx = pd.MultiIndex.from_tuples([], names=["region", "variable", "unit"])
        return pd.DataFrame(index=idx, columns=names, dtype=float)
    keys = list(dict.fromkeys(zip(long["region"], long["variable"], long["unit"])))
    wide = long.pivot_table(index=["region", "variable", "unit"], columns="scenario",
                            values="value", sort=False)
    wide = wide.reindex(index=pd.MultiIndex.from_tuples(keys, names=["region", "variable", "unit"]),
                        columns=names)
    wide.columns.name = None
    return wide


def status_table(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Per scenario: status (``ok``/``failed``), solver statistics or the failure reason."""
    rows = []
    for oc in outcomes:
        info = oc.results.info if oc.ok else None
        rows.append({"scenario": oc.name, "status": "ok" if oc.ok else "failed",
                     "iterations": info.iterations if info else None,
                     "max residual": info.max_residual if info else None,
                     "Walras residual": info.max_walras if info else None,
                     "solve seconds": info.seconds if info else None,
                     "message": info.message if info else oc.error,
                     "path": oc.path, "digest": oc.digest})
    return pd.DataFrame(rows)


def _fig_ev_by_scenario(wide: pd.DataFrame, unit: str) -> Figure:
    """EV by region, one bar per scenario: in the currency unit and in % of base income."""
    fig = new_figure(10.0, 4.0)
    for k, u in enumerate([unit, "% of base income"]):
        ax = fig.add_subplot(1, 2, k + 1)
        sub = wide.xs(("EV", u), level=("variable", "unit"))
        grouped_bars(ax, [str(r) for r in sub.index],
                     {str(c): sub[c].to_numpy(dtype=float) for c in sub.columns})
        ax.set_ylabel(f"EV ({u})")
    fig.suptitle("Equivalent variation by region and scenario", fontsize="medium")
    return fig


def write_comparison(outcomes: Sequence[Outcome], out_dir: str | Path, *,
                     flows: Sequence[tuple[str, str]] = (), overwrite: bool = False,
                     extra: dict | None = None) -> Path:
    """Write a comparison atomically: ``comparison.csv`` (tidy), ``status.csv``,
    ``tables/comparison.tex|.md`` (side by side, failed scenarios marked), ``figures/
    ev_by_scenario.png|.svg`` and ``metadata.json``. Returns the folder."""
    long = comparison(outcomes, flows)
    wide = comparison_wide(long, outcomes)
    ok = [oc for oc in outcomes if oc.ok]
    with atomic_dir(out_dir, overwrite) as tmp:
        long.to_csv(tmp / "comparison.csv", index=False, encoding="utf-8")
        if has_parquet():
            long.to_parquet(tmp / "comparison.parquet", index=False)
        status_table(outcomes).to_csv(tmp / "status.csv", index=False, encoding="utf-8")
        (tmp / "tables").mkdir()
        pub = publication(wide, na_rep="failed")
        (tmp / "tables" / "comparison.tex").write_text(to_latex(pub), encoding="utf-8")
        notes = "".join(f"\n- {oc.name} failed: {oc.error}" for oc in outcomes if not oc.ok)
        (tmp / "tables" / "comparison.md").write_text(to_markdown(pub) + "\n" + notes + "\n",
                                                      encoding="utf-8")
        if ok:
            (tmp / "figures").mkdir()
            save_figure(_fig_ev_by_scenario(wide[[oc.name for oc in ok]], ok[0].results.unit),
                        tmp / "figures" / "ev_by_scenario")
        res0 = ok[0].results if ok else None
        meta = {"generator": "cge", "cge_version": __version__, "timestamp": now(),
                **(extra or {}),
                "data": ({"name": res0.economy.dataset.name, "unit": res0.unit,
                          "digest": res0.economy.dataset.digest} if res0 else None),
                "scenarios": status_table(outcomes).replace({np.nan: None}).to_dict("records"),
                "versions": versions(), "platform": platform.platform()}
        write_metadata(tmp, meta)
    return Path(out_dir).absolute()
