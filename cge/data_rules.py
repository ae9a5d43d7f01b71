"""The rules a base-year data set must satisfy, checked once when it is built
(:func:`cge.data.build_dataset`): every SAM cell a flow the format knows, balanced accounts,
subsidies where allowed, trade agreeing with the SAM, elasticities complete and in range, a
structure the model can calibrate to. Each failure is a :class:`~cge.errors.DataError` naming
the file, line, account and values, with a hint."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import DEFAULT_SET, Dataset, sam_accounts
from .errors import DataError
from .meta import SIGMA_ONE_GAP
from .text import listing, quote, show


def _rows(df: pd.DataFrame, cols: list[str]):
    """The rows of ``df``'s columns ``cols`` as tuples of Python values, in order: what
    ``df[cols].itertuples(index=False, name=None)`` yields, read column by column at C speed
    (iterating a pandas string column cell by cell costs ~1.6 us a cell: ~0.06 s of
    loading world2024's trade and SAM tables)."""
    return zip(*(df[c].tolist() for c in cols), strict=True)


def flow_kind(row: str, col: str, sectors: set, factors: set, partners: set) -> str | None:
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


def check_sam(sam: pd.DataFrame, regions, sectors, factors, lines: list[int]) -> dict:
    """Check every cell; return the line of each cell, keyed by (region, row, col)."""
    sset, fset = set(sectors), set(factors)
    # each region's trading partners and the accounts its SAM may name, built once per region
    # (not per cell: 8,566 cells on world2024)
    partners_of = {r: set(regions) - {r} for r in regions}
    accounts_of = {r: set(sam_accounts(regions, sectors, factors, r)) for r in regions}
    seen: dict = {}
    used = set()
    for k, (r, row, col, v) in enumerate(_rows(sam, ["region", "row", "col", "value"])):
        line = lines[k]
        if r not in partners_of:
            raise DataError(f"line {line}: unknown region {quote(r)}", file="sam.csv",
                            hint=f"regions are {listing(regions)} (meta.toml)")
        partners, accounts = partners_of[r], accounts_of[r]
        for name in (row, col):
            if name not in accounts:
                hint = ("a region's own code is not an account of its SAM" if name == r else
                        "add it to meta.toml (sectors/factors) or fix the spelling")
                raise DataError(f"line {line}: region {show(r)}: unknown account {quote(name)}",
                                file="sam.csv", hint=hint)
        kind = flow_kind(row, col, sset, fset, partners)
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
    present = {key[0] for key in seen}
    missing = [r for r in regions if r not in present]
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


def check_subsidies(ds: Dataset, cells: dict) -> None:
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


def check_balance(ds: Dataset) -> None:
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


def check_trade(ds: Dataset, trade: pd.DataFrame, lines: list[int], cells: dict) -> pd.DataFrame:
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


def check_elasticities(ds: Dataset, elas: pd.DataFrame, lines: list[int],
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


def check_structure(ds: Dataset) -> None:
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


def check_foreign_saving(ds: Dataset) -> None:
    total = sum(ds.matrix(r).loc["INV", [p for p in ds.regions if p != r]].sum() for r in ds.regions)
    scale = sum(ds.matrix(r).loc["INV"].abs().sum() for r in ds.regions)
    if abs(total) > ds.balance_tol * scale:
        raise DataError(f"foreign saving sums to {total:.6g} over regions, not zero",
                        file="sam.csv", hint="each region's (INV, partner) cell must equal its "
                        "imports from minus exports to that partner")
