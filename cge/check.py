"""The calibration gate (``cge check``) as library functions, for users' CI.

For each data set: the data are valid and balanced (:func:`cge.data.load_dataset`); under every
closure of :data:`cge.closure.CLOSURES` the benchmark replicates (max residual and max Walras
residual <= :data:`REPLICATION_TOL`), a solve from a perturbed start returns to the benchmark
(<= :data:`RETURN_TOL`) and the equilibrium is determinate (Jacobian condition number <
:data:`CONDITION_LIMIT`). In a repository checkout, the calibration pipeline's checks follow
(:func:`pipeline_checks`).

>>> from cge.check import run_gate
>>> failed = sum(item.failures for item in run_gate(["usjpn2024"]))
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .closure import CLOSURES
from .data import Dataset
from .economy import DATA_DIR, Economy, resolve_data
from .solver import SolveError, solve
from .text import one_line

#: Largest benchmark residual (and Walras residual) accepted: the data replicate.
REPLICATION_TOL = 1e-10
#: Largest max |x - x_base| accepted after solving from a perturbed start.
RETURN_TOL = 1e-8
#: Smallest Jacobian condition number refused: the equilibrium is not determinate.
CONDITION_LIMIT = 1e12
#: Size of the perturbation of the start: each variable times 1 + U(-PERTURBATION, PERTURBATION).
PERTURBATION = 0.05
#: A Jacobian with more rows than this is judged by its LU factorisation, not a dense SVD.
DENSE_SVD_LIMIT = 4000

_INDETERMINATE = ("       the equilibrium is not determinate at the benchmark (singular Jacobian): "
                  "typically a region that does not trade, or one that imports nothing and sells "
                  "only into Cobb-Douglas (sigma = 1) demand, so nothing pins its exchange rate; "
                  "give it trade or price-elastic demand")


class GateError(RuntimeError):
    """The gate cannot run a check (e.g. the calibration package of a checkout is not
    importable). The message is one line with a hint."""


@dataclass(frozen=True)
class DataCheck:
    """A data set that loaded: valid, balanced, trade consistent (else DataError was raised)."""

    name: str
    dataset: Dataset
    failures: int = 0

    def lines(self) -> list[str]:
        """What ``cge check`` prints for it."""
        ds = self.dataset
        return [f"{self.name}: data valid ({len(ds.regions)} regions, {len(ds.sectors)} sectors, "
                f"{ds.unit}); SAMs balance; trade consistent"]


@dataclass(frozen=True)
class ClosureCheck:
    """The benchmark of one data set under one closure.

    Attributes:
        closure: closure name (a key of :data:`cge.closure.CLOSURES`).
        max_residual: max |residual| of the active equations at the benchmark.
        max_walras: max |residual| of the equations dropped by Walras' law.
        back: max |x - x_base| after solving from a perturbed start (inf: the solve failed).
        condition: 2-norm condition number of the column-scaled benchmark Jacobian (inf:
            singular; 0.0: too large for a dense SVD but the LU factorisation succeeded).
    """

    closure: str
    max_residual: float
    max_walras: float
    back: float
    condition: float

    @property
    def replicates(self) -> bool:
        """The benchmark solves the model (both residuals <= :data:`REPLICATION_TOL`)."""
        return self.max_residual <= REPLICATION_TOL and self.max_walras <= REPLICATION_TOL

    @property
    def returns(self) -> bool:
        """The solve from a perturbed start came back to the benchmark (<= :data:`RETURN_TOL`)."""
        return self.back <= RETURN_TOL

    @property
    def determinate(self) -> bool:
        """The Jacobian condition number is below :data:`CONDITION_LIMIT`."""
        return self.condition < CONDITION_LIMIT

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return self.replicates and self.returns and self.determinate

    @property
    def failures(self) -> int:
        """0 if :attr:`ok`, else 1."""
        return 0 if self.ok else 1

    def lines(self) -> list[str]:
        """What ``cge check`` prints for it (with an explanation when not determinate)."""
        out = [f"  {'ok  ' if self.ok else 'FAIL'} {self.closure:24s} benchmark residual "
               f"{self.max_residual:.1e}, Walras {self.max_walras:.1e}, return from perturbed start "
               f"{self.back:.1e}, Jacobian condition {self.condition:.1e}"]
        return out + ([] if self.determinate else [_INDETERMINATE])


@dataclass(frozen=True)
class PipelineCheck:
    """The calibration pipeline's checks (2024 targets, byte-for-byte rebuild) in a checkout.

    Attributes:
        results: :class:`calibration.checks.CheckResult` items ``(name, passed, detail)``.
    """

    results: tuple

    @property
    def failures(self) -> int:
        """Number of failed results."""
        return sum(not r.passed for r in self.results)

    def lines(self) -> list[str]:
        """What ``cge check`` prints: a count, then each failure."""
        n = len(self.results)
        return ([f"calibration pipeline: {n - self.failures}/{n} checks passed (2024 targets: "
                 "usjpn2024's within 0.1%, world2024's within their stated tolerances; the rebuild "
                 "reproduces the committed files)"]
                + [f"  FAIL {r.name}: {r.detail}" for r in self.results if not r.passed])


def shipped_data(data_dir: Path = DATA_DIR) -> list[str]:
    """Names of the shipped data sets: the folders of ``data_dir`` holding a ``meta.toml``.

    Raises:
        GateError: ``data_dir`` is not a folder (a package installed without its data).
    """
    if not data_dir.is_dir():
        raise GateError(f"no shipped data: {data_dir} is not a folder (hint: reinstall cge from "
                        "its wheel, or name a data set folder with --data)")
    return sorted(p.name for p in data_dir.iterdir() if (p / "meta.toml").is_file())


def check_data(name: str | Path) -> DataCheck:
    """Load and validate a data set (a shipped name or a folder); raises DataError."""
    return DataCheck(str(name), resolve_data(name))


def applicable_closures(ds: Dataset) -> list[str]:
    """The closures of :data:`CLOSURES` that the data set can take: those whose sector-specific
    factors it has."""
    return [c for c, cl in CLOSURES.items() if set(cl.specific_factors) <= set(ds.factors)]


def jacobian_condition(eco: Economy) -> float:
    """Condition number of the benchmark Jacobian, columns scaled by the variables (a variable
    whose base is zero, such as foreign saving of a region without it, unscaled; inf if
    singular). A determinate, locally unique equilibrium has a finite one. Up to
    :data:`DENSE_SVD_LIMIT` rows the 2-norm condition number (dense SVD); above, the 1-norm
    condition number estimated from a sparse LU (Higham & Tisseur's block estimator,
    ``scipy.sparse.linalg.onenormest``; within a factor n of the 2-norm one)."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import LinearOperator, onenormest, splu

    col = np.where(np.abs(eco.x_base) > 0, np.abs(eco.x_base), 1.0)
    J = sp.csc_matrix(eco.core.jacobian(eco.x_base, eco.p_base) @ sp.diags(col))
    if J.shape[0] > DENSE_SVD_LIMIT:
        try:
            lu = splu(J)
        except RuntimeError:
            return float("inf")
        n = J.shape[0]
        inv = LinearOperator((n, n), matvec=lu.solve, rmatvec=lambda v: lu.solve(v, trans="T"),
                             dtype=float)
        return float(abs(J).sum(axis=0).max() * onenormest(inv))
    s = np.linalg.svd(J.toarray(), compute_uv=False)
    return float(s[0] / s[-1]) if s[-1] > 0 else float("inf")


def check_closure(ds: Dataset, closure: str, *, seed: int = 0) -> ClosureCheck:
    """Calibrate ``ds`` under ``closure`` and check replication, the return from a start
    perturbed by :data:`PERTURBATION` (random draws of ``seed``) and the Jacobian condition."""
    eco = Economy(ds, closure)
    rep = eco.replication()
    rng = np.random.default_rng(seed)
    x0 = eco.x_base * (1 + PERTURBATION * rng.uniform(-1, 1, eco.core.n))
    try:
        solve(eco.core, x0=x0)
        back = float(np.max(np.abs(eco.core.x_from_model() - eco.x_base)))
    except SolveError:
        back = float("inf")
    return ClosureCheck(closure, rep["max_residual"], rep["max_walras"], back,
                        jacobian_condition(eco))


def pipeline_checks(data_dir: Path = DATA_DIR) -> PipelineCheck | None:
    """In a repository checkout (``data_dir``'s parent holds ``calibration/``): the calibration
    pipeline's checks on ``data_dir`` (:func:`calibration.checks.check_pipeline`). None
    outside a checkout.

    Raises:
        GateError: the checkout's ``calibration`` package cannot be imported, or another
            ``calibration`` package is imported instead of the checkout's.
    """
    folder = data_dir.parent / "calibration"
    if not (folder / "checks.py").is_file():
        return None
    try:
        checks = importlib.import_module("calibration.checks")
    except ImportError as exc:
        raise GateError(one_line(f"cannot import the calibration package of {folder} ({exc}) "
                                 "(hint: install the checkout, pip install -e ., or run from its "
                                 "root)")) from None
    found = Path(checks.__file__).resolve().parent
    if found != folder.resolve():
        raise GateError(one_line(f"the calibration package imported is {found}, not the "
                                 f"checkout's {folder} (hint: install the checkout, pip install -e .)"))
    return PipelineCheck(tuple(checks.check_pipeline(data_dir)))


def run_gate(datas: Sequence[str | Path] = ()) -> Iterator[DataCheck | ClosureCheck | PipelineCheck]:
    """Every check of ``cge check``, as results in the order they are printed: for each data
    set of ``datas`` (shipped names or folders; default: every shipped data set, then the
    pipeline checks) a :class:`DataCheck` and a :class:`ClosureCheck` per applicable closure.

    Each result has ``failures`` (a count) and ``lines()`` (the text ``cge check`` prints).
    Results come as they are computed; an invalid data set raises DataError when reached.
    """
    for name in list(datas) or shipped_data():
        item = check_data(name)
        yield item
        for closure in applicable_closures(item.dataset):
            yield check_closure(item.dataset, closure)
    if not datas:
        pipeline = pipeline_checks()
        if pipeline is not None:
            yield pipeline
