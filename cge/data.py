"""Base-year data: load, validate and describe a data set (see docs/input_format.md).

A data set is a folder with ``meta.toml``, ``sam.csv``, ``trade.csv`` and ``elasticities.csv``.
All money values are in the data set's single currency unit (``meta.toml: unit``) at base-year
prices. Everything a user can get wrong is checked here, once, and reported as a
:class:`DataError` naming the file, row, account and values, with a hint; nothing downstream
re-validates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .meta import BALANCE_TOL, META_KEYS, RESERVED, SIGMA_ONE_GAP, check_meta
from .text import listing, quote, show, text_problem

__all__ = ["Dataset", "DataError", "Tables", "FILES", "RESERVED", "BALANCE_TOL", "META_KEYS",
           "read_tables", "load_dataset", "build_dataset"]


#: The files of a data set folder.
FILES = ("meta.toml", "sam.csv", "trade.csv", "elasticities.csv")

#: The name of the one elasticity set of an ``elasticities.csv`` without a ``set`` column,
#: unless ``meta.toml: elasticities`` names it.
DEFAULT_SET = "default"


@dataclass(frozen=True)
class Dataset:
    """A validated base-year data set.

    Attributes:
        name: data set name.
        unit: currency unit of every value (e.g. ``"USD million"``).
        reference_region: region whose currency is the reference (exchange rate fixed at 1).
        regions, sectors, factors: account names, in the order given in ``meta.toml``.
        sam: long table ``region,row,col,value`` (row receives from col), zero cells dropped.
        trade: ``exporter,importer,sector,value,tariff`` — value at world prices in ``unit``;
            ``tariff`` is the ad-valorem rate as a fraction (``tariff_pct / 100``).
        elasticities: indexed by ``(region, sector)``, columns ``sigma_va, sigma_d, sigma_m,
            psi`` (``psi = inf``: perfect transformation) and ``source``.
        description: provenance text.
        digest: SHA-256 of the four files' bytes (or of the frames), for run metadata.
        services: the sectors that are services (``meta.toml: services``; default none): every
            other sector is a good (see :attr:`goods`).
        headline_flows: bilateral flows of interest as ``(exporter, importer)`` pairs
            (``meta.toml: headline_flows``; default none): the goods imports ``cge compare``
            reports when no ``--flow`` is given.
        elasticity_set: the name of the set :attr:`elasticities` holds.
        elasticity_sets: every elasticity set of ``elasticities.csv`` by name (file order),
            each a table like :attr:`elasticities` (docs/input_format.md: named sets, e.g.
            ``long_run`` and ``short_run``).
        default_elasticity_set: the set used when a run names none (``meta.toml:
            elasticities``; the only set when there is one).
    """

    name: str
    unit: str
    reference_region: str
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    factors: tuple[str, ...]
    sam: pd.DataFrame
    trade: pd.DataFrame
    elasticities: pd.DataFrame
    description: str = ""
    digest: str = ""
    balance_tol: float = BALANCE_TOL
    services: tuple[str, ...] = ()
    headline_flows: tuple[tuple[str, str], ...] = ()
    elasticity_set: str = DEFAULT_SET
    elasticity_sets: dict = field(default_factory=dict, repr=False, compare=False)
    default_elasticity_set: str = DEFAULT_SET
    _matrices: dict = field(default_factory=dict, repr=False, compare=False)

    def with_elasticities(self, name: str | None = None) -> Dataset:
        """This data set with the elasticities of set ``name`` (None: the default set); the
        accounts are shared, only :attr:`elasticities` and :attr:`elasticity_set` differ.

        Raises:
            DataError: ``name`` is not a set of the data set (the message lists the sets).
        """
        name = self.default_elasticity_set if name is None else name
        if name == self.elasticity_set:
            return self
        if not isinstance(name, str) or name not in self.elasticity_sets:
            raise DataError(f"no elasticity set {quote(name)} in data set {show(self.name)}",
                            file="elasticities.csv",
                            hint=f"the sets are {listing(self.elasticity_sets or [self.elasticity_set])}")
        return replace(self, elasticities=self.elasticity_sets[name], elasticity_set=name)

    def describe_elasticities(self) -> str:
        """One line: the set in use, whether it is the default, and the other sets."""
        others = [n for n in self.elasticity_sets if n != self.elasticity_set]
        text = self.elasticity_set + (" (the data's default)"
                                      if self.elasticity_set == self.default_elasticity_set
                                      else f" (default: {self.default_elasticity_set})")
        return text + (f"; other sets: {', '.join(others)}" if others else "")

    @property
    def goods(self) -> tuple[str, ...]:
        """The goods sectors, in ``meta.toml`` order: every sector not declared a service."""
        return tuple(i for i in self.sectors if i not in self.services)

    def accounts(self, region: str) -> list[str]:
        """Ordered account names of ``region``'s SAM."""
        partners = [s for s in self.regions if s != region]
        return [*self.sectors, *self.factors, *RESERVED, *partners]

    def matrix(self, region: str) -> pd.DataFrame:
        """``region``'s SAM as a square DataFrame (rows receive from columns), zeros filled."""
        if region not in self._matrices:
            acc = self.accounts(region)
            pos = {a: k for k, a in enumerate(acc)}
            mat = np.zeros((len(acc), len(acc)))
            sam = self.sam
            mine = (sam["region"] == region).to_numpy()
            # the cells summed by (row, col), as a pivot table would (a validated SAM has each
            # cell once); cells of accounts the region does not have are left out
            for row, col, v in zip(sam["row"].to_numpy()[mine], sam["col"].to_numpy()[mine],
                                   sam["value"].to_numpy(dtype=float)[mine], strict=True):
                i, j = pos.get(row), pos.get(col)
                if i is not None and j is not None:
                    mat[i, j] += v
            # copy=False: the frame keeps the array (rows contiguous), the layout of the pivot
            # table it replaces, so that its sums add in the same order (the same bits)
            self._matrices[region] = pd.DataFrame(mat, index=pd.Index(acc, name="row"),
                                                  columns=pd.Index(acc, name="col"), copy=False)
        return self._matrices[region]

    def describe(self) -> str:
        """What ``cge data`` prints: accounts, unit, reference region, provenance, and the
        :meth:`summary` table (``unit``, one decimal)."""
        lines = [f"{self.name}: {len(self.regions)} regions ({', '.join(self.regions)}), "
                 f"{len(self.sectors)} sectors, factors {', '.join(self.factors)}; unit {self.unit}; "
                 f"reference region {self.reference_region}"]
        if self.description:
            lines.append(self.description.strip())
        lines.append(f"elasticity sets: {self.describe_elasticities()}")
        with pd.option_context("display.width", 200, "display.float_format", "{:,.1f}".format):
            lines.append(self.summary().to_string())
        return "\n".join(lines)

    def summary(self) -> pd.DataFrame:
        """One row per region: GDP, output, exports, imports, tariff revenue (``unit``)."""
        rows = []
        for r in self.regions:
            m = self.matrix(r)
            s = list(self.sectors)
            partners = [p for p in self.regions if p != r]
            va = m.loc[list(self.factors), s].to_numpy().sum()
            rows.append(
                {
                    "region": r,
                    "gross_output": m.loc[s, s].to_numpy().sum(axis=0).sum()
                    + va
                    + m.loc["IDT", s].sum(),
                    "value_added": va,
                    "exports": m.loc[s, partners].to_numpy().sum(),
                    "imports_cif": m.loc[partners, s].to_numpy().sum(),
                    "tariff_revenue": m.loc["TRF", s].sum(),
                    "foreign_saving": m.loc["INV", partners].sum(),
                }
            )
        return pd.DataFrame(rows).set_index("region")


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


def _rows(df: pd.DataFrame, cols: list[str]):
    """The rows of ``df``'s columns ``cols`` as tuples of Python values, in order: what
    ``df[cols].itertuples(index=False, name=None)`` yields, read column by column at C speed
    (iterating a pandas string column cell by cell costs ~1.6 us a cell: ~0.06 s of
    loading world2024's trade and SAM tables)."""
    return zip(*(df[c].tolist() for c in cols), strict=True)


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

    cells = _validate_sam(sam, regions, sectors, factors, sam_lines)
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
    _validate_subsidies(ds, cells)
    _validate_balance(ds)
    trade = _validate_trade(ds, trade, trade_lines, cells)
    sets, default = _validate_elasticities(ds, elas, elas_lines, meta.get("elasticities"))
    object.__setattr__(ds, "trade", trade)
    object.__setattr__(ds, "elasticities", sets[default])
    object.__setattr__(ds, "elasticity_sets", sets)
    object.__setattr__(ds, "elasticity_set", default)
    object.__setattr__(ds, "default_elasticity_set", default)
    _validate_foreign_saving(ds)
    _validate_structure(ds)
    return ds


#: Old private names of two :mod:`cge.text` helpers, kept while cge/sweeps.py still imports them
#: from here; new code imports :func:`cge.text.text_problem` and :func:`cge.text.quote`.


# ----------------------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------------------


def _allowed(row: str, col: str, sectors: set, factors: set, partners: set) -> str | None:
    """Return the kind of flow the cell (row, col) is, or None if the format has no such flow."""
    if row in sectors:
        if col in sectors:
            return "intermediate"
        if col in ("HOH", "GOV"):
            return "final"
        if col == "INV":
            return "investment"  # may be negative (inventories)
        if col in partners:
            return "export"
    if row in factors and col in sectors:
        return "factor"
    if row in ("IDT", "TRF") and col in sectors:
        return "tax" if row == "IDT" else "tariff"
    if row in partners and col in sectors:
        return "import"
    if row == "HOH" and col in factors:
        return "factor income"
    if row == "GOV" and col in ("IDT", "TRF", "HOH"):
        return "revenue"
    if row == "INV" and (col in ("HOH", "GOV") or col in partners):
        return "saving"  # may be negative
    return None


#: The kind of flow a SAM cell is, or None if the format has none (used by cge.build.sam).
flow_kind = _allowed

_MAY_BE_NEGATIVE = {"investment", "saving", "tax", "revenue"}


def _validate_sam(sam: pd.DataFrame, regions, sectors, factors, lines: list[int]) -> dict:
    """Check every cell; return the line of each cell, keyed by (region, row, col)."""
    sset, fset = set(sectors), set(factors)
    seen: dict = {}
    used = set()
    for k, (r, row, col, v) in enumerate(_rows(sam, ["region", "row", "col", "value"])):
        line = lines[k]
        if r not in regions:
            raise DataError(f"line {line}: unknown region {quote(r)}", file="sam.csv",
                            hint=f"regions are {listing(regions)} (meta.toml)")
        partners = set(regions) - {r}
        for name in (row, col):
            if name not in sset | fset | set(RESERVED) | partners:
                hint = ("a region's own code is not an account of its SAM" if name == r else
                        "add it to meta.toml (sectors/factors) or fix the spelling")
                raise DataError(f"line {line}: region {show(r)}: unknown account {quote(name)}",
                                file="sam.csv", hint=hint)
        kind = _allowed(row, col, sset, fset, partners)
        if kind is None:
            raise DataError(f"line {line}: region {show(r)}: cell ({show(row)}, {show(col)}) = {v} "
                            "is not a flow this SAM format has", file="sam.csv",
                            hint="the row receives from the column; see docs/input_format.md")
        if v < 0 and kind not in _MAY_BE_NEGATIVE:
            raise DataError(f"line {line}: region {show(r)}: {kind} cell ({show(row)}, {show(col)}) "
                            f"is negative ({v})", file="sam.csv", hint="only investment, saving, "
                            "production-tax and government-revenue cells may be negative")
        key = (r, row, col)
        if key in seen:
            raise DataError(f"line {line}: region {show(r)}: cell ({show(row)}, {show(col)}) "
                            f"appears again (first on line {seen[key]})", file="sam.csv",
                            hint="give each cell once")
        seen[key] = line
        if v != 0:
            used.update((row, col))
    missing = [r for r in regions if r not in {key[0] for key in seen}]
    if missing:
        raise DataError(f"no SAM entries for region {show(missing[0])}", file="sam.csv",
                        hint="add its SAM to sam.csv, or remove it from meta.toml (regions)")
    for kind, names in (("sector", sectors), ("factor", factors)):
        for name in names:
            if name not in used:
                raise DataError(f"{kind} {show(name)} has no non-zero cell in any region's SAM",
                                file="sam.csv", hint=f"add its rows and columns to sam.csv, or "
                                f"remove it from meta.toml ({kind}s)")
    return seen


def _gap_ok(a: float, b: float, tol: float) -> bool:
    """``a`` and ``b`` agree within the relative tolerance ``tol``, at any scale of the data."""
    return abs(a - b) <= tol * max(abs(a), abs(b))


def _validate_subsidies(ds: Dataset, cells: dict) -> None:
    """A production tax (IDT, sector) at or below -100% of the sector's cost (intermediates and
    factors) would make its output worth nothing or less: the model's prices divide by
    ``1 + tz``. Checked cell by cell, before the balance checks, so the cell is named."""
    for r in ds.regions:
        a, pos = _cells(ds, r)
        inputs = [pos[k] for k in (*ds.sectors, *ds.factors)]
        for j in ds.sectors:
            tax = a[pos["IDT"], pos[j]]
            cost = a[inputs, pos[j]].sum()
            if tax < 0 and cost > 0 and tax <= -cost * (1 - ds.balance_tol):
                line = cells.get((r, "IDT", j))
                at = f"line {line}: " if line else ""
                raise DataError(f"{at}region {show(r)}: production tax (IDT, {show(j)}) = {tax:.10g} "
                                f"is a subsidy of {-100 * tax / cost:.4g}% of the sector's cost "
                                f"(intermediates and factors, {cost:.10g}), 100% or more",
                                file="sam.csv", hint="a production subsidy must be smaller than "
                                "the sector's cost of intermediates and factors (a rate above -100%)")


def _cells(ds: Dataset, region: str) -> tuple[np.ndarray, dict[str, int]]:
    """``region``'s SAM (:meth:`Dataset.matrix`) as an array and each account's position:
    cell look-ups without pandas' indexing (sums of the same cells in the same order)."""
    m = ds.matrix(region)
    return m.to_numpy(), {a: k for k, a in enumerate(m.index)}


def _validate_balance(ds: Dataset) -> None:
    for r in ds.regions:
        m = ds.matrix(r)
        a, pos = _cells(ds, r)
        rows, cols = m.sum(axis=1).to_numpy(), m.sum(axis=0).to_numpy()
        for k, acc in enumerate(m.index):
            if not _gap_ok(rows[k], cols[k], ds.balance_tol):
                raise DataError(
                    f"region {show(r)}: account {show(acc)} does not balance: row total (receipts) "
                    f"{rows[k]:.10g} vs column total (payments) {cols[k]:.10g}, gap "
                    f"{rows[k] - cols[k]:.6g}", file="sam.csv",
                    hint="every account's receipts must equal its payments")
        sectors = [pos[i] for i in ds.sectors]
        for f in ds.factors:
            paid, earned = a[pos["HOH"], pos[f]], a[pos[f], sectors].sum()
            if not _gap_ok(paid, earned, ds.balance_tol):
                raise DataError(f"region {show(r)}: factor {show(f)} pays the household {paid:.10g} "
                                f"but earns {earned:.10g}", file="sam.csv",
                                hint="factor income goes to HOH only")
        partners = [pos[p] for p in ds.regions if p != r]
        inputs = [pos[k] for k in (*ds.sectors, *ds.factors, "IDT")]
        for i in ds.sectors:
            cost = a[inputs, pos[i]].sum()
            exports = a[pos[i], partners].sum()
            if exports > cost * (1 + ds.balance_tol):
                raise DataError(f"region {show(r)}: sector {show(i)} exports {exports:.10g} but "
                                f"produces only {cost:.10g}", file="sam.csv",
                                hint="exports cannot exceed gross output")


def _validate_trade(ds: Dataset, trade: pd.DataFrame, lines: list[int], cells: dict) -> pd.DataFrame:
    seen: dict = {}
    for k, (x, m, i, v, t) in enumerate(
            _rows(trade, ["exporter", "importer", "sector", "value", "tariff_pct"])):
        line = lines[k]
        for role, name in (("exporter", x), ("importer", m)):
            if name not in ds.regions:
                raise DataError(f"line {line}: unknown {role} {quote(name)}", file="trade.csv",
                                hint=f"regions are {listing(ds.regions)} (meta.toml)")
        if i not in ds.sectors:
            raise DataError(f"line {line}: unknown sector {quote(i)}", file="trade.csv",
                            hint=f"sectors are {listing(ds.sectors)} (meta.toml)")
        if x == m:
            raise DataError(f"line {line}: exporter and importer are both {show(x)}", file="trade.csv",
                            hint="trade.csv holds trade between different regions only")
        if v < 0:
            raise DataError(f"line {line}: trade value {v:g} is negative", file="trade.csv",
                            hint="values are exports at world prices, >= 0")
        if t <= -100:
            raise DataError(f"line {line}: tariff_pct {t:g} is at or below -100%", file="trade.csv",
                            hint="a tariff is a percentage of the c.i.f. value, greater than -100")
        if (x, m, i) in seen:
            raise DataError(f"line {line}: ({show(x)}, {show(m)}, {show(i)}) appears again (first "
                            f"on line {seen[x, m, i]})", file="trade.csv", hint="give each flow once")
        seen[x, m, i] = line
    trade = trade.assign(tariff=trade["tariff_pct"] / 100.0)
    flows = {(x, m, i): (v, t) for x, m, i, v, t in
             _rows(trade, ["exporter", "importer", "sector", "value", "tariff"])}
    tol = ds.balance_tol
    hint = "exports must equal the partner's imports at world prices in both SAMs and trade.csv"

    def where(x, m, i, region, row, col):
        at = f"line {seen[x, m, i]}: " if (x, m, i) in seen else ""
        cell = f"{show(region)}'s SAM cell ({show(row)}, {show(col)})"
        if (region, row, col) in cells:
            cell += f" (sam.csv line {cells[region, row, col]})"
        return at, cell

    # each region's SAM as a plain array with account positions (fast cell lookups)
    arrays = {r: ds.matrix(r).to_numpy() for r in ds.regions}
    position = {r: {a: k for k, a in enumerate(ds.matrix(r).index)} for r in ds.regions}
    for x in ds.regions:
        px, ax = position[x], arrays[x]
        for m in ds.regions:
            if x == m:
                continue
            pm, am = position[m], arrays[m]
            for i in ds.sectors:
                v = flows.get((x, m, i), (0.0, 0.0))[0]
                exp_sam = ax[px[i], px[m]]
                imp_sam = am[pm[x], pm[i]]
                if not _gap_ok(v, exp_sam, tol):
                    at, cell = where(x, m, i, x, i, m)
                    raise DataError(
                        f"{at}exports of {show(i)} from {show(x)} to {show(m)}: trade.csv has "
                        f"{v:.10g}, {cell} has {exp_sam:.10g}, gap {v - exp_sam:.6g}",
                        file="trade.csv", hint=hint)
                if not _gap_ok(v, imp_sam, tol):
                    at, cell = where(x, m, i, m, x, i)
                    raise DataError(
                        f"{at}imports of {show(i)} by {show(m)} from {show(x)}: trade.csv has "
                        f"{v:.10g}, {cell} has {imp_sam:.10g}, gap {v - imp_sam:.6g}",
                        file="trade.csv", hint=hint)
    revenue: dict[tuple[str, str], float] = {}
    for (_x, mm, ii), (v, t) in flows.items():  # summed in file order, as one sum per cell
        revenue[mm, ii] = revenue.get((mm, ii), 0) + v * t
    for m in ds.regions:
        pm, am = position[m], arrays[m]
        for i in ds.sectors:
            rev = revenue.get((m, i), 0)
            trf = am[pm["TRF"], pm[i]]
            if not _gap_ok(rev, trf, tol):
                raise DataError(
                    f"region {show(m)}: tariff revenue on {show(i)} is {trf:.10g} in the SAM (TRF, "
                    f"{show(i)}) but tariff_pct × value in trade.csv gives {rev:.10g}, gap "
                    f"{trf - rev:.6g}", file="trade.csv",
                    hint="base tariff rates must match the SAM's TRF row")
    out = trade[trade["value"] > 0].reset_index(drop=True)
    out.attrs.clear()
    return out


def _validate_elasticities(ds: Dataset, elas: pd.DataFrame, lines: list[int],
                           default: str | None) -> tuple[dict[str, pd.DataFrame], str]:
    """Every elasticity set (by name, in file order) as a table indexed by ``(region, sector)``,
    and the name of the default set. Without a ``set`` column every line is in one set, named
    ``default`` (or as ``meta.toml: elasticities`` says)."""
    has_sets = "set" in elas.columns
    if not has_sets:
        elas["set"] = default or DEFAULT_SET
    if "region" not in elas.columns:
        elas["region"] = ""
    if "source" not in elas.columns:
        elas["source"] = ""
    cols = ["sigma_va", "sigma_d", "sigma_m", "psi"]
    seen: dict = {}
    order: list[str] = []
    for k, row in enumerate(elas[["set", "region", "sector", *cols]].itertuples(index=False)):
        line = lines[k]
        if not row.set:
            raise DataError(f"line {line}: the set is empty", file="elasticities.csv",
                            hint="name the set of every line (e.g. long_run), or drop the set "
                            "column for a single set")
        at = f"line {line}, set {show(row.set)}" if has_sets else f"line {line}"
        if row.set not in order:
            order.append(row.set)
        if row.sector not in ds.sectors:
            raise DataError(f"{at}: unknown sector {quote(row.sector)}", file="elasticities.csv",
                            hint=f"sectors are {listing(ds.sectors)} (meta.toml)")
        if row.region and row.region not in ds.regions:
            raise DataError(f"{at}: unknown region {quote(row.region)}", file="elasticities.csv",
                            hint=f"regions are {listing(ds.regions)}, or empty for all regions")
        for c in cols:
            v = getattr(row, c)
            if not v > 0:
                raise DataError(f"{at}: {c} = {v} for {show(row.sector)} must be > 0",
                                file="elasticities.csv",
                                hint="use 1 for Cobb–Douglas; psi empty or inf for perfect "
                                "transformation")
            if c != "psi" and v != 1 and abs(v - 1) < SIGMA_ONE_GAP:
                raise DataError(f"{at}: {c} = {v!r} for {show(row.sector)} is within "
                                f"{SIGMA_ONE_GAP:g} of 1, where the CES form is singular",
                                file="elasticities.csv",
                                hint="use exactly 1 for Cobb–Douglas, or a value at least "
                                f"{SIGMA_ONE_GAP:g} away from 1")
        key = (row.set, row.region, row.sector)
        if key in seen:
            raise DataError(f"{at}: ({show(row.region or '*')}, {show(row.sector)}) given "
                            f"again (first on line {seen[key]})", file="elasticities.csv",
                            hint="give each sector once (per region)"
                            + (" in each set" if has_sets else ""))
        seen[key] = line
    sets: dict[str, pd.DataFrame] = {}
    for name in order:
        part = elas[elas.set == name]
        first: dict[tuple[str, str], int] = {}  # (region, sector) -> first row in file order
        for k, key in enumerate(zip(part.region, part.sector, strict=True)):
            first.setdefault(key, k)
        values = list(_rows(part, [*cols, "source"]))
        out = []
        for r in ds.regions:
            for i in ds.sectors:
                k = first.get((r, i), first.get(("", i)))
                if k is None:
                    where = f"set {show(name)}: " if has_sets else ""
                    raise DataError(f"{where}no elasticities for sector {show(i)} (region {show(r)})",
                                    file="elasticities.csv",
                                    hint="add a line for the sector (with an empty region for all "
                                    "regions)" + (" to every set" if has_sets else ""))
                row = values[k]
                out.append({"region": r, "sector": i,
                            **{c: float(v) for c, v in zip(cols, row[:-1], strict=True)},
                            "source": row[-1]})
        sets[name] = pd.DataFrame(out).set_index(["region", "sector"])
    if default is None:
        if len(sets) > 1:
            raise DataError(f"elasticities.csv holds the sets {listing(sets)} but 'elasticities' "
                            "names no default", file="meta.toml",
                            hint=f'add e.g. elasticities = "{order[0]}": the set used when a run '
                            "names none")
        default = order[0]
    elif default not in sets:
        raise DataError(f"'elasticities' = {quote(default)} is not a set of elasticities.csv",
                        file="meta.toml", hint=f"the sets are {listing(sets)}")
    return sets, default


def _validate_structure(ds: Dataset) -> None:
    """Structural defects of a balanced, consistent data set that leave the model without a
    solution or with an undetermined one (docs/reliability.md): no trade at all, a region that
    neither exports nor imports, no household consumption, no value added, no saving."""
    cells = {r: _cells(ds, r) for r in ds.regions}
    S = {r: [cells[r][1][i] for i in ds.sectors] for r in ds.regions}
    P = {r: [cells[r][1][p] for p in ds.regions if p != r] for r in ds.regions}
    if not any(cells[r][0][np.ix_(S[r], P[r])].any() for r in ds.regions):
        raise DataError("no region exports anything: every trade flow is zero", file="trade.csv",
                        hint="the model links its regions by trade: give the flows in trade.csv "
                        "and the SAMs' export (sector, partner) and import (partner, sector) cells")
    for r in ds.regions:
        a, pos = cells[r]
        where = f"region {show(r)}: "
        if not (a[np.ix_(S[r], P[r])].any() or a[np.ix_(P[r], S[r])].any()):
            raise DataError(f"{where}the region neither exports nor imports anything, so its "
                            "exchange rate and prices relative to the world are undetermined",
                            file="sam.csv", hint="give it at least one export (sector, partner) or "
                            "import (partner, sector) cell and the flow in trade.csv, or leave the "
                            "region out of meta.toml (regions)")
        if not (a[S[r], pos["HOH"]] > 0).any():
            raise DataError(f"{where}the household consumes nothing: no (sector, HOH) cell is "
                            "positive", file="sam.csv", hint="the consumer price index and the "
                            "welfare measures weigh household consumption: give the region its "
                            "household consumption, (sector, HOH) cells")
        if not (a[np.ix_([pos[f] for f in ds.factors], S[r])] > 0).any():
            raise DataError(f"{where}value added is zero: no sector pays a factor "
                            f"({listing(ds.factors)}), so the household has no income and GDP is "
                            "zero", file="sam.csv", hint="give the region factor payments, "
                            "(factor, sector) cells, paid to the household as (HOH, factor)")
        parts = a[pos["INV"], :]
        saving, scale = parts.sum(), np.abs(parts).sum() + np.abs(a[:, pos["INV"]]).sum()
        if abs(saving) <= ds.balance_tol * scale and scale > 0:
            # no saving at all (every INV cell zero, trade balanced) is supported: saving stays
            # zero; saving parts that cancel out would not after a shock, with no investment
            raise DataError(f"{where}total saving (the INV row) is {saving:.6g}, so the region "
                            f"invests nothing, but its parts are not zero (household "
                            f"{parts[pos['HOH']]:.6g}, government {parts[pos['GOV']]:.6g}, foreign "
                            f"{parts[P[r]].sum():.6g}): the saving a shock brings could not "
                            "be spent", file="sam.csv", hint="give the region investment demand, "
                            "(sector, INV) cells, financed by that saving; or no saving at all "
                            "(every INV cell zero, trade balanced with each partner)")


def _validate_foreign_saving(ds: Dataset) -> None:
    total = sum(ds.matrix(r).loc["INV", [p for p in ds.regions if p != r]].sum() for r in ds.regions)
    scale = sum(ds.matrix(r).loc["INV"].abs().sum() for r in ds.regions)
    if abs(total) > ds.balance_tol * scale:
        raise DataError(f"foreign saving sums to {total:.6g} over regions, not zero",
                        file="sam.csv", hint="each region's (INV, partner) cell must equal its "
                        "imports from minus exports to that partner")
