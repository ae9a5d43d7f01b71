"""Base-year data: load, validate and describe a data set (see docs/input_format.md).

A data set is a folder with ``meta.toml``, ``sam.csv``, ``trade.csv`` and ``elasticities.csv``.
All money values are in the data set's single currency unit (``meta.toml: unit``) at base-year
prices. Everything a user can get wrong is checked once, when the tables are read (here) and
built into a :class:`~cge.dataset.Dataset` (the rules in :mod:`cge.data_rules`), and reported as
a :class:`DataError` naming the file, row, account and values, with a hint; nothing downstream
re-validates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .data_rules import (
    check_balance,
    check_elasticities,
    check_foreign_saving,
    check_sam,
    check_structure,
    check_subsidies,
    check_trade,
)
from .dataset import Dataset
from .errors import DataError
from .meta import BALANCE_TOL, META_KEYS, RESERVED, check_meta
from .text import quote, show, text_problem

__all__ = ["Dataset", "DataError", "Tables", "FILES", "RESERVED", "BALANCE_TOL", "META_KEYS",
           "read_tables", "load_dataset", "build_dataset"]


#: The files of a data set folder.
FILES = ("meta.toml", "sam.csv", "trade.csv", "elasticities.csv")



# ----------------------------------------------------------------------------------------
# the format
# ----------------------------------------------------------------------------------------



_NUMBER_HINT = "use plain decimal numbers such as 12.5 or -3e2: no thousands separators, % or currency"


# ----------------------------------------------------------------------------------------
# loading
# ----------------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise DataError("file is missing", file=str(path),
                        hint=f"a data set folder holds {', '.join(FILES)}")
    if not path.is_file():
        raise DataError("is not a file", file=str(path), hint=f"a data set folder holds {', '.join(FILES)}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc})", file=str(path),
                        hint="check the file's permissions") from None


def _decode(raw: bytes, name: str) -> str:
    problem = text_problem(raw, spreadsheet=name.endswith(".csv"))
    if problem:
        raise DataError(problem[0], file=name, hint=problem[1])
    return raw.decode("utf-8-sig")


def _parse_meta(raw: bytes, name: str = "meta.toml") -> dict:
    try:
        return tomllib.loads(_decode(raw, name))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"not valid TOML: {exc}", file=name,
                        hint='write key = value, strings in double quotes, lists as ["A", "B"]') from None


def _check_header(header: list[str], name: str, line: int, required: list[str], optional) -> None:
    expected = ",".join(required)
    missing = [c for c in required if c not in header]
    if missing:
        hint = f"the first line must be the header {expected}"
        if any(";" in c or "\t" in c for c in header):
            hint = "the file must be comma-separated, not semicolons or tabs; " + hint
        raise DataError(f"line {line}: header {quote(','.join(header), 80)} lacks column(s) "
                        f"{', '.join(missing)}", file=name, hint=hint)
    dup = [c for k, c in enumerate(header) if c in header[:k]]
    if dup:
        raise DataError(f"line {line}: column {show(dup[0])} appears twice in the header", file=name,
                        hint="give each column once")
    unknown = [c for c in header if c not in required and c not in optional]
    if unknown:
        raise DataError(f"line {line}: unknown column(s) {', '.join(map(quote, unknown))}", file=name,
                        hint=f"allowed: {', '.join([*required, *optional])}")


def _parse_csv(raw: bytes, name: str, required: list[str], optional=()) -> pd.DataFrame:
    """Parse CSV bytes into a table of text cells (stripped), with clear errors for encodings,
    delimiters, quoting and field counts. ``df.attrs["lines"]`` holds each row's line number in
    the file (blank lines are skipped; a quoted field may span lines)."""
    text = _decode(raw, name)
    if not text.strip():
        raise DataError("file is empty", file=name,
                        hint=f"the first line must be the header {','.join(required)}")
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True)
    header: list[str] | None = None
    rows, lines, last = [], [], 0
    try:
        for record in reader:
            line, last = last + 1, reader.line_num
            cells = [c.strip() for c in record]
            if not any(cells):
                continue  # blank line, or a line of empty cells
            while cells[-1] == "" and (header is None or len(cells) > len(header)):
                cells.pop()  # trailing empty cells, as some spreadsheets write them
            if header is None:
                header = cells
                _check_header(header, name, line, required, optional)
                continue
            if len(cells) != len(header):
                hint = ("a name holding a comma must be in double quotes; write numbers without "
                        "thousands separators (12500, not 12,500)" if len(cells) > len(header)
                        else f"each line needs the fields {','.join(header)}")
                raise DataError(f"line {line}: {len(cells)} fields, but the header has {len(header)}",
                                file=name, hint=hint)
            rows.append(cells)
            lines.append(line)
    except csv.Error as exc:
        what = ("a quoted field is never closed" if "end of data" in str(exc)
                else f"bad quoting ({exc})")
        raise DataError(f"line {last + 1}: {what}", file=name,
                        hint='a field holding commas or quotes goes in double quotes, with inner '
                        'quotes doubled ("")') from None
    if not rows:
        raise DataError("file has a header but no data lines", file=name,
                        hint="a data set needs at least one line in each file")
    df = pd.DataFrame(rows, columns=header, dtype=str)
    df.attrs["lines"] = lines
    return df


def _lines(df: pd.DataFrame) -> list[int]:
    """Line numbers in the file of ``df``'s rows (from :func:`_parse_csv`; else row k is line k + 2)."""
    lines = df.attrs.get("lines")
    if lines is not None and len(lines) == len(df):
        return list(lines)
    return [k + 2 for k in range(len(df))]




_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INFINITY = re.compile(r"[+-]?inf(?:inity)?", re.IGNORECASE)


def _numbers(df: pd.DataFrame, col: str, file: str, lines: list[int], *, allow_inf: bool = False,
             allow_empty_as: float | None = None) -> pd.Series:
    """Convert a column of text (or numbers) to floats; name the line of the first bad cell."""
    if df[col].dtype == np.float64:  # floats already (e.g. from read_tables): as they are,
        values = df[col].to_numpy(dtype=float, copy=True)  # when the loop would keep them
        if (np.isfinite(values) if not allow_inf else ~np.isnan(values)).all():
            return pd.Series(values, index=df.index, dtype=float)
    out = []
    for k, cell in enumerate(df[col].tolist()):
        text = cell.strip() if isinstance(cell, str) else str(cell)
        if text == "" and allow_empty_as is not None:
            out.append(allow_empty_as)
            continue
        value = float(text) if _NUMBER.fullmatch(text) else None
        if allow_inf and _INFINITY.fullmatch(text):
            value = -math.inf if text.startswith("-") else math.inf
        elif value is not None and not math.isfinite(value):
            value = None  # e.g. 1e999
        if value is None:
            raise DataError(f"line {lines[k]}, column {col}: {quote(text)} is not a finite number",
                            file=file, hint=_NUMBER_HINT + ("; psi may be inf or empty" if allow_inf
                                                             else ""))
        out.append(value)
    return pd.Series(out, index=df.index, dtype=float)


@dataclass(frozen=True)
class Tables:
    """The four files of a data set folder, read and parsed but not yet checked against each
    other (balance, trade consistency, elasticities by sector: :func:`build_dataset`).

    Attributes:
        meta: ``meta.toml`` as a dict; its keys and names are checked.
        sam: ``region,row,col,value``; ``value`` in the data set's unit (float).
        trade: ``exporter,importer,sector,value,tariff_pct`` (floats: ``value`` in the unit,
            ``tariff_pct`` in percent).
        elasticities: ``[set,][region,]sector,sigma_va,sigma_d,sigma_m,psi[,source]`` as in the
            file; the elasticities are floats (an empty ``psi`` is ``inf``).
        digest: SHA-256 of the four files' bytes.

    Each table's ``attrs["lines"]`` holds the line in the file of each row, for messages.
    """

    meta: dict
    sam: pd.DataFrame
    trade: pd.DataFrame
    elasticities: pd.DataFrame
    digest: str


def read_tables(path: str | Path) -> Tables:
    """Read the data set folder ``path``: files present and readable, UTF-8, CSV structure and
    headers, ``meta.toml`` keys and names, numbers (see docs/input_format.md). Use
    :func:`load_dataset` for a validated :class:`Dataset`.

    Raises:
        DataError: naming the file, line, column, the offending value and a hint.
    """
    folder = Path(path)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DataError(f"data set folder {str(folder)!r} {what}",
                        hint=f"give a folder holding {', '.join(FILES)} (or a shipped data set's name)")
    raw = {f: _read_bytes(folder / f) for f in FILES}
    meta = _parse_meta(raw["meta.toml"])
    check_meta(meta, "meta.toml")
    sam = _parse_csv(raw["sam.csv"], "sam.csv", ["region", "row", "col", "value"])
    trade = _parse_csv(raw["trade.csv"], "trade.csv",
                       ["exporter", "importer", "sector", "value", "tariff_pct"])
    elas = _parse_csv(raw["elasticities.csv"], "elasticities.csv",
                      ["sector", "sigma_va", "sigma_d", "sigma_m", "psi"], ["set", "region", "source"])
    digest = hashlib.sha256()
    for f in FILES:
        digest.update(raw[f])
    return Tables(meta, *_numeric(sam, trade, elas), digest=digest.hexdigest())


def load_dataset(path: str | Path) -> Dataset:
    """Load and validate the data set in folder ``path`` (see docs/input_format.md).

    Raises:
        DataError: naming file, line, column or account, the offending values and a hint, for
            any problem: missing or unreadable files, encodings, delimiters, numbers, names,
            balance and cross-file consistency.
    """
    t = read_tables(path)
    return build_dataset(t.meta, t.sam, t.trade, t.elasticities, digest=t.digest)


def _bare(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with a fresh row index and no ``attrs``: pandas deep-copies ``attrs``
    into every frame and series an operation returns, which for the line numbers of a large
    table cost more than the checks themselves."""
    attrs = df.attrs
    try:
        df.attrs = {}
        return df.copy().reset_index(drop=True)
    finally:
        df.attrs = attrs


def _numeric(sam: pd.DataFrame, trade: pd.DataFrame, elasticities: pd.DataFrame, *,
             lines: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Copies of the tables (text or numeric cells) with their number columns as floats; an
    empty ``psi`` is ``inf``. Each copy keeps the line numbers of its rows in ``attrs``
    (``lines``; else none)."""
    sam_lines, trade_lines, elas_lines = _lines(sam), _lines(trade), _lines(elasticities)
    sam, trade, elasticities = _bare(sam), _bare(trade), _bare(elasticities)
    sam["value"] = _numbers(sam, "value", "sam.csv", sam_lines)
    trade["value"] = _numbers(trade, "value", "trade.csv", trade_lines)
    trade["tariff_pct"] = _numbers(trade, "tariff_pct", "trade.csv", trade_lines)
    elas = elasticities
    for c in ("sigma_va", "sigma_d", "sigma_m"):
        elas[c] = _numbers(elas, c, "elasticities.csv", elas_lines)
    elas["psi"] = _numbers(elas, "psi", "elasticities.csv", elas_lines, allow_inf=True,
                           allow_empty_as=math.inf)
    if lines:
        for df, at in ((sam, sam_lines), (trade, trade_lines), (elas, elas_lines)):
            df.attrs["lines"] = at
    return sam, trade, elas


def build_dataset(meta: dict, sam: pd.DataFrame, trade: pd.DataFrame, elasticities: pd.DataFrame,
                  *, digest: str = "") -> Dataset:
    """Validate tables (text or numeric columns) and return a :class:`Dataset`.

    Used by :func:`load_dataset` and by code that builds data in memory (tests, scenarios).
    Errors name lines in the files (for tables built in memory: row ``k`` is line ``k + 2``).
    """
    check_meta(meta, "meta.toml")
    regions = tuple(meta["regions"])
    sectors = tuple(meta["sectors"])
    factors = tuple(meta["factors"])
    tol = float(meta.get("balance_tolerance", BALANCE_TOL))
    sam_lines, trade_lines, elas_lines = _lines(sam), _lines(trade), _lines(elasticities)
    sam, trade, elas = _numeric(sam, trade, elasticities, lines=False)  # lines: passed on

    cells = check_sam(sam, regions, sectors, factors, sam_lines)
    sam = sam[sam["value"] != 0.0].reset_index(drop=True)
    sam.attrs.clear()
    ds = Dataset(
        name=str(meta.get("name", "")), unit=str(meta.get("unit", "")),
        reference_region=meta["reference_region"], regions=regions, sectors=sectors,
        factors=factors, sam=sam, trade=pd.DataFrame(), elasticities=pd.DataFrame(),
        description=str(meta.get("description", "")), digest=digest, balance_tol=tol,
        services=tuple(meta.get("services", ())),
        headline_flows=tuple((e, i) for e, i in meta.get("headline_flows", ())),
    )
    check_subsidies(ds, cells)
    check_balance(ds)
    trade = check_trade(ds, trade, trade_lines, cells)
    sets, default = check_elasticities(ds, elas, elas_lines, meta.get("elasticities"))
    object.__setattr__(ds, "trade", trade)
    object.__setattr__(ds, "elasticities", sets[default])
    object.__setattr__(ds, "elasticity_sets", sets)
    object.__setattr__(ds, "elasticity_set", default)
    object.__setattr__(ds, "default_elasticity_set", default)
    check_foreign_saving(ds)
    check_structure(ds)
    return ds

