"""Base-year data: load, validate and describe a data set (see docs/input_format.md).

A data set is a folder with ``meta.toml``, ``sam.csv``, ``trade.csv`` and ``elasticities.csv``.
All money values are in the data set's single currency unit (``meta.toml: unit``) at base-year
prices. Everything a user can get wrong is checked here, once, and reported as a
:class:`DataError` naming the file, row, account and values, with a hint; nothing downstream
re-validates.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: Accounts every regional SAM may hold besides sectors, factors and partner regions.
RESERVED = ("IDT", "TRF", "HOH", "GOV", "INV")

#: Default tolerance for account balance, relative to the account's size.
BALANCE_TOL = 1e-9


class DataError(ValueError):
    """Invalid base-year data. The message names file, row/column, value and a hint."""

    def __init__(self, message: str, *, file: str | None = None, hint: str | None = None):
        self.file = file
        self.hint = hint
        text = f"{file}: {message}" if file else message
        if hint:
            text += f" (hint: {hint})"
        super().__init__(text)


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
    _matrices: dict = field(default_factory=dict, repr=False, compare=False)

    def accounts(self, region: str) -> list[str]:
        """Ordered account names of ``region``'s SAM."""
        partners = [s for s in self.regions if s != region]
        return [*self.sectors, *self.factors, *RESERVED, *partners]

    def matrix(self, region: str) -> pd.DataFrame:
        """``region``'s SAM as a square DataFrame (rows receive from columns), zeros filled."""
        if region not in self._matrices:
            acc = self.accounts(region)
            sub = self.sam[self.sam["region"] == region]
            mat = sub.pivot_table(index="row", columns="col", values="value", aggfunc="sum")
            self._matrices[region] = mat.reindex(index=acc, columns=acc).fillna(0.0)
        return self._matrices[region]

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
# loading
# ----------------------------------------------------------------------------------------


def _read_csv(path: Path, required: list[str], optional: list[str] = ()) -> pd.DataFrame:
    """Read a CSV as text, with clear errors for empty files, delimiters and encodings."""
    name = path.name
    if not path.is_file():
        raise DataError("file is missing", file=str(path), hint=f"a data set needs {name}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1]!r})",
            file=name,
            hint="save the file as CSV UTF-8",
        ) from None
    if not text.strip():
        raise DataError("file is empty", file=name, hint=f"expected a header: {','.join(required)}")
    header = text.splitlines()[0]
    cols = [c.strip() for c in header.split(",")]
    missing = [c for c in required if c not in cols]
    if missing:
        hint = f"expected columns {','.join(required)}"
        if ";" in header or "\t" in header:
            hint = "the file must be comma-separated; " + hint
        raise DataError(f"header {header!r} lacks column(s) {', '.join(missing)}", file=name, hint=hint)
    unknown = [c for c in cols if c not in required and c not in optional]
    if unknown:
        raise DataError(f"unknown column(s) {', '.join(unknown)}", file=name,
                        hint=f"allowed: {', '.join([*required, *optional])}")
    from io import StringIO

    try:
        df = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise DataError(f"cannot parse: {exc}", file=name, hint="check quoting and commas") from None
    df.columns = [c.strip() for c in df.columns]
    for c in df.columns:
        df[c] = df[c].str.strip()
    if df.empty:
        raise DataError("file has a header but no rows", file=name)
    return df


def _numbers(df: pd.DataFrame, col: str, file: str, *, allow_inf: bool = False,
             allow_empty_as: float | None = None) -> pd.Series:
    """Convert a text column to floats; name the first bad row (1-based line in the file)."""
    out = []
    for k, text in enumerate(df[col]):
        if text == "" and allow_empty_as is not None:
            out.append(allow_empty_as)
            continue
        try:
            v = float(text)
        except ValueError:
            v = None
        if v is None or math.isnan(v) or (math.isinf(v) and not allow_inf):
            raise DataError(f"line {k + 2}, column {col}: {text!r} is not a finite number",
                            file=file, hint="use plain decimal numbers, e.g. 12.5")
        out.append(v)
    return pd.Series(out, index=df.index, dtype=float)


def _check_names(meta: dict, file: str) -> None:
    for key in ("regions", "sectors", "factors"):
        vals = meta.get(key)
        if not isinstance(vals, list) or not vals or not all(isinstance(v, str) and v for v in vals):
            raise DataError(f"'{key}' must be a non-empty list of names", file=file)
        dup = sorted({v for v in vals if vals.count(v) > 1})
        if dup:
            raise DataError(f"'{key}' lists {', '.join(dup)} more than once", file=file)
    if len(meta["regions"]) < 2:
        raise DataError("at least 2 regions are needed", file=file)
    names = [*meta["regions"], *meta["sectors"], *meta["factors"], *RESERVED]
    clash = sorted({v for v in names if names.count(v) > 1})
    if clash:
        raise DataError(f"name(s) {', '.join(clash)} used for more than one account", file=file,
                        hint=f"regions, sectors, factors and {', '.join(RESERVED)} must be distinct")
    if meta.get("reference_region") not in meta["regions"]:
        raise DataError(f"reference_region {meta.get('reference_region')!r} is not in regions",
                        file=file)


def load_dataset(path: str | Path) -> Dataset:
    """Load and validate the data set in folder ``path`` (see docs/input_format.md).

    Raises:
        DataError: naming file, row, account, values and gap for any inconsistency.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(f"data set folder {str(folder)!r} does not exist",
                        hint="give a folder holding meta.toml, sam.csv, trade.csv, elasticities.csv")
    meta_path = folder / "meta.toml"
    if not meta_path.is_file():
        raise DataError("file is missing", file=str(meta_path))
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"not valid TOML: {exc}", file="meta.toml") from None
    sam = _read_csv(folder / "sam.csv", ["region", "row", "col", "value"])
    trade = _read_csv(folder / "trade.csv",
                      ["exporter", "importer", "sector", "value", "tariff_pct"])
    elas = _read_csv(folder / "elasticities.csv", ["sector", "sigma_va", "sigma_d", "sigma_m", "psi"],
                     ["region", "source"])
    digest = hashlib.sha256()
    for f in ("meta.toml", "sam.csv", "trade.csv", "elasticities.csv"):
        digest.update((folder / f).read_bytes())
    return build_dataset(meta, sam, trade, elas, digest=digest.hexdigest())


def build_dataset(meta: dict, sam: pd.DataFrame, trade: pd.DataFrame, elasticities: pd.DataFrame,
                  *, digest: str = "") -> Dataset:
    """Validate tables (text or numeric columns) and return a :class:`Dataset`.

    Used by :func:`load_dataset` and by code that builds data in memory (tests, scenarios).
    """
    _check_names(meta, "meta.toml")
    regions = tuple(meta["regions"])
    sectors = tuple(meta["sectors"])
    factors = tuple(meta["factors"])
    tol = float(meta.get("balance_tolerance", BALANCE_TOL))

    sam = sam.copy().reset_index(drop=True)
    sam["value"] = _numbers(sam.astype({"value": str}), "value", "sam.csv")
    trade = trade.copy().reset_index(drop=True)
    trade["value"] = _numbers(trade.astype({"value": str}), "value", "trade.csv")
    trade["tariff_pct"] = _numbers(trade.astype({"tariff_pct": str}), "tariff_pct", "trade.csv")
    elas = elasticities.copy().reset_index(drop=True)
    for c in ("sigma_va", "sigma_d", "sigma_m"):
        elas[c] = _numbers(elas.astype({c: str}), c, "elasticities.csv")
    elas["psi"] = _numbers(elas.astype({"psi": str}), "psi", "elasticities.csv", allow_inf=True,
                           allow_empty_as=math.inf)

    _validate_sam(sam, regions, sectors, factors)
    sam = sam[sam["value"] != 0.0].reset_index(drop=True)
    ds = Dataset(
        name=str(meta.get("name", "")), unit=str(meta.get("unit", "")),
        reference_region=meta["reference_region"], regions=regions, sectors=sectors,
        factors=factors, sam=sam, trade=pd.DataFrame(), elasticities=pd.DataFrame(),
        description=str(meta.get("description", "")), digest=digest, balance_tol=tol,
    )
    _validate_balance(ds)
    trade = _validate_trade(ds, trade)
    elas = _validate_elasticities(ds, elas)
    object.__setattr__(ds, "trade", trade)
    object.__setattr__(ds, "elasticities", elas)
    _validate_foreign_saving(ds)
    return ds


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


_MAY_BE_NEGATIVE = {"investment", "saving", "tax", "revenue"}


def _validate_sam(sam: pd.DataFrame, regions, sectors, factors) -> None:
    sset, fset = set(sectors), set(factors)
    seen = set()
    for k, (r, row, col, v) in enumerate(sam[["region", "row", "col", "value"]].itertuples(index=False)):
        line = k + 2
        if r not in regions:
            raise DataError(f"line {line}: unknown region {r!r}", file="sam.csv",
                            hint=f"regions are {', '.join(regions)} (meta.toml)")
        partners = set(regions) - {r}
        for name in (row, col):
            if name not in sset | fset | set(RESERVED) | partners:
                hint = ("a region's own code is not an account of its SAM" if name == r else
                        "add it to meta.toml (sectors/factors) or fix the spelling")
                raise DataError(f"line {line}: region {r}: unknown account {name!r}",
                                file="sam.csv", hint=hint)
        kind = _allowed(row, col, sset, fset, partners)
        if kind is None:
            raise DataError(f"line {line}: region {r}: cell ({row}, {col}) = {v} is not a flow "
                            f"this SAM format has", file="sam.csv",
                            hint="see docs/input_format.md for the accounts and their flows")
        if v < 0 and kind not in _MAY_BE_NEGATIVE:
            raise DataError(f"line {line}: region {r}: {kind} cell ({row}, {col}) is negative "
                            f"({v})", file="sam.csv", hint="only investment, saving and "
                            "production-tax cells may be negative")
        key = (r, row, col)
        if key in seen:
            raise DataError(f"line {line}: region {r}: cell ({row}, {col}) appears more than once",
                            file="sam.csv", hint="give each cell once")
        seen.add(key)
    missing = [r for r in regions if r not in set(sam["region"])]
    if missing:
        raise DataError(f"no SAM entries for region(s) {', '.join(missing)}", file="sam.csv")


def _gap_ok(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _validate_balance(ds: Dataset) -> None:
    for r in ds.regions:
        m = ds.matrix(r)
        rows, cols = m.sum(axis=1), m.sum(axis=0)
        for acc in m.index:
            if not _gap_ok(rows[acc], cols[acc], ds.balance_tol):
                raise DataError(
                    f"region {r}: account {acc} does not balance: row total (receipts) "
                    f"{rows[acc]:.10g} vs column total (payments) {cols[acc]:.10g}, gap "
                    f"{rows[acc] - cols[acc]:.6g}", file="sam.csv",
                    hint="every account's receipts must equal its payments")
        for f in ds.factors:
            if not _gap_ok(m.loc["HOH", f], m.loc[f, list(ds.sectors)].sum(), ds.balance_tol):
                raise DataError(f"region {r}: factor {f} pays the household {m.loc['HOH', f]} "
                                f"but earns {m.loc[f, list(ds.sectors)].sum()}", file="sam.csv")
        partners = [p for p in ds.regions if p != r]
        for i in ds.sectors:
            cost = m.loc[[*ds.sectors, *ds.factors, "IDT"], i].sum()
            exports = m.loc[i, partners].sum()
            if exports > cost * (1 + ds.balance_tol) + ds.balance_tol:
                raise DataError(f"region {r}: sector {i} exports {exports:.10g} but produces "
                                f"only {cost:.10g}", file="sam.csv",
                                hint="exports cannot exceed gross output")


def _validate_trade(ds: Dataset, trade: pd.DataFrame) -> pd.DataFrame:
    seen = set()
    for k, (x, m, i, v, t) in enumerate(
        trade[["exporter", "importer", "sector", "value", "tariff_pct"]].itertuples(index=False)
    ):
        line = k + 2
        for role, name in (("exporter", x), ("importer", m)):
            if name not in ds.regions:
                raise DataError(f"line {line}: unknown {role} {name!r}", file="trade.csv",
                                hint=f"regions are {', '.join(ds.regions)}")
        if i not in ds.sectors:
            raise DataError(f"line {line}: unknown sector {i!r}", file="trade.csv",
                            hint=f"sectors are {', '.join(ds.sectors)} (meta.toml)")
        if x == m:
            raise DataError(f"line {line}: exporter and importer are both {x}", file="trade.csv")
        if v < 0:
            raise DataError(f"line {line}: trade value {v} is negative", file="trade.csv")
        if t <= -100:
            raise DataError(f"line {line}: tariff_pct {t} is at or below -100%", file="trade.csv",
                            hint="a tariff is a percentage of the c.i.f. value, greater than -100")
        if (x, m, i) in seen:
            raise DataError(f"line {line}: ({x}, {m}, {i}) appears more than once", file="trade.csv")
        seen.add((x, m, i))
    trade = trade.assign(tariff=trade["tariff_pct"] / 100.0)
    flows = {(x, m, i): (v, t) for x, m, i, v, t in
             trade[["exporter", "importer", "sector", "value", "tariff"]].itertuples(index=False)}
    tol = ds.balance_tol
    for x in ds.regions:
        for m in ds.regions:
            if x == m:
                continue
            for i in ds.sectors:
                v = flows.get((x, m, i), (0.0, 0.0))[0]
                exp_sam = ds.matrix(x).loc[i, m]
                imp_sam = ds.matrix(m).loc[x, i]
                if not _gap_ok(v, exp_sam, tol):
                    raise DataError(
                        f"exports of {i} from {x} to {m}: trade.csv has {v:.10g}, {x}'s SAM cell "
                        f"({i}, {m}) has {exp_sam:.10g}, gap {v - exp_sam:.6g}", file="trade.csv",
                        hint="exports must equal the partner's imports at world prices")
                if not _gap_ok(v, imp_sam, tol):
                    raise DataError(
                        f"imports of {i} by {m} from {x}: trade.csv has {v:.10g}, {m}'s SAM cell "
                        f"({x}, {i}) has {imp_sam:.10g}, gap {v - imp_sam:.6g}", file="trade.csv",
                        hint="exports must equal the partner's imports at world prices")
    for m in ds.regions:
        for i in ds.sectors:
            rev = sum(v * t for (x, mm, ii), (v, t) in flows.items() if mm == m and ii == i)
            trf = ds.matrix(m).loc["TRF", i]
            if not _gap_ok(rev, trf, tol):
                raise DataError(
                    f"region {m}: tariff revenue on {i} is {trf:.10g} in the SAM (TRF, {i}) but "
                    f"tariff_pct × value in trade.csv gives {rev:.10g}, gap {trf - rev:.6g}",
                    file="trade.csv", hint="base tariff rates must match the SAM's TRF row")
    return trade[trade["value"] > 0].reset_index(drop=True)


def _validate_elasticities(ds: Dataset, elas: pd.DataFrame) -> pd.DataFrame:
    if "region" not in elas.columns:
        elas["region"] = ""
    if "source" not in elas.columns:
        elas["source"] = ""
    cols = ["sigma_va", "sigma_d", "sigma_m", "psi"]
    for k, row in enumerate(elas.itertuples(index=False)):
        line = k + 2
        if row.sector not in ds.sectors:
            raise DataError(f"line {line}: unknown sector {row.sector!r}", file="elasticities.csv",
                            hint=f"sectors are {', '.join(ds.sectors)}")
        if row.region and row.region not in ds.regions:
            raise DataError(f"line {line}: unknown region {row.region!r}", file="elasticities.csv")
        for c in cols:
            v = getattr(row, c)
            if not v > 0:
                raise DataError(f"line {line}: {c} = {v} for {row.sector} must be > 0",
                                file="elasticities.csv",
                                hint="use 1 for Cobb–Douglas; psi empty or inf for perfect "
                                "transformation")
    dup = elas.duplicated(["region", "sector"])
    if dup.any():
        k = int(dup.idxmax())
        raise DataError(f"line {k + 2}: ({elas.region[k] or '*'}, {elas.sector[k]}) given twice",
                        file="elasticities.csv")
    out = []
    for r in ds.regions:
        for i in ds.sectors:
            hit = elas[(elas.region == r) & (elas.sector == i)]
            if hit.empty:
                hit = elas[(elas.region == "") & (elas.sector == i)]
            if hit.empty:
                raise DataError(f"no elasticities for sector {i} (region {r})",
                                file="elasticities.csv", hint="add a row for the sector")
            row = hit.iloc[0]
            out.append({"region": r, "sector": i, **{c: float(row[c]) for c in cols},
                        "source": row["source"]})
    return pd.DataFrame(out).set_index(["region", "sector"])


def _validate_foreign_saving(ds: Dataset) -> None:
    total = sum(ds.matrix(r).loc["INV", [p for p in ds.regions if p != r]].sum() for r in ds.regions)
    scale = max(1.0, *(ds.matrix(r).loc["INV"].abs().sum() for r in ds.regions))
    if abs(total) > ds.balance_tol * scale:
        raise DataError(f"foreign saving sums to {total:.6g} over regions, not zero",
                        file="sam.csv", hint="each region's (INV, partner) cell must equal its "
                        "imports from minus exports to that partner")
