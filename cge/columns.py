"""Column metadata of result tables: a short code per column, with its label and unit.

Every numeric column of a :class:`~cge.results.Results` table is named by a short, stable code
(``ev``, ``real_gdp_pct``, ``trade_volume_pct``: the names of :mod:`cge.indicators`, or of the
welfare components and diversion columns below). The human label and the unit are metadata,
kept in ``frame.attrs["columns"]`` as ``{code: {"label": ..., "unit": ...}}``, so that code that
reads a column (``res.summary["ev"]``) does not depend on the data set's currency unit, and the
writers (tidy CSV, LaTeX, Markdown, figures) still show ``EV`` and ``USD million``.
docs/outputs.md §3 lists every code of every table.
"""

from __future__ import annotations

import re

import pandas as pd

#: ``attrs`` key of the column metadata.
ATTR = "columns"

_UNIT = re.compile(r"^(?P<var>.*?)\s*\((?P<unit>[^()]*)\)\s*$")


def split_unit(column: str) -> tuple[str, str]:
    """``"EV (USD million)"`` → ``("EV", "USD million")``; a name without ``(unit)`` →
    ``(name, "")`` (for tables built outside cge with units in their column names)."""
    m = _UNIT.match(str(column))
    return (m["var"], m["unit"]) if m else (str(column), "")


def annotate(frame: pd.DataFrame, meta: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Record ``meta`` (code → (label, unit)) as the frame's column metadata; returns the frame."""
    cols = dict(frame.attrs.get(ATTR, {}))
    cols.update({code: {"label": label, "unit": unit} for code, (label, unit) in meta.items()})
    frame.attrs[ATTR] = cols
    return frame


def info(frame: pd.DataFrame, column: object) -> tuple[str, str]:
    """``(label, unit)`` of a column: from the metadata, else from a ``"label (unit)"`` name."""
    meta = frame.attrs.get(ATTR, {}).get(column) if isinstance(column, str) else None
    if meta is not None:
        return meta["label"], meta["unit"]
    return split_unit(str(column))


def schema(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of a result table: ``variable`` (the code), ``label``, ``unit`` (empty for a
    text column such as the quotas' ``rent_to``), one row per column."""
    rows = [(str(c), *info(frame, c)) for c in frame.columns]
    return pd.DataFrame(rows, columns=["variable", "label", "unit"])
