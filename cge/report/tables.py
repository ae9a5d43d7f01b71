"""Result tables as files and text: tidy (long) tables, publication formatting, LaTeX,
Markdown and plain text.

Columns are short codes whose label and unit are metadata (:mod:`cge.columns`); :func:`tidy`
gives one value per row with ``variable`` (the code), ``label`` and ``unit`` columns,
:func:`publication` formats the numbers (one precision per column or row) for
:func:`to_latex`, :func:`to_markdown` and :func:`to_text`. :func:`write_tables` writes a set
of tables in every format (docs/outputs.md).
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..columns import info, split_unit

#: Index columns of the tidy tables are followed by these four columns.
TIDY_COLUMNS = ("variable", "label", "unit", "value")

__all__ = ["TIDY_COLUMNS", "PublicationTable", "format_number", "has_parquet", "latex_escape",
           "publication", "split_unit", "spreadsheet_safe", "tidy", "to_latex", "to_markdown",
           "to_text", "write_tables"]


def _text_to_index(table: pd.DataFrame) -> pd.DataFrame:
    """Non-numeric columns (labels such as a component's group) join the index."""
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    return table.set_index(text, append=True) if text else table


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """Long format: the table's index columns, then ``variable``, ``label``, ``unit``, ``value``.

    One value per row, in the table's row order (one block of variables per row); ``variable``
    is the column's code (``ev``, ``ev_pct_income``), ``label`` and ``unit`` its metadata
    (:mod:`cge.columns`; for a column named ``"label (unit)"`` without metadata, the variable
    is the label). Non-numeric columns are kept as label columns, after the index columns.
    """
    meta = [info(table, c) for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    wide = _text_to_index(table)
    codes = [str(c) if c in table.attrs.get("columns", {}) else m[0]
             for c, m in zip(wide.columns, meta)]
    n, k = wide.shape
    keys = wide.index.to_frame(index=False)
    keys.columns = [c if isinstance(c, str) and c else f"level_{j}"
                    for j, c in enumerate(keys.columns)]
    long = keys.iloc[np.repeat(np.arange(n), k)].reset_index(drop=True)
    long["variable"] = np.tile(np.array(codes, dtype=object), n)
    long["label"] = np.tile(np.array([m[0] for m in meta], dtype=object), n)
    long["unit"] = np.tile(np.array([m[1] for m in meta], dtype=object), n)
    long["value"] = wide.to_numpy(dtype=float).reshape(-1)
    return long


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(long: pd.DataFrame) -> pd.DataFrame:
    """The tidy table with every *text* cell that a spreadsheet would read as a formula
    (starting with ``= + - @``, a tab or a carriage return) prefixed with a single quote, so
    that opening the CSV runs nothing; numbers are untouched (docs/outputs.md)."""
    out = long.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            # a text column holds few distinct names: test those, map only when one is risky
            if any(isinstance(v, str) and v.startswith(FORMULA_START)
                   for v in pd.unique(out[col])):
                out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str)
                                        and v.startswith(FORMULA_START) else v)
    return out


def _decimals(values: np.ndarray, unit: str) -> int:
    """Decimals for one column (or row) of a publication table.

    Indices around 1 (unit containing ``base = 1``) get 4 decimals; other quantities 4
    significant digits on the largest |value| (0 to 6 decimals), one precision per column.
    """
    if "base = 1" in unit:
        return 4
    v = np.abs(values[np.isfinite(values)])
    top = float(v.max()) if v.size else 0.0
    if top == 0.0:
        return 0
    return int(np.clip(3 - math.floor(math.log10(top)), 0, 6))


def format_number(x: float, decimals: int, na_rep: str = "") -> str:
    """``x`` with ``decimals`` decimals and a thousands comma; no negative zero."""
    if x is None or not np.isfinite(x):
        return na_rep
    x = round(float(x), decimals)
    return f"{x if x != 0 else 0.0:,.{decimals}f}"  # round(-0.0001, 3) is -0.0


@dataclass
class PublicationTable:
    """A table formatted for publication: every cell a string, numbers at one precision.

    Attributes:
        cells: the formatted cells; columns are ``header`` (one row per header level).
        header: column labels, ``(variable, unit)`` pairs when the units are in the header.
        numeric: which columns hold numbers (right-aligned).
    """

    cells: pd.DataFrame
    header: list[tuple[str, str]]
    numeric: list[bool]

    @property
    def two_level(self) -> bool:
        return any(u for _, u in self.header)

    def flat_header(self) -> list[str]:
        """One header row: ``"variable (unit)"``."""
        return [f"{v} ({u})" if u else v for v, u in self.header]


def publication(table: pd.DataFrame, *, na_rep: str = "") -> PublicationTable:
    """Format a result table for publication.

    A table with one row per region (a single index level, such as the summary) is transposed:
    one row per variable, with columns ``variable``, ``unit`` and one per region, each row at
    its own precision. Any other table keeps its rows; its index becomes text columns, and the
    header has two rows, the variable and its unit, each column at its own precision.
    A table whose index has a level named ``unit`` (such as a comparison) is formatted by row.
    Non-numeric columns are text columns, placed after the index.
    """
    parts = {c: info(table, c) for c in table.columns}
    table = _text_to_index(table)
    if "unit" in table.index.names:
        return _by_rows(table, na_rep)
    if table.index.nlevels == 1:
        parts = [parts[c] for c in table.columns]
        t = table.T
        t.index = pd.MultiIndex.from_tuples(parts, names=["variable", "unit"])
        return _by_rows(t, na_rep)
    text = table.index.to_frame(index=False).astype(str)
    cols, header, numeric = {}, [], []
    for name in text.columns:
        cols[len(cols)] = text[name].tolist()
        header.append((str(name), ""))
        numeric.append(False)
    for col in table.columns:
        var, unit = parts[col]
        vals = table[col].to_numpy(dtype=float)
        d = _decimals(vals, unit)
        cols[len(cols)] = [format_number(v, d, na_rep) for v in vals]
        header.append((var, unit))
        numeric.append(True)
    return PublicationTable(pd.DataFrame(cols), header, numeric)


def _by_rows(table: pd.DataFrame, na_rep: str) -> PublicationTable:
    units = table.index.get_level_values("unit")
    rows = []
    for (label, values), unit in zip(table.iterrows(), units):
        vals = values.to_numpy(dtype=float)
        d = _decimals(vals, str(unit))
        label = label if isinstance(label, tuple) else (label,)
        rows.append([str(x) for x in label] + [format_number(v, d, na_rep) for v in vals])
    header = [(str(n), "") for n in table.index.names] + [(str(c), "") for c in table.columns]
    numeric = [False] * table.index.nlevels + [True] * table.shape[1]
    return PublicationTable(pd.DataFrame(rows, columns=range(len(header))), header, numeric)


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


_LATEX_TABLE = str.maketrans(_LATEX_SPECIAL)


def latex_escape(text: str) -> str:
    """Escape LaTeX special characters in text."""
    return str(text).translate(_LATEX_TABLE)


#: LaTeX packages the tables need (``\\usepackage{...}`` in the document's preamble).
LATEX_PACKAGES = ("booktabs", "siunitx", "longtable", "adjustbox")
#: Tables with more body rows than this are ``longtable`` (they break across pages).
LONG_ROWS = 40


def _siunitx_format(cells: list[str]) -> str:
    """``table-format`` of a column of formatted numbers (``-12,345.6`` → ``-5.1``)."""
    ints, decs, sign = 1, 0, False
    for c in cells:
        c = c.replace(",", "")
        if not c or not (c[0].isdigit() or c[0] == "-"):
            continue
        sign |= c.startswith("-")
        whole, _, frac = c.lstrip("-").partition(".")
        ints, decs = max(ints, len(whole)), max(decs, len(frac))
    return f"{'-' if sign else ''}{ints}.{decs}"


def _latex_number(c: str) -> str:
    """A formatted number as siunitx reads it (grouping is siunitx's); text in braces."""
    if not c:
        return "{}"
    plain = c.replace(",", "")
    if plain[0].isdigit() or (plain[0] == "-" and plain[1:2].isdigit()):
        return plain
    return "{" + latex_escape(c) + "}"


def to_latex(table: pd.DataFrame | PublicationTable, *, na_rep: str = "", caption: str = "",
             label: str = "", notes: str = "", long: bool | None = None) -> str:
    """A booktabs table of a result table, ready for ``\\input``: numbers in siunitx ``S``
    columns (aligned on the decimal point; thousands grouped by siunitx), text escaped.

    With ``caption`` (and ``label``, ``notes``: units, closure, data), the table is a
    complete float: a ``table`` environment with ``\\caption``, ``\\label`` and the notes
    below, or — for more than :data:`LONG_ROWS` rows, or ``long=True`` — a ``longtable``
    that breaks across pages, repeating its header. Without a caption: the bare ``tabular``
    (or ``longtable``). A float never runs off the page: its tabular is scaled down to the
    line width when wider (adjustbox's ``max width``); a ``longtable`` cannot be scaled, so it
    is set in ``\\footnotesize`` with narrower column gaps. Needs
    ``\\usepackage{booktabs,siunitx,longtable,adjustbox}`` (:data:`LATEX_PACKAGES`).
    """
    pub = table if isinstance(table, PublicationTable) else publication(table, na_rep=na_rep)
    cols = [pub.cells[c].tolist() for c in pub.cells.columns]
    nrows = len(pub.cells)
    long = nrows > LONG_ROWS if long is None else long
    spec = "".join(f"S[table-format={_siunitx_format(col)}]" if num else "l"
                   for col, num in zip(cols, pub.numeric))
    # header: labels (a run of equal labels over numeric columns spans them), then units
    head_rows = []
    labels = [latex_escape(v) for v, _ in pub.header]
    if pub.two_level:
        row, rules, k = [], [], 0
        while k < len(labels):
            n = 1
            while (pub.numeric[k] and k + n < len(labels) and pub.numeric[k + n]
                   and pub.header[k + n][0] == pub.header[k][0]):
                n += 1
            row.append(f"\\multicolumn{{{n}}}{{c}}{{{labels[k]}}}" if n > 1 or pub.numeric[k]
                       else labels[k])
            if n > 1:
                rules.append(f"\\cmidrule(lr){{{k + 1}-{k + n}}}")
            k += n
        head_rows.append(" & ".join(row) + " \\\\" + (" " + " ".join(rules) if rules else ""))
        head_rows.append(" & ".join(f"{{{latex_escape(u)}}}" if num else ""
                                    for (_, u), num in zip(pub.header, pub.numeric)) + " \\\\")
    else:
        head_rows.append(" & ".join(f"{{{h}}}" if num else h
                                    for h, num in zip(labels, pub.numeric)) + " \\\\")
    head = "\n".join(head_rows)
    fmt = [_latex_number if num else latex_escape for num in pub.numeric]
    body = "\n".join(" & ".join(f(col[r]) for f, col in zip(fmt, cols)) + " \\\\"
                      for r in range(nrows))
    ncol = len(cols)
    note = f"\\multicolumn{{{ncol}}}{{p{{0.95\\linewidth}}}}{{\\footnotesize {notes}}} \\\\\n" \
        if notes else ""
    if long:
        cap = (f"\\caption{{{caption}}}" + (f"\\label{{{label}}}" if label else "") + " \\\\\n") \
            if caption else ""
        return (f"{{\\footnotesize\\setlength{{\\tabcolsep}}{{3pt}}\n"
                f"\\begin{{longtable}}{{{spec}}}\n{cap}\\toprule\n{head}\n\\midrule\n"
                f"\\endfirsthead\n\\toprule\n{head}\n\\midrule\n\\endhead\n"
                f"\\midrule\n\\multicolumn{{{ncol}}}{{r}}{{\\footnotesize continued}} \\\\\n"
                f"\\endfoot\n\\bottomrule\n{note}\\endlastfoot\n{body}\n\\end{{longtable}}\n}}\n")
    tabular = (f"\\begin{{tabular}}{{{spec}}}\n\\toprule\n{head}\n\\midrule\n{body}\n"
               f"\\bottomrule\n\\end{{tabular}}\n")
    if not caption:
        return tabular
    lab = f"\\label{{{label}}}\n" if label else ""
    notes_par = f"\\par\\smallskip\n{{\\footnotesize {notes}\\par}}\n" if notes else ""
    fitted = f"\\begin{{adjustbox}}{{max width=\\linewidth}}\n{tabular}\\end{{adjustbox}}\n"
    return (f"\\begin{{table}}[htbp]\n\\centering\n\\caption{{{caption}}}\n{lab}{fitted}"
            f"{notes_par}\\end{{table}}\n")


_MARKDOWN_TABLE = str.maketrans({"|": r"\|", "\r": " ", "\n": " "})


def to_markdown(table: pd.DataFrame | PublicationTable, *, na_rep: str = "") -> str:
    """A GitHub-flavoured Markdown table: numbers as in :func:`publication`, right-aligned."""
    pub = table if isinstance(table, PublicationTable) else publication(table, na_rep=na_rep)

    def cell(text: str) -> str:  # a bar or a line break would end the cell or the row
        return str(text).translate(_MARKDOWN_TABLE)

    head = [cell(h) for h in pub.flat_header()]
    cols = [[cell(v) for v in pub.cells[c].tolist()] for c in pub.cells.columns]
    width = [max([len(h), 3, *map(len, col)]) for h, col in zip(head, cols)]
    just = [str.rjust if n else str.ljust for n in pub.numeric]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, width)) + " |",
             "|" + "|".join(("-" * (w + 1) + ":") if n else (":" + "-" * (w + 1))
                            for w, n in zip(width, pub.numeric)) + "|"]
    lines += ["| " + " | ".join(j(col[r], w) for j, col, w in zip(just, cols, width)) + " |"
              for r in range(len(pub.cells))]
    return "\n".join(lines)


def to_text(table: pd.DataFrame | PublicationTable, *, na_rep: str = "",
            merge_units: bool = False) -> str:
    """Plain aligned text (for the terminal), numbers as in :func:`publication`.

    ``merge_units``: for a table formatted by row, show ``variable (unit)`` in one column.
    """
    pub = table if isinstance(table, PublicationTable) else publication(table, na_rep=na_rep)
    header, numeric, cells = pub.flat_header(), list(pub.numeric), pub.cells
    if merge_units and [h for h, _ in pub.header[:2]] == ["variable", "unit"]:
        labels = [f"{v} ({u})" if u else v for v, u in zip(cells[0], cells[1])]
        cells = pd.concat([pd.Series(labels), cells.iloc[:, 2:]], axis=1)
        header, numeric = [""] + header[2:], [False] + numeric[2:]
    width = [max([len(h)] + [len(c) for c in cells.iloc[:, k]]) for k, h in enumerate(header)]
    just = [(str.rjust if n else str.ljust) for n in numeric]
    lines = ["  ".join(j(h, w) for h, w, j in zip(header, width, just)).rstrip()]
    for row in cells.itertuples(index=False):
        lines.append("  ".join(j(c, w) for c, w, j in zip(row, width, just)).rstrip())
    return "\n".join(lines)


def has_parquet() -> bool:
    """Whether Parquet files can be written (pyarrow is importable)."""
    return importlib.util.find_spec("pyarrow") is not None


def write_tables(tables: dict[str, pd.DataFrame], folder: str | Path, *, na_rep: str = "",
                 parquet: bool | None = None, publish: bool = True,
                 latex: dict[str, dict[str, str]] | None = None) -> list[Path]:
    """Write each table as tidy CSV (and Parquet), and as LaTeX and Markdown in ``tables/``.

    ``<name>.csv``: the tidy table (:func:`tidy`), UTF-8, full precision; ``<name>.parquet``
    the same when pyarrow is importable (``parquet=None``) or asked for; ``tables/<name>.tex``
    and ``tables/<name>.md``: the publication table; ``latex`` gives a table's
    :func:`to_latex` keywords (``caption``, ``label``, ``notes``) by name. Returns the paths
    written.
    """
    folder = Path(folder)
    parquet = has_parquet() if parquet is None else parquet
    paths = []
    for name, table in tables.items():
        long = spreadsheet_safe(tidy(table))
        paths.append(folder / f"{name}.csv")
        long.to_csv(paths[-1], index=False, encoding="utf-8")
        if parquet:
            paths.append(folder / f"{name}.parquet")
            long.to_parquet(paths[-1], index=False)
        if publish:
            (folder / "tables").mkdir(exist_ok=True)
            pub = publication(table, na_rep=na_rep)
            paths.append(folder / "tables" / f"{name}.tex")
            paths[-1].write_text(to_latex(pub, **(latex or {}).get(name, {})), encoding="utf-8")
            paths.append(folder / "tables" / f"{name}.md")
            paths[-1].write_text(to_markdown(pub) + "\n", encoding="utf-8")
    return paths
