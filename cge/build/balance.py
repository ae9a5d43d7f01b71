"""Matrix balancing: RAS and generalised RAS (GRAS).

Both routines scale a prior matrix ``A`` so that its row sums equal ``row_targets`` and its
column sums equal ``col_targets``, staying as close as possible to ``A`` in the
information-loss (cross-entropy) sense. Values are in whatever unit the caller uses (the
pipeline uses USD million); the routines are unit-free.

* :func:`ras` is the classical bi-proportional method (Stone 1961; Bacharach 1970):
  ``X = diag(r) A diag(s)``. It requires a non-negative prior.
* :func:`gras` is the generalised RAS of Junius & Oosterhaven (2003, *Economic Systems
  Research* 15: 87-96), with the correction of Lenzen, Wood & Gallego (2007, *ESR* 19: 1-24),
  which allows negative entries (inventory change in the investment column, for instance):
  with ``A = P - N`` (``P``, ``N`` >= 0 the positive and negative parts),
  ``X_ij = r_i s_j P_ij - N_ij / (r_i s_j)``.

Both preserve the sign pattern of the prior: zero cells stay zero, positive cells stay
positive and negative cells stay negative. A problem without a solution (for instance a row
whose prior is all zeros but whose target is not zero) raises :class:`BalancingError`.

GRAS is the minimiser of the information loss (cross-entropy) ``sum |a_ij| x_ij/a_ij ln(x_ij/a_ij)``
subject to the margins (Junius & Oosterhaven 2003), so it is also the cross-entropy balancing of a
matrix whose totals are given. :func:`balance_square` minimises the same information loss for
a square SAM whose account totals are not given (only that each row total equal its column
total), holding fixed cells where asked, and :func:`cell_changes` lists every cell it changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


class BalancingError(ValueError):
    """The balancing problem is inconsistent or did not converge."""


@dataclass(frozen=True)
class BalanceResult:
    """Outcome of a balancing run.

    Attributes:
        matrix: the balanced matrix (same unit as the prior).
        row_multipliers: ``r`` (dimensionless).
        col_multipliers: ``s`` (dimensionless).
        iterations: number of full row+column sweeps performed.
        max_gap: largest absolute gap between a row/column sum and its target at the end
            (unit of the prior).
    """

    matrix: FloatArray
    row_multipliers: FloatArray
    col_multipliers: FloatArray
    iterations: int
    max_gap: float


def _solve_multiplier(pos: FloatArray, neg: FloatArray, target: FloatArray) -> FloatArray:
    """Solve ``m * pos - neg / m = target`` for ``m > 0`` element-wise.

    ``pos`` and ``neg`` are the (already scaled) positive and absolute negative sums of each
    line. Lines with ``pos == neg == 0`` must have a zero target; they get ``m = 1``.
    """
    m = np.ones_like(target)
    has_pos = pos > 0
    # Positive part present: the positive root of pos*m^2 - target*m - neg = 0.
    p, n, u = pos[has_pos], neg[has_pos], target[has_pos]
    m[has_pos] = (u + np.sqrt(u * u + 4.0 * p * n)) / (2.0 * p)
    # Only negative entries: -neg/m = target, so m = -neg/target (needs target < 0).
    only_neg = (~has_pos) & (neg > 0)
    m[only_neg] = -neg[only_neg] / target[only_neg]
    return m


def _check_problem(a: FloatArray, u: FloatArray, v: FloatArray, tol: float) -> None:
    if a.ndim != 2:
        raise BalancingError(f"prior must be a 2-D matrix, got shape {a.shape}")
    if u.shape != (a.shape[0],) or v.shape != (a.shape[1],):
        raise BalancingError(f"targets do not fit the prior: prior {a.shape}, rows {u.shape}, cols {v.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(u)) and np.all(np.isfinite(v))):
        raise BalancingError("prior and targets must be finite")
    scale = max(1.0, float(np.abs(u).sum()), float(np.abs(v).sum()))
    if abs(float(u.sum()) - float(v.sum())) > tol * scale:
        raise BalancingError(
            f"row targets sum to {u.sum():.6f} but column targets sum to {v.sum():.6f} "
            f"(gap {u.sum() - v.sum():.6g})"
        )
    pos, neg = np.clip(a, 0.0, None), np.clip(-a, 0.0, None)
    for axis, targets, label in ((1, u, "row"), (0, v, "column")):
        p_sum, n_sum = pos.sum(axis=axis), neg.sum(axis=axis)
        for k, t in enumerate(targets):
            if p_sum[k] == 0 and n_sum[k] == 0 and abs(t) > tol * scale:
                raise BalancingError(f"{label} {k}: prior is all zeros but the target is {t:.6g}")
            if p_sum[k] == 0 and n_sum[k] > 0 and t > -tol * scale:
                raise BalancingError(
                    f"{label} {k}: prior has only negative entries but the target is {t:.6g}"
                )
            if n_sum[k] == 0 and p_sum[k] > 0 and t < tol * scale:
                raise BalancingError(
                    f"{label} {k}: prior has only positive entries but the target is {t:.6g}"
                )


def gras(
    prior: ArrayLike,
    row_targets: ArrayLike,
    col_targets: ArrayLike,
    *,
    tol: float = 1e-12,
    max_iter: int = 100_000,
) -> BalanceResult:
    """Balance ``prior`` to the given row and column sums with generalised RAS.

    Args:
        prior: matrix to adjust (any real entries; unit e.g. USD million).
        row_targets: required row sums (same unit).
        col_targets: required column sums (same unit).
        tol: convergence tolerance on the largest row/column gap, relative to the larger of 1
            and the total absolute target.
        max_iter: maximum number of row+column sweeps.

    Returns:
        A :class:`BalanceResult`; ``matrix`` keeps the sign pattern of ``prior``.

    Raises:
        BalancingError: targets inconsistent with each other or with the zero/sign pattern,
            or no convergence within ``max_iter`` sweeps.
    """
    a = np.asarray(prior, dtype=np.float64)
    u = np.asarray(row_targets, dtype=np.float64)
    v = np.asarray(col_targets, dtype=np.float64)
    _check_problem(a, u, v, 1e-9)
    pos, neg = np.clip(a, 0.0, None), np.clip(-a, 0.0, None)
    r = np.ones(a.shape[0])
    s = np.ones(a.shape[1])
    scale = max(1.0, float(np.abs(u).sum()), float(np.abs(v).sum()))
    gap = np.inf
    for it in range(1, max_iter + 1):
        # Row step: given s, choose r so that every row hits its target.
        r = _solve_multiplier(pos @ s, neg @ (1.0 / s), u)
        # Column step: given r, choose s so that every column hits its target.
        s = _solve_multiplier(pos.T @ r, neg.T @ (1.0 / r), v)
        x = _assemble(pos, neg, r, s)
        gap = float(np.abs(x.sum(axis=1) - u).max(initial=0.0))
        if gap <= tol * scale:
            return BalanceResult(x, r, s, it, gap)
    raise BalancingError(f"GRAS did not converge in {max_iter} sweeps (largest row gap {gap:.6g})")


def _assemble(pos: FloatArray, neg: FloatArray, r: FloatArray, s: FloatArray) -> FloatArray:
    rs = np.outer(r, s)
    return rs * pos - neg / rs


def ras(
    prior: ArrayLike,
    row_targets: ArrayLike,
    col_targets: ArrayLike,
    *,
    tol: float = 1e-12,
    max_iter: int = 100_000,
) -> BalanceResult:
    """Classical bi-proportional RAS for a non-negative prior.

    Same arguments and result as :func:`gras`; raises :class:`BalancingError` if the prior has
    a negative entry. For a non-negative prior the two methods coincide.
    """
    a = np.asarray(prior, dtype=np.float64)
    if np.any(a < 0):
        raise BalancingError("RAS needs a non-negative prior; use gras() for negative entries")
    return gras(a, row_targets, col_targets, tol=tol, max_iter=max_iter)


@dataclass(frozen=True)
class CellChange:
    """One cell changed by balancing (values in the matrix's unit, e.g. USD million).

    Attributes:
        row: the row account (receives the payment).
        col: the column account (makes the payment).
        before: the value given.
        after: the balanced value.
    """

    row: str
    col: str
    before: float
    after: float

    @property
    def change(self) -> float:
        """``after - before`` (unit of the matrix)."""
        return self.after - self.before

    @property
    def change_pct(self) -> float:
        """The change in percent of the value given (``inf`` for a cell given as 0)."""
        return 100.0 * self.change / abs(self.before) if self.before else float("inf")


def cell_changes(labels: Sequence[str], before: ArrayLike, after: ArrayLike, *,
                 atol: float = 0.0) -> list[CellChange]:
    """Every cell of a square matrix whose value changed by more than ``atol``, largest first.

    Args:
        labels: account names, the order of both rows and columns.
        before, after: the matrix before and after balancing (same unit).
        atol: changes of at most this size (unit of the matrix) are not listed.
    """
    a, b = np.asarray(before, dtype=np.float64), np.asarray(after, dtype=np.float64)
    diff = np.abs(b - a)
    rows, cols = np.nonzero(diff > atol)
    order = np.lexsort((cols, rows, -diff[rows, cols]))
    return [CellChange(labels[rows[k]], labels[cols[k]], float(a[rows[k], cols[k]]),
                       float(b[rows[k], cols[k]])) for k in order]


@dataclass(frozen=True)
class SquareBalance:
    """A square SAM balanced by :func:`balance_square`.

    Attributes:
        matrix: the balanced SAM (row totals equal column totals), unit of the input.
        totals: each account's total after balancing.
        multipliers: ``z``; every free cell is ``x_ij = a+_ij z_j / z_i - a-_ij z_i / z_j``
            (``a+``, ``a-`` the positive and negative parts of the prior).
        changes: every changed cell, largest first (:func:`cell_changes`).
        sweeps: passes over the accounts (0 when the SAM was balanced already).
    """

    matrix: FloatArray
    totals: FloatArray
    multipliers: FloatArray
    changes: list[CellChange]
    sweeps: int


def balance_square(sam: ArrayLike, labels: Sequence[str], *, fixed: ArrayLike | None = None,
                   tol: float = 1e-12, max_sweeps: int = 100_000, atol: float = 0.0
                   ) -> SquareBalance:
    """Balance a square SAM by minimum cross-entropy, holding the ``fixed`` cells.

    The account totals are not given: they are whatever makes every row total equal its column
    total. Minimising the information loss ``sum |a_ij| (x_ij/a_ij) ln(x_ij/a_ij)`` (the
    objective of GRAS, Junius & Oosterhaven 2003; Robinson, Cattaneo & El-Said 2001 for SAMs)
    subject to ``row_k = col_k`` for every account gives ``x_ij = a_ij z_j / z_i`` for positive
    free cells (and ``a_ij z_i / z_j`` for negative ones, as in GRAS): one multiplier per account,
    found account by account (each step solves a quadratic for ``z_k`` that balances account
    ``k`` given the others) until the largest gap is below ``tol`` times the SAM's total.
    Zero cells stay zero, signs are kept, diagonal cells do not change.

    Args:
        sam: square matrix, row account receives from column account (any unit).
        labels: account names (rows and columns in this order).
        fixed: boolean mask of the cells to keep as given (default: none).
        tol: convergence tolerance, relative to the sum of absolute cells.
        max_sweeps: passes over all accounts before giving up.
        atol: changes of at most this size are not listed in ``changes``.

    Raises:
        BalancingError: naming an account that cannot balance (e.g. its free cells are all on
            one side and the fixed ones leave a gap of the wrong sign), or no convergence.
    """
    a = np.asarray(sam, dtype=np.float64)
    n = len(labels)
    if a.shape != (n, n):
        raise BalancingError(f"SAM must be square with {n} accounts, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise BalancingError("SAM cells must be finite")
    mask = np.zeros_like(a, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    off = ~np.eye(n, dtype=bool)
    free = ~mask & off
    pos = np.where(free, np.clip(a, 0.0, None), 0.0)
    neg = np.where(free, np.clip(-a, 0.0, None), 0.0)
    rest = np.where(free, 0.0, a)  # fixed and diagonal cells
    gap_fixed = rest.sum(axis=1) - rest.sum(axis=0)  # row minus column, fixed part
    scale = max(1.0, float(np.abs(a).sum()))
    z = np.ones(n)

    def assemble() -> FloatArray:
        ratio = np.outer(1.0 / z, z)  # z_j / z_i
        return rest + pos * ratio - neg / ratio

    x = assemble()
    gap = np.abs(x.sum(axis=1) - x.sum(axis=0))
    if gap.max(initial=0.0) <= tol * scale:
        return SquareBalance(a.copy(), a.sum(axis=1), z, [], 0)
    for sweep in range(1, max_sweeps + 1):
        for k in range(n):
            # row_k - col_k = F + (P1 + N2) / t - (N1 + P2) t with t = z_k (others held).
            p1 = float(pos[k, :] @ z)
            n1 = float(neg[k, :] @ (1.0 / z))
            p2 = float(pos[:, k] @ (1.0 / z))
            n2 = float(neg[:, k] @ z)
            f, b, c = gap_fixed[k], p1 + n2, n1 + p2
            if c > 0 and b > 0:
                t = (f + np.sqrt(f * f + 4.0 * b * c)) / (2.0 * c)
            elif c > 0 and f > 0:
                t = f / c
            elif b > 0 and f < 0:
                t = -b / f
            elif abs(f) <= tol * scale:
                continue
            elif b == 0 and c == 0:
                raise BalancingError(
                    f"account {labels[k]}: row total {rest[k].sum():.6g} and column total "
                    f"{rest[:, k].sum():.6g} differ but none of its cells may change")
            else:
                side = "receipts (row)" if b > 0 else "payments (column)"
                raise BalancingError(
                    f"account {labels[k]}: its free cells, all {side}, cannot close a gap of "
                    f"{f:.6g} between its fixed row and column cells")
            z[k] = t
        x = assemble()
        gap = np.abs(x.sum(axis=1) - x.sum(axis=0))
        if gap.max(initial=0.0) <= tol * scale:
            return SquareBalance(x, x.sum(axis=1), z, cell_changes(labels, a, x, atol=atol), sweep)
    k = int(gap.argmax())
    raise BalancingError(f"balancing did not converge in {max_sweeps} sweeps (account "
                         f"{labels[k]}: gap {gap[k]:.6g})")
