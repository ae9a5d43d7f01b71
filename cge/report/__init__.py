"""Run outputs: tidy CSV/Parquet, publication tables (LaTeX, Markdown), figures, metadata.

Everything here reads the tables of :meth:`cge.results.Results.tables` (snapshots taken when the
results were made), never the Pyomo model, so results of a reused :class:`~cge.economy.Economy`
can be written after later solves.

The outputs of one run are written into a temporary sibling folder that is renamed into place
at the end (:func:`write_outputs`), so a failed or interrupted run leaves neither an output
folder nor a temporary one behind. See docs/outputs.md for the files and their columns.

Modules, by concern (the names below are re-exported here, ``cge.report.X``):

- :mod:`~cge.report.tables`: tidy tables, publication formatting, LaTeX, Markdown, text;
- :mod:`~cge.report.plots`: the figures (matplotlib, imported when a figure is drawn);
- :mod:`~cge.report.folders`: output folders and atomic writes (folders and single files);
- :mod:`~cge.report.provenance`: versions, metadata, ``metadata.json``;
- :mod:`~cge.report.run`: the folder of one run (``report.md``, :func:`write_outputs`);
- :mod:`~cge.report.compare`: comparisons of scenarios (:func:`write_comparison`);
- :mod:`~cge.report.protocol`: :class:`ResultsLike`, what the writers read of a result.
"""

from __future__ import annotations

from .compare import (
    Outcome,
    comparison,
    comparison_wide,
    status_table,
    terminal_table,
    write_comparison,
)
from .folders import METADATA, OutputError, atomic_dir, atomic_write, check_target, default_dir
from .plots import figures, shocked_pairs
from .protocol import ResultsLike
from .provenance import metadata, solve_metadata, versions, write_metadata
from .run import write_outputs
from .tables import (
    TIDY_COLUMNS,
    PublicationTable,
    format_number,
    has_parquet,
    latex_escape,
    publication,
    split_unit,
    tidy,
    to_latex,
    to_markdown,
    to_text,
    write_tables,
)

__all__ = ["OutputError", "Outcome", "split_unit", "tidy", "publication", "PublicationTable",
           "to_latex", "to_markdown", "to_text", "figures", "metadata", "solve_metadata",
           "write_metadata", "versions",
           "write_tables", "write_outputs", "atomic_dir", "check_target", "default_dir",
           "comparison", "comparison_wide", "status_table", "terminal_table", "write_comparison",
           "shocked_pairs",
           "METADATA", "TIDY_COLUMNS", "format_number", "latex_escape", "has_parquet",
           "atomic_write", "ResultsLike"]
