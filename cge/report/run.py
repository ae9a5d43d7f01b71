"""The output folder of one run: tables, figures, ``report.md``, the scenario file and
``metadata.json``, written atomically (:func:`write_outputs`; docs/outputs.md)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .folders import OutputError, atomic_dir, default_dir
from .plots import figures, save_figure
from .provenance import metadata, scenario_bytes, write_metadata
from .tables import to_markdown, write_tables

if TYPE_CHECKING:  # pragma: no cover
    from .protocol import ResultsLike

_TITLES = {"summary": "Welfare and macro aggregates by region",
           "trade": "Bilateral trade by sector (exporter → importer)",
           "welfare": "Decomposition of regional EV by region",
           "world": "World totals",
           "sectors": "Output, trade and prices by region and sector",
           "welfare_detail": "Decomposition of regional EV by component, sector and partner"}


def _report_md(res: ResultsLike, figs: list[str]) -> str:
    """``report.md``: the run at a glance, every table and figure."""
    sc, info, ds = res.scenario, res.info, res.economy.dataset
    lines = [f"# {res.name}", ""]
    if sc is not None and sc.description:
        lines += [sc.description, ""]
    if sc is not None and sc.source:
        lines += [f"Source: {sc.source}", ""]
    lines += [f"- data: {ds.name} ({ds.unit}), digest `{ds.digest[:12]}`",
              f"- closure: {res.economy.closure.describe()}",
              f"- elasticities: {ds.describe_elasticities()}",
              f"- solve: {info.solver}"
              + (f" (continuation: {info.steps} steps)" if info.steps > 1 else "")
              + f", {info.iterations} iterations, max residual "
              f"{info.max_residual:.1e}, Walras residual {info.max_walras:.1e}", "",
              "What this run assumes:", "", *[f"- {a}" for a in res.assumptions()], ""]
    for name, table in res.tables().items():
        lines += [f"## {_TITLES.get(name, name)}", "", to_markdown(table), "",
                  f"Files: `{name}.csv` (tidy), `tables/{name}.tex`, `tables/{name}.md`.", ""]
    if figs:
        lines += ["## Figures", ""]
        lines += [f"![{f}](figures/{f}.png)" for f in figs]
        lines.append("")
    return "\n".join(lines)


def write_outputs(res: ResultsLike, out_dir: str | Path | None = None, *, overwrite: bool = False,
                  wall_seconds: float | None = None,
                  command: Sequence[str] | None = None) -> Path:
    """Write every output of one run into ``out_dir``, atomically; return the folder.

    ``out_dir`` defaults to a folder named after the scenario in the current folder. The
    folder holds: one tidy CSV (and Parquet) per table of :meth:`Results.tables`, publication
    tables in ``tables/`` (LaTeX, Markdown), ``figures/`` (PNG and SVG), ``report.md``, a copy
    of the scenario file, and ``metadata.json`` (written last). Nothing is written for a solve
    that did not converge. See docs/outputs.md.
    """
    if not res.info.converged:
        raise OutputError("the solve did not converge; no results written")
    out = out_dir if out_dir is not None else default_dir(res.name)
    with atomic_dir(out, overwrite) as tmp:
        write_tables(res.tables(), tmp)
        (tmp / "figures").mkdir()
        figs = figures(res)
        for stem, fig in figs.items():
            save_figure(fig, tmp / "figures" / stem)
        (tmp / "report.md").write_text(_report_md(res, list(figs)), encoding="utf-8")
        raw = scenario_bytes(res.scenario)  # the scenario file, if unchanged since it was read
        if raw is not None:
            (tmp / "scenario.toml").write_bytes(raw)
        write_metadata(tmp, metadata(res, wall_seconds=wall_seconds, command=command))
    return Path(out).absolute()

