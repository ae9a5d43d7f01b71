"""Import square national SAMs plus a bilateral trade table into the input format.

The input folder (docs/onramps.md describes it with an example):

- ``sam_<REGION>.csv``, one per region: a square SAM, first row the column accounts, first
  column the row accounts, the same accounts in the same order; the row account receives the
  payment from the column account; empty cells are zero;
- ``accounts.csv`` (columns ``account,type,name``): the type of every account of the SAMs and,
  for sector and factor accounts, the model's name it maps to (several accounts may map to one
  name: they are summed). Types: ``sector`` (an activity/commodity account), ``activity`` and
  ``commodity`` (a make/use SAM: the activity's sale of its output to its commodity is dropped
  as the accounts merge), ``factor``, ``household`` (or enterprises, merged), ``government``,
  ``direct_tax`` (merged into the government), ``production_tax`` and ``commodity_tax`` (both
  become the production tax ``IDT``), ``tariff``, ``investment`` (savings-investment),
  ``rest_of_world``;
- ``trade.csv``: bilateral trade in the input format (``exporter,importer,sector,value,
  tariff_pct``), which replaces each SAM's rest-of-world trade cells and tariff row;
- ``elasticities.csv``: in the input format.

Each region's SAM is mapped to the model's accounts, its trade with the rest of the world is
replaced by the bilateral table (foreign saving becomes each partner's bilateral deficit),
flows the model has no place for (transfers to or from abroad, payments within one account)
are dropped and reported, and the SAM is balanced by minimum cross-entropy (GRAS's objective,
free account totals) with the trade, tariff and foreign-saving cells held fixed
(:func:`cge.build.balance.balance_square`); every changed cell is reported.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..text import quote
from .balance import BalancingError, CellChange, balance_square
from .write import sam_accounts, write_dataset

__all__ = ["TYPES", "SamImport", "import_sams", "read_accounts", "read_square_sam"]

#: The model account of every ``rest_of_world`` account (not a data name: replaced by the
#: trade partners of ``trade.csv``).
_ABROAD = "<rest of world>"

#: Account types of ``accounts.csv`` and the model account each becomes (None: the ``name``).
TYPES: dict[str, str | None] = {
    "sector": None, "activity": None, "commodity": None, "factor": None,
    "household": "HOH", "government": "GOV", "direct_tax": "GOV", "production_tax": "IDT",
    "commodity_tax": "IDT", "tariff": "TRF", "investment": "INV", "rest_of_world": _ABROAD,
}
_NEEDED = ("household", "government", "investment", "rest_of_world")
_SECTOR_TYPES = ("sector", "activity", "commodity")


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise DataError(f"{path.name}: no such file in {str(path.parent)!r}",
                        hint="see docs/onramps.md for the files of a SAM folder")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text", file=path.name,
                        hint="save it as CSV UTF-8") from None


def read_accounts(path: str | Path) -> dict[str, tuple[str, str]]:
    """Read ``accounts.csv``: ``{account: (type, model name)}``.

    Raises:
        DataError: a missing column, an unknown type, a sector or factor without a name, an
            account given twice, naming the line.
    """
    p = Path(path)
    rows = list(csv.reader(io.StringIO(_read_text(p))))
    if not rows or [c.strip().lower() for c in rows[0][:3]] != ["account", "type", "name"]:
        raise DataError("line 1: the header must be account,type,name", file=p.name)
    out: dict[str, tuple[str, str]] = {}
    first: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + ["", "", ""]
        account, typ, name = cells[0], cells[1].lower(), cells[2]
        if not any(cells):
            continue
        if not account:
            raise DataError(f"line {line}: empty account", file=p.name)
        if typ not in TYPES:
            raise DataError(f"line {line}: account {quote(account)} has type {quote(typ)}",
                            file=p.name, hint=f"the types are {', '.join(TYPES)}")
        if account in out:
            raise DataError(f"line {line}: account {quote(account)} given again (first on line "
                            f"{first[account]})", file=p.name)
        if TYPES[typ] is None and not name:
            name = account if typ in ("sector", "factor") else ""
            if not name:
                raise DataError(f"line {line}: {typ} account {quote(account)} has no name",
                                file=p.name, hint="give the sector it belongs to in column name")
        out[account] = (typ, name if TYPES[typ] is None else str(TYPES[typ]))
        first[account] = line
    return out


def read_square_sam(path: str | Path) -> tuple[list[str], np.ndarray]:
    """Read a square SAM CSV: ``(accounts, matrix)``; empty cells are zero.

    Raises:
        DataError: row accounts that are not the column accounts (in the same order), an
            account given twice, a cell that is not a finite number, naming file, row and
            column.
    """
    p = Path(path)
    rows = [r for r in csv.reader(io.StringIO(_read_text(p))) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise DataError("no accounts", file=p.name, hint="first row: the column accounts")
    cols = [c.strip() for c in rows[0][1:]]
    while cols and not cols[-1]:
        cols.pop()
    labels = [r[0].strip() for r in rows[1:]]
    for what, names in (("column", cols), ("row", labels)):
        seen: set[str] = set()
        for k, n in enumerate(names):
            if not n:
                raise DataError(f"{what} {k + 1}: empty account name", file=p.name)
            if n in seen:
                raise DataError(f"{what} account {quote(n)} given twice", file=p.name)
            seen.add(n)
    if labels != cols:
        only_r = [n for n in labels if n not in cols]
        only_c = [n for n in cols if n not in labels]
        detail = (f"rows only: {', '.join(only_r) or '-'}; columns only: {', '.join(only_c) or '-'}"
                  if only_r or only_c else "same accounts in another order")
        raise DataError(f"row accounts differ from column accounts ({detail})", file=p.name,
                        hint="a square SAM lists the same accounts, in the same order, as rows "
                             "and columns")
    n = len(labels)
    m = np.zeros((n, n))
    for i, row in enumerate(rows[1:]):
        extra = [c for c in row[n + 1:] if c.strip()]
        if extra:
            raise DataError(f"line {i + 2} (row {quote(labels[i])}): {len(row) - 1} cells for "
                            f"{n} accounts", file=p.name)
        for j, text in enumerate(row[1:n + 1]):
            t = text.strip()
            if not t:
                continue
            try:
                v = float(t)
            except ValueError:
                v = math.nan
            if not math.isfinite(v):
                raise DataError(f"line {i + 2}, row {quote(labels[i])}, column {quote(cols[j])}: "
                                f"{quote(t)} is not a finite number", file=p.name,
                                hint="plain decimals, no thousands separators")
            m[i, j] = v
    return labels, m


@dataclass(frozen=True)
class DroppedCell:
    """A cell of a national SAM the model has no place for (unit of the SAM).

    Attributes:
        region, row, col: where (the SAM's own account names).
        value: its value.
        why: the reason (e.g. ``"transfer from the rest of the world"``).
    """

    region: str
    row: str
    col: str
    value: float
    why: str


@dataclass
class SamImport:
    """National SAMs mapped to the model's accounts and balanced, ready to write.

    Attributes:
        regions, sectors, factors: from the file names and ``accounts.csv`` (in order of first
            appearance).
        sam: by region, ``{(row, col): value}`` (balanced).
        trade: ``{(exporter, importer, sector): (value, tariff_pct)}`` from ``trade.csv``.
        elasticities: the rows of ``elasticities.csv``.
        dropped: cells the model has no place for.
        replaced: by region, ``{(row, col): (SAM value, value used)}`` for the cells that the
            trade table sets (exports, imports, tariffs, foreign saving), before balancing.
        changes: by region, every cell balancing changed (model account names).
    """

    regions: list[str]
    sectors: list[str]
    factors: list[str]
    sam: dict[str, dict[tuple[str, str], float]]
    trade: dict[tuple[str, str, str], tuple[float, float]]
    elasticities: list[dict[str, str]]
    dropped: list[DroppedCell] = field(default_factory=list)
    replaced: dict[str, dict[tuple[str, str], tuple[float, float]]] = field(default_factory=dict)
    changes: dict[str, list[CellChange]] = field(default_factory=dict)
    source: str = ""

    def report(self) -> str:
        """Every dropped cell, every cell the trade table set, every balancing change."""
        lines = []
        for d in self.dropped:
            lines.append(f"{d.region}: dropped ({d.row}, {d.col}) = {d.value:.6g}: {d.why}")
        for r, cells in self.replaced.items():
            for (row, col), (old, new) in cells.items():
                if not math.isclose(old, new, rel_tol=1e-12, abs_tol=1e-12):
                    lines.append(f"{r}: ({row}, {col}) set by trade.csv: {old:.6g} -> {new:.6g}")
        for r, ch in self.changes.items():
            for c in ch:
                lines.append(f"{r}: balanced ({c.row}, {c.col}): {c.before:.6g} -> {c.after:.6g} "
                             f"({c.change:+.6g}, {c.change_pct:+.3g}%)")
        return "\n".join(lines) if lines else "nothing dropped, replaced or balanced"

    def write(self, out: str | Path, *, name: str | None = None,
              reference_region: str | None = None, unit: str = "USD million",
              force: bool = False) -> Path:
        """Write the data set folder ``out`` (checked by the loader)."""
        ref = reference_region or self.regions[0]
        if ref not in self.regions:
            raise DataError(f"reference region {quote(ref)} has no SAM",
                            hint=f"the regions are {', '.join(self.regions)}")
        n_changes = sum(len(c) for c in self.changes.values())
        desc = (f"Imported from the national SAMs in {self.source} by cge.build.sam "
                f"(docs/onramps.md): {len(self.dropped)} cells dropped, {n_changes} cells "
                "changed by minimum cross-entropy balancing (GRAS's objective, free account totals: "
                "cge.build.balance_square).")
        return write_dataset(out, name=name or Path(out).name, description=desc, unit=unit,
                             regions=self.regions, sectors=self.sectors, factors=self.factors,
                             reference_region=ref, sam=self.sam, trade=self.trade,
                             elasticities=self.elasticities, force=force)


def _read_trade(path: Path, regions: list[str], sectors: list[str]
                ) -> dict[tuple[str, str, str], tuple[float, float]]:
    rows = list(csv.DictReader(io.StringIO(_read_text(path))))
    need = ["exporter", "importer", "sector", "value", "tariff_pct"]
    if not rows or any(c not in rows[0] for c in need):
        raise DataError(f"line 1: the header must hold {','.join(need)}", file=path.name)
    out: dict[tuple[str, str, str], tuple[float, float]] = {}
    for line, row in enumerate(rows, start=2):
        e, i, s = (row[c].strip() for c in ("exporter", "importer", "sector"))
        for who, r in (("exporter", e), ("importer", i)):
            if r not in regions:
                raise DataError(f"line {line}: {who} {quote(r)} has no sam_{r}.csv",
                                file=path.name, hint=f"the regions are {', '.join(regions)}")
        if s not in sectors:
            raise DataError(f"line {line}: sector {quote(s)} is not a sector of accounts.csv",
                            file=path.name, hint=f"the sectors are {', '.join(sectors)}")
        if e == i:
            raise DataError(f"line {line}: exporter and importer are both {quote(e)}",
                            file=path.name)
        try:
            v, t = float(row["value"]), float(row["tariff_pct"])
        except (TypeError, ValueError):
            raise DataError(f"line {line}: value {quote(row['value'])} or tariff_pct "
                            f"{quote(row['tariff_pct'])} is not a number", file=path.name) from None
        if (e, i, s) in out:
            raise DataError(f"line {line}: ({e}, {i}, {s}) given again", file=path.name)
        out[(e, i, s)] = (v, t)
    return out


def import_sams(folder: str | Path, *, atol: float = 1e-9) -> SamImport:
    """Read, map and balance the national SAMs in ``folder`` (see the module docstring).

    Args:
        folder: holds ``sam_<REGION>.csv`` files, ``accounts.csv``, ``trade.csv`` and
            ``elasticities.csv``.
        atol: balancing changes of at most this size (unit of the SAMs) are not reported.

    Raises:
        DataError: bad input, naming the file, row and account; BalancingError-based
            messages naming the region and account whose totals cannot be met.
    """
    src = Path(folder)
    if not src.is_dir():
        raise DataError(f"SAM folder {str(src)!r} does not exist")
    files = sorted(src.glob("sam_*.csv"))
    if not files:
        raise DataError(f"no sam_<REGION>.csv file in {str(src)!r}",
                        hint="one square SAM per region, named sam_<REGION>.csv")
    accounts = read_accounts(src / "accounts.csv")
    missing = [t for t in _NEEDED if t not in {typ for typ, _ in accounts.values()}]
    if missing:
        raise DataError(f"no account of type {', '.join(missing)}", file="accounts.csv",
                        hint="every national SAM needs a household, government, "
                             "investment and rest-of-world account")
    regions = [f.stem[len("sam_"):] for f in files]
    sectors = list(dict.fromkeys(n for t, n in accounts.values() if t in _SECTOR_TYPES))
    factors = list(dict.fromkeys(n for t, n in accounts.values() if t == "factor"))
    trade = _read_trade(src / "trade.csv", regions, sectors)
    result = SamImport(regions, sectors, factors, {}, trade, [], source=str(src))
    for f, region in zip(files, regions):
        labels, m = read_square_sam(f)
        for a in labels:
            if a not in accounts:
                raise DataError(f"account {quote(a)} has no line in accounts.csv", file=f.name,
                                hint=f"add a line {a},<type>,<name> (types: {', '.join(TYPES)})")
        _import_region(result, region, f.name, labels, m, accounts, atol)
    el = _read_text(src / "elasticities.csv")
    result.elasticities = [{k: (v or "").strip() for k, v in row.items() if k}
                           for row in csv.DictReader(io.StringIO(el))]
    return result


def _import_region(res: SamImport, region: str, file: str, labels: list[str], m: np.ndarray,
                   accounts: dict[str, tuple[str, str]], atol: float) -> None:
    sectors, factors = res.sectors, res.factors
    partners = [p for p in res.regions if p != region]
    target = sam_accounts(region, res.regions, sectors, factors)
    index = {a: k for k, a in enumerate(target)}
    out = np.zeros((len(target), len(target)))
    fixed = np.zeros_like(out, dtype=bool)
    sset, fset = set(sectors), set(factors)
    gov_hoh_transfer = 0.0
    for i, a in enumerate(labels):
        ta, na = accounts[a]
        for j, b in enumerate(labels):
            v = m[i, j]
            if v == 0.0:
                continue
            tb, nb = accounts[b]
            if ta == "activity" and tb == "commodity":
                if na == nb:
                    continue  # the activity's output sold to its commodity: internal once merged
                raise DataError(f"row {quote(a)}, column {quote(b)}: activity of sector {na} "
                                f"sells commodity of sector {nb} ({v:.6g})", file=file,
                                hint="the model's sectors make one product each: map both to one "
                                     "sector or move the value to the main producer")
            if _ABROAD in (na, nb):
                if not ((na == _ABROAD and nb in sset) or (nb == _ABROAD and na in sset)
                        or {na, nb} == {"INV", _ABROAD}):
                    why = ("within the rest of the world" if na == nb else
                           "transfer with the rest of the world (the model has trade and "
                           "foreign saving only)")
                    res.dropped.append(_drop(region, a, b, v, why))
                continue  # trade and foreign saving come from trade.csv
            if na == nb and na not in sset:
                res.dropped.append(_drop(region, a, b, v, f"a payment within {na}"))
                continue
            if na == "HOH" and nb == "GOV":
                gov_hoh_transfer += v  # a transfer to the household: a negative direct tax
                continue
            if na == "TRF":
                continue  # tariffs come from trade.csv
            if _allowed(na, nb, sset, fset) is None:
                res.dropped.append(_drop(region, a, b, v, f"no such flow in the model ({na} "
                                                          f"receiving from {nb})"))
                continue
            out[index[na], index[nb]] += v
    out[index["GOV"], index["HOH"]] -= gov_hoh_transfer
    if gov_hoh_transfer:
        res.dropped.append(_drop(region, "government", "household", -gov_hoh_transfer,
                                 "transfer to the household, netted into the direct tax "
                                 "(GOV, HOH)"))
    # Trade, tariffs and foreign saving from trade.csv (held fixed while balancing).
    old = _row_totals_with_row(labels, m, accounts, sset)
    replaced: dict[tuple[str, str], tuple[float, float]] = {}
    for s in sectors:
        ks = index[s]
        ex_sam, im_sam, trf_sam = old["exports"].get(s, 0.0), old["imports"].get(s, 0.0), \
            old["tariffs"].get(s, 0.0)
        ex = im = trf = 0.0
        for p in partners:
            kp = index[p]
            v_ex = res.trade.get((region, p, s), (0.0, 0.0))[0]
            v_im, pct = res.trade.get((p, region, s), (0.0, 0.0))
            out[ks, kp], out[kp, ks] = v_ex, v_im
            fixed[ks, kp] = fixed[kp, ks] = True
            ex, im, trf = ex + v_ex, im + v_im, trf + pct / 100.0 * v_im
        out[index["TRF"], ks] = trf
        fixed[index["TRF"], ks] = True
        replaced[(s, _ABROAD)] = (ex_sam, ex)
        replaced[(_ABROAD, s)] = (im_sam, im)
        replaced[("TRF", s)] = (trf_sam, trf)
    out[index["GOV"], index["TRF"]] = out[index["TRF"], :].sum()
    fixed[index["GOV"], index["TRF"]] = True
    fs_total = 0.0
    for p in partners:
        kp = index[p]
        fs = out[kp, :].sum() - out[:, kp].sum()
        out[index["INV"], kp] = fs
        fixed[index["INV"], kp] = True
        fixed[kp, :] = True
        fixed[:, kp] = True
        fs_total += fs
    replaced[("INV", _ABROAD)] = (old["fs"], fs_total)
    res.replaced[region] = replaced
    try:
        bal = balance_square(out, target, fixed=fixed, atol=atol)
    except BalancingError as exc:
        raise DataError(f"cannot be balanced: {exc}", file=file,
                        hint="check the account's cells (a row or column of zeros, or of one "
                             "sign only, must have a target of that sign)") from None
    res.changes[region] = bal.changes
    res.sam[region] = {(target[i], target[j]): float(bal.matrix[i, j])
                       for i, j in zip(*np.nonzero(bal.matrix))}


def _drop(region: str, row: str, col: str, value: float, why: str) -> DroppedCell:
    return DroppedCell(region, row, col, float(value), why)


def _allowed(row: str, col: str, sectors: set, factors: set) -> str | None:
    """The model's kind of flow (row, col) is, or None (domestic accounts; cf. cge.data)."""
    from ..data_rules import flow_kind

    return flow_kind(row, col, sectors, factors, set())


def _row_totals_with_row(labels: list[str], m: np.ndarray, accounts: dict[str, tuple[str, str]],
                         sectors: set) -> dict:
    """The SAM's own exports, imports and tariffs by sector, and foreign saving (to report
    what trade.csv replaces)."""
    out: dict = {"exports": {}, "imports": {}, "tariffs": {}, "fs": 0.0}
    for i, a in enumerate(labels):
        ta, na = accounts[a]
        for j, b in enumerate(labels):
            tb, nb = accounts[b]
            v = m[i, j]
            if na in sectors and nb == _ABROAD:
                out["exports"][na] = out["exports"].get(na, 0.0) + v
            elif na == _ABROAD and nb in sectors:
                out["imports"][nb] = out["imports"].get(nb, 0.0) + v
            elif na == "TRF" and nb in sectors:
                out["tariffs"][nb] = out["tariffs"].get(nb, 0.0) + v
            elif na == "INV" and nb == _ABROAD:
                out["fs"] += v
            elif na == _ABROAD and nb == "INV":
                out["fs"] -= v
    return out
