"""Split one sector of a multi-region input-output table into several (GTAP's SplitCom).

The method is the standard one of sector-splitting tools such as GTAP's SplitCom (Horridge,
"SplitCom: programs to disaggregate a GTAP sector", Centre of Policy Studies; that document was
not available to check, so this is the general approach, not a transcription): the *row* of the
sector (its sales to every user: intermediate users and final demand in every region) and its
*column* (its cost structure: intermediate inputs from every region and value added) are
divided among the new sectors with user weights, the block of the sector buying from itself is
divided in both dimensions, and the result is rebalanced (GRAS, :mod:`calibration.balance`) so
that every new sector's output equals its share. See docs/data.md, "Splitting a sector".

Data structure (:class:`MRIO`): dense arrays with labelled axes, region-major,

* ``z[(r, i), (s, j)]``: intermediate use, shape ``(R*N, R*N)`` (row = supplying region ``r``
  and sector ``i``, column = using region ``s`` and sector ``j``);
* ``f[(r, i), (s, k)]``: final use, shape ``(R*N, R*K)`` (``K`` final-use categories per region);
* ``v[a, (s, j)]``: value added (one or more rows ``a``), shape ``(A, R*N)``;
* ``x[(r, i)]``: published gross output, optional, shape ``(R*N,)``;

where the index of ``(r, i)`` is ``r * N + i``. Any money unit (the pipeline uses USD million).
Row totals are ``z.sum(1) + f.sum(1)``, column totals ``z.sum(0) + v.sum(0)``; in a balanced
table both equal gross output. :meth:`MRIO.from_long` / :meth:`MRIO.to_long` convert from and
to a long table ``(row_region, row_sector, col_region, col_item, block, value)``, the layout of
``calibration/source/wiod2011_3r10s_mrio_long.csv``.

Guarantees of :func:`split_sector` (tested in ``tests/test_split.py``):

* every row and column total of the original table is preserved (the other sectors' exactly,
  the split sector's as the sum over its new sectors, to the balancing tolerance);
* each new sector's row total and column total is its output share times the original
  sector's (per region);
* aggregating the new sectors back (:func:`aggregate_sectors`) gives the original table (to
  floating-point rounding: the aggregation constraint is imposed last in every balancing);
* signs are kept (GRAS keeps the sign pattern): non-negative cells stay non-negative.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.balance import BalancingError, gras
from calibration.common import FloatArray

WILDCARD = "*"
#: Tolerance on the sum of a share vector.
SHARE_TOL = 1e-9

ShareSpec = Sequence[float] | Mapping[str, float]


class SplitError(ValueError):
    """The split is badly specified (the message names the item) or cannot be balanced."""


@dataclass(frozen=True)
class MRIO:
    """A multi-region input-output table with labelled axes (see the module docstring).

    Attributes:
        regions: region codes, in the order of the blocks.
        sectors: sector codes (the same in every region).
        final: final-use categories (the same in every region).
        va: labels of the value-added rows.
        z: intermediate use ``(R*N, R*N)``.
        f: final use ``(R*N, R*K)``.
        v: value added ``(A, R*N)``.
        x: published gross output ``(R*N,)`` or None.
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    final: tuple[str, ...]
    va: tuple[str, ...]
    z: FloatArray
    f: FloatArray
    v: FloatArray
    x: FloatArray | None = None

    def __post_init__(self) -> None:
        for name, labels in (("regions", self.regions), ("sectors", self.sectors),
                             ("final", self.final), ("va", self.va)):
            if len(set(labels)) != len(labels):
                raise SplitError(f"MRIO {name}: duplicate labels in {list(labels)}")
            if WILDCARD in labels:
                raise SplitError(f"MRIO {name}: {WILDCARD!r} is reserved")
        rn, rk = len(self.regions) * len(self.sectors), len(self.regions) * len(self.final)
        expected = {"z": (rn, rn), "f": (rn, rk), "v": (len(self.va), rn)}
        for name, shape in expected.items():
            arr = getattr(self, name)
            if np.shape(arr) != shape:
                raise SplitError(f"MRIO {name}: shape {np.shape(arr)}, expected {shape}")
            if not np.all(np.isfinite(arr)):
                raise SplitError(f"MRIO {name}: non-finite values")
        if self.x is not None and np.shape(self.x) != (rn,):
            raise SplitError(f"MRIO x: shape {np.shape(self.x)}, expected {(rn,)}")

    @property
    def labels(self) -> list[tuple[str, str]]:
        """``(region, sector)`` of every row of ``z`` (and column of ``z`` and ``v``)."""
        return [(r, i) for r in self.regions for i in self.sectors]

    @property
    def final_labels(self) -> list[tuple[str, str]]:
        """``(region, category)`` of every column of ``f``."""
        return [(s, k) for s in self.regions for k in self.final]

    def index(self, region: str, sector: str) -> int:
        """Position of ``(region, sector)`` in the rows of ``z``."""
        return self.regions.index(region) * len(self.sectors) + self.sectors.index(sector)

    def row_totals(self) -> FloatArray:
        """Sales of every region-sector: ``z.sum(1) + f.sum(1)``."""
        return self.z.sum(axis=1) + self.f.sum(axis=1)

    def col_totals(self) -> FloatArray:
        """Costs of every region-sector: ``z.sum(0) + v.sum(0)``."""
        return self.z.sum(axis=0) + self.v.sum(axis=0)

    def to_long(self) -> pd.DataFrame:
        """Non-zero cells as a long table: ``row_region, row_sector, col_region, col_item,
        block`` (``intermediate``, ``final``, ``value_added``, ``gross_output``), ``value``.
        As in ``calibration/source/wiod2011_3r10s_mrio_long.csv``, value-added rows have
        ``row_region`` = ``"VA"`` and ``row_sector`` = the value-added label, gross output has
        ``row_region`` = ``row_sector`` = ``"GO"``; both give the sector in ``col_region`` and
        ``col_item``."""
        rows: list[tuple[str, str, str, str, str, float]] = []
        lab, flab = self.labels, self.final_labels
        for (a, b), val in np.ndenumerate(self.z):
            if val:
                rows.append((*lab[a], *lab[b], "intermediate", float(val)))
        for (a, b), val in np.ndenumerate(self.f):
            if val:
                rows.append((*lab[a], *flab[b], "final", float(val)))
        for (a, b), val in np.ndenumerate(self.v):
            if val:
                rows.append(("VA", self.va[a], *lab[b], "value_added", float(val)))
        if self.x is not None:
            for a, val in enumerate(self.x):
                if val:
                    rows.append(("GO", "GO", *lab[a], "gross_output", float(val)))
        return pd.DataFrame(rows, columns=["row_region", "row_sector", "col_region", "col_item",
                                           "block", "value"])

    @classmethod
    def from_long(
        cls,
        table: pd.DataFrame,
        regions: Sequence[str],
        sectors: Sequence[str],
        final: Sequence[str],
        va: Sequence[str] = ("VA",),
        value: str = "value",
    ) -> MRIO:
        """Build from a long table as written by :meth:`to_long` (missing cells are zero;
        ``value`` names the value column, e.g. ``usd_million``; other blocks, such as
        ``gross_output_published``, are ignored). A label not in the given axes raises
        :class:`SplitError` naming it."""
        regions, sectors, final, va = tuple(regions), tuple(sectors), tuple(final), tuple(va)
        n, k = len(sectors), len(final)
        rn = len(regions) * n
        z, f = np.zeros((rn, rn)), np.zeros((rn, len(regions) * k))
        v, x = np.zeros((len(va), rn)), None

        def pos(kind: str, labels: tuple[str, ...], item: str) -> int:
            if item not in labels:
                raise SplitError(f"long table: unknown {kind} {item!r}")
            return labels.index(item)

        for rec in table.itertuples(index=False):
            d = rec._asdict()
            block, val = d["block"], float(d[value])
            if block == "intermediate":
                a = pos("region", regions, d["row_region"]) * n + pos("sector", sectors, d["row_sector"])
                b = pos("region", regions, d["col_region"]) * n + pos("sector", sectors, d["col_item"])
                z[a, b] += val
            elif block == "final":
                a = pos("region", regions, d["row_region"]) * n + pos("sector", sectors, d["row_sector"])
                b = pos("region", regions, d["col_region"]) * k + pos("final use", final, d["col_item"])
                f[a, b] += val
            elif block == "value_added":
                b = pos("region", regions, d["col_region"]) * n + pos("sector", sectors, d["col_item"])
                v[pos("value-added row", va, d["row_sector"]), b] += val
            elif block == "gross_output":
                x = np.zeros(rn) if x is None else x
                b = pos("region", regions, d["col_region"]) * n + pos("sector", sectors, d["col_item"])
                x[b] += val
        return cls(regions, sectors, final, va, z, f, v, x)


@dataclass(frozen=True)
class BalanceStep:
    """What one balancing did.

    Attributes:
        region: the region whose row (``side == "sales"``) or column (``"costs"``) was split.
        side: ``"sales"`` or ``"costs"``.
        iterations: GRAS sweeps (0: the weighted prior already had the output shares).
        max_gap: largest remaining gap to a new sector's target (table unit).
        moved: sum of absolute changes from the weighted prior (table unit).
        moved_share: ``moved`` over the absolute size of the split row or column.
        largest: up to five biggest changes ``(item, new sector, prior, balanced)``; ``item``
            is ``"region/sector"`` of the user (sales) or input (costs).
    """

    region: str
    side: str
    iterations: int
    max_gap: float
    moved: float
    moved_share: float
    largest: tuple[tuple[str, str, float, float], ...]


@dataclass(frozen=True)
class SplitResult:
    """The split table and a report of every balancing step."""

    table: MRIO
    sector: str
    new_sectors: tuple[str, ...]
    steps: tuple[BalanceStep, ...]

    def report(self) -> str:
        """Human-readable lines: per region and side, sweeps and what moved."""
        lines = [f"split {self.sector} -> {', '.join(self.new_sectors)}"]
        for st in self.steps:
            if st.iterations == 0:
                lines.append(f"  {st.region} {st.side}: weights consistent with output shares, nothing moved")
                continue
            lines.append(
                f"  {st.region} {st.side}: GRAS {st.iterations} sweeps, moved {st.moved:.6g} "
                f"({st.moved_share:.2%} of the {st.side}), largest gap left {st.max_gap:.3g}"
            )
            for item, new, before, after in st.largest:
                lines.append(f"    {item} -> {new}: {before:.6g} -> {after:.6g}")
        return "\n".join(lines)


def _share_vector(spec: ShareSpec, names: tuple[str, ...], what: str) -> FloatArray:
    if isinstance(spec, Mapping):
        unknown = [k for k in spec if k not in names]
        missing = [k for k in names if k not in spec]
        if unknown or missing:
            raise SplitError(f"{what}: new sectors {sorted(spec)} do not match {list(names)}")
        values = [spec[k] for k in names]
    else:
        values = list(spec)
        if len(values) != len(names):
            raise SplitError(f"{what}: {len(values)} shares for {len(names)} new sectors {list(names)}")
    try:
        arr = np.array([float(v) for v in values])
    except (TypeError, ValueError) as exc:
        raise SplitError(f"{what}: shares must be numbers, got {values!r}") from exc
    listed = ", ".join(f"{n}={v:g}" for n, v in zip(names, arr))
    if not np.all(np.isfinite(arr)):
        raise SplitError(f"{what}: non-finite share ({listed})")
    if np.any(arr < 0):
        raise SplitError(f"{what}: negative share ({listed})")
    if abs(arr.sum() - 1.0) > SHARE_TOL:
        raise SplitError(f"{what}: shares sum to {arr.sum():.10g}, not 1 ({listed})")
    return arr


def _lookup(table: dict[tuple[str, str, str], FloatArray], keys: list[tuple[str, str, str]]):
    for key in keys:
        if key in table:
            return table[key]
    return None


def _candidates(a: str, b: str, items: Sequence[str]) -> list[tuple[str, str, str]]:
    """Keys from the most specific to the least: each of (a, b, item) may be a wildcard."""
    out = []
    for aa in (a, WILDCARD):
        for bb in (b, WILDCARD):
            for it in (*items, WILDCARD):
                out.append((aa, bb, it))
    return out


def split_sector(
    table: MRIO,
    sector: str,
    new_sectors: Sequence[str],
    output_shares: Mapping[str, ShareSpec],
    *,
    sales_shares: Mapping[tuple[str, str, str], ShareSpec] | None = None,
    cost_shares: Mapping[tuple[str, str, str], ShareSpec] | None = None,
    tol: float = 1e-13,
) -> SplitResult:
    """Split ``sector`` of every region of ``table`` into ``new_sectors``.

    Args:
        table: the table to split (not modified).
        sector: the source sector (one of ``table.sectors``).
        new_sectors: two or more new names, not already sectors; they take the source
            sector's place in the sector order.
        output_shares: required; ``{region: shares}`` with shares a sequence in the order of
            ``new_sectors`` or a ``{new sector: share}`` mapping, non-negative, summing to 1.
            Key ``"*"`` gives the shares of every region not listed; without it every region
            must be listed. The share of new sector ``k`` in region ``r``'s output of
            ``sector``: both its sales (row total) and its costs (column total).
        sales_shares: optional weights for the sector's *row*, ``{(seller region, user region,
            user): shares}`` where ``user`` is a sector (intermediate user; the source
            sector's own name for its own-use block), a final-use category, or ``"*"``; any
            key field may be ``"*"``. The most specific key applies (seller, then user
            region, then user); cells without a key use the seller's output shares.
            Export shares by destination are ``(exporter, importer, "*")``.
        cost_shares: optional weights for the sector's *column*, ``{(buyer region, supplier
            region, input): shares}`` where ``input`` is a sector, a value-added label, or
            ``"*"`` (value-added rows match supplier region ``"*"`` or the buyer itself).
            For the rows of the new sectors themselves (own use), a key naming a new sector
            is tried before one naming the source sector. Fallback: the buyer's output shares.
        tol: GRAS tolerance (relative to the size of the split row or column).

    Returns:
        A :class:`SplitResult`; ``result.report()`` says what the balancing moved.

    Raises:
        SplitError: an unknown sector, region, user, input or new-sector name, shares that are
            negative or do not sum to 1, or weights that cannot reach the output shares (for
            instance a user bought only from a new sector whose output share is zero).
    """
    if sector not in table.sectors:
        raise SplitError(f"unknown sector {sector!r} (sectors: {', '.join(table.sectors)})")
    names = tuple(new_sectors)
    if len(names) < 2:
        raise SplitError(f"split of {sector}: need at least two new sectors, got {list(names)}")
    if len(set(names)) != len(names):
        raise SplitError(f"split of {sector}: duplicate new sector names {list(names)}")
    for nm in names:
        if nm == WILDCARD or (nm in table.sectors and nm != sector):
            raise SplitError(f"split of {sector}: new sector name {nm!r} is already a sector")
        if nm in table.final or nm in table.va:
            raise SplitError(f"split of {sector}: new sector name {nm!r} is a final-use or value-added label")
    regions = table.regions
    m = len(names)

    # Output shares by region.
    for key in output_shares:
        if key != WILDCARD and key not in regions:
            raise SplitError(f"output shares: unknown region {key!r} (regions: {', '.join(regions)})")
    w = np.zeros((len(regions), m))
    for r, reg in enumerate(regions):
        spec = output_shares.get(reg, output_shares.get(WILDCARD))
        if spec is None:
            raise SplitError(f"output shares: none for region {reg!r} (and no {WILDCARD!r} default)")
        w[r] = _share_vector(spec, names, f"output shares for {reg}")

    users = (*table.sectors, *table.final)
    inputs = (*table.sectors, *names, *table.va)
    sales = _check_keys(sales_shares, names, regions, users, "sales shares")
    costs = _check_keys(cost_shares, names, regions, inputs, "cost shares")

    n, k_fd = len(table.sectors), len(table.final)
    o = table.sectors.index(sector)
    new_sec = (*table.sectors[:o], *names, *table.sectors[o + 1:])
    n2 = len(new_sec)
    rn, rn2 = len(regions) * n, len(regions) * n2

    def old_to_new(idx: int) -> int:  # an unsplit sector's index in the new layout
        r, i = divmod(idx, n)
        return r * n2 + (i if i < o else i + m - 1)

    keep = [i for i in range(rn) if i % n != o]
    keep_new = [old_to_new(i) for i in keep]
    steps: list[BalanceStep] = []

    # Step 1: split the rows (sales) of the sector in every region.
    z1 = np.zeros((rn2, rn))
    f1 = np.zeros((rn2, len(regions) * k_fd))
    z1[keep_new] = table.z[keep]
    f1[keep_new] = table.f[keep]
    col_labels = [f"{s}/{j}" for s in regions for j in table.sectors] + [
        f"{s}/{c}" for s in regions for c in table.final]
    for r, reg in enumerate(regions):
        a = np.concatenate([table.z[r * n + o], table.f[r * n + o]])
        weights = np.empty((m, a.size))
        for c in range(a.size):
            if c < rn:
                s_reg, user = regions[c // n], table.sectors[c % n]
            else:
                s_reg, user = regions[(c - rn) // k_fd], table.final[(c - rn) % k_fd]
            found = _lookup(sales, _candidates(reg, s_reg, (user,)))
            weights[:, c] = w[r] if found is None else found
        balanced, step = _balance(a, weights, w[r], reg, "sales", col_labels, names, sector, tol)
        steps.append(step)
        rows = [r * n2 + o + k for k in range(m)]
        z1[rows] = balanced[:, :rn]
        f1[rows] = balanced[:, rn:]

    # Step 2: split the columns (costs) of the sector in every region.
    z2 = np.zeros((rn2, rn2))
    z2[:, keep_new] = z1[:, keep]
    v2 = np.zeros((len(table.va), rn2))
    v2[:, keep_new] = table.v[:, keep]
    row_labels = [f"{r}/{i}" for r in regions for i in new_sec] + list(table.va)
    for s, reg in enumerate(regions):
        b = np.concatenate([z1[:, s * n + o], table.v[:, s * n + o]])
        weights = np.empty((m, b.size))
        for q in range(b.size):
            if q < rn2:
                r_reg, item = regions[q // n2], new_sec[q % n2]
                items = (item, sector) if item in names else (item,)
                found = _lookup(costs, _candidates(reg, r_reg, items))
            else:
                item = table.va[q - rn2]
                found = _lookup(costs, _candidates(reg, reg, (item,)))
            weights[:, q] = w[s] if found is None else found
        balanced, step = _balance(b, weights, w[s], reg, "costs", row_labels, names, sector, tol)
        steps.append(step)
        cols = [s * n2 + o + k for k in range(m)]
        z2[:, cols] = balanced[:, :rn2].T
        v2[:, cols] = balanced[:, rn2:].T

    x2 = None
    if table.x is not None:
        x2 = np.zeros(rn2)
        x2[keep_new] = table.x[keep]
        for r in range(len(regions)):
            x2[r * n2 + o: r * n2 + o + m] = w[r] * table.x[r * n + o]
    out = MRIO(regions, new_sec, table.final, table.va, z2, f1, v2, x2)
    return SplitResult(out, sector, names, tuple(steps))


def _check_keys(
    spec: Mapping[tuple[str, str, str], ShareSpec] | None,
    names: tuple[str, ...],
    regions: tuple[str, ...],
    items: tuple[str, ...],
    what: str,
) -> dict[tuple[str, str, str], FloatArray]:
    out: dict[tuple[str, str, str], FloatArray] = {}
    for key, shares in (spec or {}).items():
        if not (isinstance(key, tuple) and len(key) == 3):
            raise SplitError(f"{what}: key {key!r} must be a triple (region, partner region, item)")
        a, b, item = key
        for reg in (a, b):
            if reg != WILDCARD and reg not in regions:
                raise SplitError(f"{what} {key}: unknown region {reg!r} (regions: {', '.join(regions)})")
        if item != WILDCARD and item not in items:
            raise SplitError(f"{what} {key}: unknown item {item!r} (known: {', '.join(items)})")
        out[key] = _share_vector(shares, names, f"{what} {key}")
    return out


def _balance(
    line: FloatArray,
    weights: FloatArray,
    out_shares: FloatArray,
    region: str,
    side: str,
    labels: list[str],
    names: tuple[str, ...],
    sector: str,
    tol: float,
) -> tuple[FloatArray, BalanceStep]:
    """Divide ``line`` (one row or column of the source sector) among the new sectors.

    Prior ``weights[k, c] * line[c]``; targets: new sector ``k`` gets ``out_shares[k]`` of the
    line's total, and every cell ``c`` keeps its value summed over ``k`` (imposed last)."""
    m = len(names)
    weights = weights.copy()
    weights[out_shares == 0] = 0.0  # a new sector with no output gets nothing
    prior = weights * line[None, :]
    total = float(line.sum())
    size = float(np.abs(line).sum())
    targets = out_shares * total
    for c in np.flatnonzero(line):
        if not np.any(weights[:, c] > 0):
            raise SplitError(
                f"split of {sector}, {region} {side}: {labels[c]} ({line[c]:.6g}) is given only to "
                f"new sectors with zero output share ({', '.join(names)} shares "
                f"{', '.join(f'{s:g}' for s in out_shares)})"
            )
    for k in range(m):
        if targets[k] != 0 and not np.any(prior[k]):
            raise SplitError(
                f"split of {sector}, {region} {side}: {names[k]} has output share {out_shares[k]:g} "
                f"but a zero weight for every {'user' if side == 'sales' else 'input'}"
            )
    gap0 = float(np.abs(prior.sum(axis=1) - targets).max(initial=0.0))
    if size == 0 or gap0 <= tol * max(1.0, size):
        return prior, BalanceStep(region, side, 0, gap0, 0.0, 0.0, ())
    # GRAS refuses lines whose target is positive but below its tolerance (1e-9 of the line's
    # size): such tiny cells and tiny new sectors are split by the weights alone, outside GRAS
    # (they cannot move the totals by more than that tolerance).
    tiny = 2e-9 * max(1.0, size)
    small_c = (line != 0) & (np.abs(line) <= tiny)
    small_k = (targets != 0) & (np.abs(targets) <= tiny)
    fixed = np.zeros_like(prior)
    if small_c.any():
        fixed[:, small_c] = weights[:, small_c] / weights[:, small_c].sum(axis=0) * line[small_c]
    big_c = ~small_c
    if small_k.any():
        row = prior[small_k][:, big_c]
        rest = targets[small_k] - fixed[small_k].sum(axis=1)
        total_row = row.sum(axis=1)
        scale = np.divide(rest, total_row, out=np.zeros_like(rest), where=total_row != 0)
        fixed[np.ix_(small_k, big_c)] = row * scale[:, None]
    big_k = ~small_k
    matrix = fixed.copy()
    try:
        res = gras(prior[np.ix_(big_k, big_c)], targets[big_k] - fixed[big_k].sum(axis=1),
                   line[big_c] - fixed[small_k][:, big_c].sum(axis=0), tol=tol)
    except BalancingError as exc:
        raise SplitError(
            f"split of {sector}, {region} {side}: weights cannot reach the output shares: {exc}"
        ) from exc
    matrix[np.ix_(big_k, big_c)] = res.matrix
    diff = matrix - prior
    moved = float(np.abs(diff).sum())
    order = np.argsort(-np.abs(diff), axis=None)[:5]
    largest = tuple(
        (labels[c], names[k], float(prior[k, c]), float(matrix[k, c]))
        for k, c in (np.unravel_index(i, diff.shape) for i in order)
        if diff[k, c] != 0
    )
    gap = float(np.abs(matrix.sum(axis=1) - targets).max(initial=0.0))
    return matrix, BalanceStep(region, side, res.iterations, gap, moved, moved / size, largest)


def aggregate_sectors(table: MRIO, mapping: Mapping[str, str]) -> MRIO:
    """Sum sectors of ``table`` by ``mapping`` (sector -> aggregate; sectors not listed keep
    their name). Aggregates are ordered by first appearance; ``x`` is summed too."""
    unknown = [s for s in mapping if s not in table.sectors]
    if unknown:
        raise SplitError(f"aggregate: unknown sectors {unknown} (sectors: {', '.join(table.sectors)})")
    targets = [mapping.get(s, s) for s in table.sectors]
    agg = tuple(dict.fromkeys(targets))
    n, na, nr = len(table.sectors), len(agg), len(table.regions)
    g = np.zeros((nr * n, nr * na))
    for r in range(nr):
        for i, t in enumerate(targets):
            g[r * n + i, r * na + agg.index(t)] = 1.0
    x = None if table.x is None else table.x @ g
    return MRIO(table.regions, agg, table.final, table.va, g.T @ table.z @ g, g.T @ table.f,
                table.v @ g, x)


@dataclass(frozen=True)
class SplitSpec:
    """A split read from a shares CSV (``calibration/inputs/splits/*.csv``): the arguments of
    :func:`split_sector`, plus the grade and source of each share row and the rows dropped
    because their region is not in the table."""

    sector: str
    new_sectors: tuple[str, ...]
    output_shares: dict[str, dict[str, float]]
    sales_shares: dict[tuple[str, str, str], dict[str, float]]
    cost_shares: dict[tuple[str, str, str], dict[str, float]]
    provenance: list[dict[str, str]] = field(default_factory=list)
    dropped: list[dict[str, str]] = field(default_factory=list)

    def apply(self, table: MRIO, **kwargs) -> SplitResult:
        """``split_sector(table, ...)`` with this spec."""
        return split_sector(table, self.sector, self.new_sectors, self.output_shares,
                            sales_shares=self.sales_shares, cost_shares=self.cost_shares, **kwargs)


SPEC_COLUMNS = ("source_sector", "new_sector", "kind", "region", "partner", "item", "share",
                "grade", "source")
GRADES = ("official", "secondary", "estimate")


def read_split_spec(path: Path | str, regions: Iterable[str] | None = None) -> SplitSpec:
    """Read a shares CSV (columns :data:`SPEC_COLUMNS`; lines starting with ``#`` are comments).

    ``kind`` is ``output`` (``region``; ``partner`` and ``item`` empty), ``sales`` (``region``
    = seller, ``partner`` = user region, ``item`` = user) or ``costs`` (``region`` = buyer,
    ``partner`` = supplier region, ``item`` = input); ``"*"`` is a wildcard. ``grade`` is one of
    :data:`GRADES`. One row per (kind, region, partner, item, new sector); the new sectors are
    in order of first appearance. With ``regions``, rows naming another region are dropped
    (listed in ``dropped``), so one file serves tables with different regions.
    """
    path = Path(path)
    keep = None if regions is None else set(regions) | {WILDCARD}
    with path.open(newline="", encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != SPEC_COLUMNS:
        raise SplitError(f"{path.name}: columns {reader.fieldnames}, expected {list(SPEC_COLUMNS)}")
    sectors: set[str] = set()
    names: list[str] = []
    groups: dict[tuple[str, str, str, str], dict[str, float]] = {}
    provenance, dropped = [], []
    for lineno, row in enumerate(reader, start=2):
        where = f"{path.name} row {lineno}"
        sectors.add(row["source_sector"])
        if row["kind"] not in ("output", "sales", "costs"):
            raise SplitError(f"{where}: kind {row['kind']!r} (expected output, sales or costs)")
        if row["grade"] not in GRADES:
            raise SplitError(f"{where}: grade {row['grade']!r} (expected one of {', '.join(GRADES)})")
        if not row["source"].strip():
            raise SplitError(f"{where}: no source")
        try:
            share = float(row["share"])
        except ValueError as exc:
            raise SplitError(f"{where}: share {row['share']!r} is not a number") from exc
        if not math.isfinite(share):
            raise SplitError(f"{where}: share {row['share']!r} is not finite")
        if row["new_sector"] not in names:
            names.append(row["new_sector"])
        if keep is not None and ({row["region"], row["partner"] or WILDCARD} - keep):
            dropped.append(row)
            continue
        key = (row["kind"], row["region"], row["partner"], row["item"])
        if row["new_sector"] in groups.setdefault(key, {}):
            raise SplitError(f"{where}: a second share for {row['new_sector']} in {key}")
        groups[key][row["new_sector"]] = share
        provenance.append(row)
    if len(sectors) != 1:
        raise SplitError(f"{path.name}: one source sector per file, found {sorted(sectors)}")
    out: dict[str, dict[str, float]] = {}
    sales: dict[tuple[str, str, str], dict[str, float]] = {}
    costs: dict[tuple[str, str, str], dict[str, float]] = {}
    for (kind, reg, partner, item), shares in groups.items():
        missing = [nm for nm in names if nm not in shares]
        if missing:
            raise SplitError(f"{path.name}: {kind} {reg}/{partner}/{item} has no share for {missing}")
        if kind == "output":
            if partner or item:
                raise SplitError(f"{path.name}: output shares for {reg} must leave partner and item empty")
            out[reg] = shares
        else:
            (sales if kind == "sales" else costs)[(reg, partner or WILDCARD, item or WILDCARD)] = shares
    return SplitSpec(sectors.pop(), tuple(names), out, sales, costs, provenance, dropped)
