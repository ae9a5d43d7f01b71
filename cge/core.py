"""Compiled core: residuals and sparse Jacobian of a Pyomo model, by index.

Pyomo's own cyipopt route needs the AMPL Solver Library, which cannot be installed here, so we
compile the Pyomo model ourselves, once per model structure. The Pyomo model stays the single
source of truth: every active equality constraint becomes a residual ``body - rhs``, read off
its expression tree. Two backends turn the trees into evaluators; both emit Python source in
which data are reached by index only — never by a user-supplied name — and compile it once:

``backend="vector"`` (the default from :data:`AUTO_PYTHON_BELOW` equations up)
    Each tree is walked once. Its *signature* is its shape with the leaves (variables,
    parameters, constants) replaced by slots; a sum's signature is the set of its terms'
    signatures, so sums of any length share one (a segment sum, ``np.add.reduceat``, adds the
    terms up). Constraints with equal signatures form a group — whatever their Pyomo block: the
    default model has 18 groups, a 10-region, 65-sector one 19. For each group we emit
    straight-line numpy code over index arrays: the tree once, evaluated over all members at
    once, and its reverse-mode derivative (adjoints pushed from the root to the slots), with
    constants folded at compile time (a derivative that depends on constants only, e.g. of a
    linear term, goes into a constant part of the Jacobian). Partials are added into the
    Jacobian's values by ``np.bincount`` (a variable in two slots of one equation is summed).
    In the generated code ``x`` is the vector of leaf values (free variables, then parameters,
    then constants), ``p`` the tuple of index arrays, constant arrays and segment-sum functions
    built at compile time, ``r`` the list of intermediate arrays. Pyomo's ``differentiate`` is
    not used; setup time is linear in the size of the trees and the source does not grow with
    the model.
``backend="python"`` (the default for smaller systems)
    The original compiler: derivatives by Pyomo's symbolic differentiation (reverse symbolic
    mode), emitted as one straight line of scalar Python per residual and per Jacobian entry,
    with free variables ``x[k]`` and mutable parameters and fixed variables ``p[k]``. Kept for
    comparison and tests (tests/test_core_backends.py checks that the two agree).

Arithmetic: a negative base with a fractional exponent gives NaN (never an exception), and so
do undefined logarithms; overflow gives inf (python backend: NaN) — so that a solver's line
search can step back.

A shock changes Param values; :meth:`CompiledModel.params` re-reads them into ``p``. Nothing is
rebuilt. Equations dropped by the closure (Walras) are compiled too, to report their residuals.
"""

from __future__ import annotations

import math
import operator
import re
import threading
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
import pyomo.core as pyo
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.expr import numeric_expr as ne
from pyomo.core.expr.calculus.derivatives import Modes, differentiate
from pyomo.core.expr.visitor import identify_variables

from ._scipy import csc_matrix, maximum_bipartite_matching, splu

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from .calibrate import Benchmark

#: The compiler backends of :func:`compile_model`.
BACKENDS = ("auto", "vector", "python")
#: ``backend="auto"`` compiles systems of fewer equations than this with the python backend:
#: there numpy's per-call overhead outweighs vectorisation (TWOCGE, 79 equations: a tariff
#: solve 0.9 ms with the python backend, 1.5 ms with the vector one; at 316 equations both
#: take the same; see docs/performance.md).
AUTO_PYTHON_BELOW = 200


class StructureError(RuntimeError):
    """The model is not a square system (a closure fixes too many or too few variables)."""


def _pow(a: float, b: float) -> float:
    """Real power; NaN where undefined (negative base with a fractional exponent, overflow)."""
    try:
        return math.pow(a, b)
    except (ValueError, OverflowError):
        return math.nan


class _Printer:
    """Turns a Pyomo expression into Python source over arrays ``x`` and ``p``."""

    def __init__(self, xindex: dict[int, int], pindex: dict[int, int], params: list):
        self.xindex, self.pindex, self.params = xindex, pindex, params

    def leaf(self, obj) -> str:
        k = self.xindex.get(id(obj))
        if k is not None:
            return f"x[{k}]"
        k = self.pindex.get(id(obj))
        if k is None:
            k = self.pindex[id(obj)] = len(self.params)
            self.params.append(obj)
        return f"p[{k}]"

    def __call__(self, e) -> str:
        if e.__class__ in (int, float):
            return repr(float(e))
        if not e.is_expression_type():
            if e.is_variable_type() or e.is_parameter_type():
                if e.is_parameter_type() and not e.parent_component().mutable:
                    return repr(float(pyo.value(e)))
                return self.leaf(e)
            if e.is_numeric_type() and e.is_constant():
                return repr(float(pyo.value(e)))
            raise TypeError(f"cannot compile leaf of type {type(e).__name__}")
        if e.is_named_expression_type():
            return self(e.expr)
        a = [self(x) for x in e.args]
        if isinstance(e, ne.SumExpression):
            return "(" + " + ".join(a) + ")"
        if isinstance(e, (ne.ProductExpression, ne.MonomialTermExpression)):
            return f"({a[0]} * {a[1]})"
        if isinstance(e, ne.DivisionExpression):
            return f"({a[0]} / {a[1]})"
        if isinstance(e, ne.PowExpression):
            return f"_pow({a[0]}, {a[1]})"
        if isinstance(e, ne.NegationExpression):
            return f"(-{a[0]})"
        if isinstance(e, ne.UnaryFunctionExpression) and e.getname() in ("exp", "log", "sqrt"):
            return f"_m.{e.getname()}({a[0]})"
        raise TypeError(f"cannot compile expression of type {type(e).__name__}")


@dataclass
class CompiledModel:
    """Residual and Jacobian evaluators for the active equations of a Pyomo model.

    Attributes:
        model: the Pyomo model (single source of truth).
        variables: free variables, in the order of ``x``.
        constraints: active equations, in the order of the residual vector.
        dropped: equations left out by the closure (Walras), evaluated for reporting only.
        outputs: named quantities (Pyomo Expressions, ``model.outputs``) compiled with the
            dropped equations, for :meth:`output_values`.
        param_objects: mutable Params and fixed variables, in the order of ``p``.
        rows, cols: sparsity of the Jacobian (coordinate form, no duplicates).
        lower: lower bounds of ``x``.
        source: the generated Python source (indices only; kept for inspection and audits).
        backend: ``"python"`` or ``"vector"`` (see the module docstring).
        cache: scratch space for solvers, e.g. a fill-reducing column order of the Jacobian
            (its structure never changes).
    """

    model: pyo.ConcreteModel
    variables: list
    constraints: list
    dropped: list
    param_objects: list
    rows: np.ndarray
    cols: np.ndarray
    lower: np.ndarray
    _res: object
    _jac: object
    _drop: object
    source: str = ""
    backend: str = "python"
    outputs: list = field(default_factory=list)
    cache: dict = field(default_factory=dict, repr=False, compare=False)
    #: what the model was built from, for the keys of the on-disk cache (:mod:`cge.cache`):
    #: :class:`~cge.economy.Economy` sets the data digest and the closure
    cache_context: str = ""
    #: condensation in :meth:`lu` (:mod:`cge.condense`): None follows :data:`CONDENSE`; True
    #: condenses, False factorises the full Jacobian, ``"auto"`` see :data:`CONDENSE`
    condense: bool | str | None = None

    @property
    def n(self) -> int:
        return len(self.variables)

    def params(self) -> list[float]:
        """Current values of mutable parameters and fixed variables (re-read after a shock)."""
        objs = self.param_objects
        try:  # Pyomo's ParamData and VarData keep their value in ``_value``: one C-level pass
            return np.fromiter(map(_VALUE, objs), dtype=float, count=len(objs)).tolist()
        except (AttributeError, TypeError, ValueError):  # anything else: the public accessor
            return [float(o.value) for o in objs]

    def x_from_model(self) -> np.ndarray:
        """Current values of the free variables."""
        try:  # VarData.value is its ``_value``: one C-level pass
            return np.fromiter(map(_VALUE, self.variables), dtype=float, count=len(self.variables))
        except (AttributeError, TypeError, ValueError):  # a variable without a value (None)
            return np.array([v.value for v in self.variables], dtype=float)

    def x_to_model(self, x: np.ndarray) -> None:
        """Write a solution back into the Pyomo variables."""
        for v, val in zip(self.variables, np.asarray(x, dtype=float).tolist()):
            v.set_value(val, skip_validation=True)

    def residual(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Residuals of the active equations (each relative to its benchmark scale)."""
        return np.array(self._res(x.tolist(), _as_list(p)), dtype=float)

    def jacobian_values(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Non-zero Jacobian entries, aligned with :attr:`rows` and :attr:`cols`."""
        return np.array(self._jac(x.tolist(), _as_list(p)), dtype=float)

    def csc_structure(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(order, indices, indptr)``: ``jacobian_values(x, p)[order]`` is the data array of
        the Jacobian in CSC form with these row ``indices`` and column pointers ``indptr``
        (computed once; the structure never changes)."""
        s = self.cache.get("csc")
        if s is None:
            s = self.cache["csc"] = csc_pattern(self.rows, self.cols, self.n)
        return s

    def jacobian(self, x: np.ndarray, p: list[float]):
        """Sparse Jacobian (CSC)."""
        return self.jacobian_matrix(self.jacobian_values(x, p))

    def jacobian_matrix(self, vals: np.ndarray):
        """The sparse Jacobian (CSC) with non-zeros ``vals`` (from :meth:`jacobian_values`)."""
        order, indices, indptr = self.csc_structure()
        return csc_matrix((vals[order], indices, indptr), shape=(self.n, self.n))

    def _dropped_and_outputs(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        return np.array(self._drop(x.tolist(), _as_list(p)), dtype=float)

    def dropped_residuals(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Residuals of the equations the closure dropped (must be ~0 at a solution)."""
        return self._dropped_and_outputs(x, p)[:len(self.dropped)]

    def output_values(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Values of the model's reported quantities (``model.outputs``, named Expressions),
        in the order of :attr:`outputs`, at ``(x, p)``: no Pyomo variable is read or written."""
        return self._dropped_and_outputs(x, p)[len(self.dropped):]

    def lu(self, x: np.ndarray, p: list[float], condense: bool | str | None = None) -> LU:
        """Sparse LU factorisation of the Jacobian (SuperLU), for :meth:`LU.solve`.

        The structure never changes, so the ordering is computed at the first call and kept:
        rows are permuted by a maximum matching so that the diagonal is structurally
        non-zero, columns and rows are then ordered symmetrically by minimum degree on
        ``A + A^T`` and SuperLU runs in symmetric mode, preferring diagonal pivots unless one
        is below 0.1 of its column's largest entry (threshold partial pivoting). Later calls
        hand SuperLU the pre-permuted matrix (``permc_spec="NATURAL"``) and skip the ordering.
        On the 10-region, 65-sector data this is ~25x faster than SuperLU's default (COLAMD,
        which fills the factors with 5x more non-zeros); on the default data ~1.5x.
        Structurally singular Jacobians fall back to SuperLU's defaults.

        With condensation (``condense``, else :attr:`condense`, else :data:`CONDENSE`; see
        :mod:`cge.condense`) the result is a :class:`~cge.condense.CondensedLU` with the same
        :meth:`~LU.solve`: only the Schur complement on the unknowns not eliminated is
        factorised (its ordering computed once, like the full one's). Where condensation does
        not apply (no pivots, or a pivot too small at ``x``) the full Jacobian is factorised.

        Raises:
            RuntimeError: the Jacobian is singular.
        """
        return self.factorize(self.jacobian_values(x, p), condense)

    def factorize(self, vals: np.ndarray, condense: bool | str | None = None) -> LU:
        """:meth:`lu` of the Jacobian with non-zeros ``vals`` (from :meth:`jacobian_values`)."""
        mode = condense if condense is not None else (
            self.condense if self.condense is not None else CONDENSE)
        if mode:
            f = self._condensed(vals, mode)
            if f is not None:
                return f
        n = self.n
        c = self.cache.get("lu")
        if c is None:
            c = self.cache["lu"] = _lu_order(self, vals)
        if c is False:  # no perfect matching: SuperLU's defaults
            return LU(splu(self.jacobian_matrix(vals)), None, None)
        data, indices, indptr, rows, q = c
        return factorize_in_order(csc_matrix((vals[data], indices, indptr), shape=(n, n)), rows, q)

    def condensation(self, vals: np.ndarray):
        """The :class:`~cge.condense.Plan` of this core (computed at the first call, from the
        Jacobian's structure and the values ``vals``), or False if nothing can be eliminated
        or the condensed system is singular there."""
        c = self.cache.get("condense")
        if c is None:
            from .condense import choose_pivots, plan

            er, ec = choose_pivots(self, vals)
            c = plan(self, vals, er, ec) if len(er) else False
            self.cache["condense"] = c
        return c

    def _condensed(self, vals: np.ndarray, mode):
        """A :class:`~cge.condense.CondensedLU`, or None to factorise the full Jacobian."""
        from .condense import factorize_condensed

        if mode == "auto":
            use = self.cache.get("condense auto")
            if use is None:
                use = False
                if self.n >= CONDENSE_MIN_UNKNOWNS and self.condensation(vals):
                    full = self.factorize(vals, condense=False)
                    f = factorize_condensed(self.condensation(vals), vals, factorize_in_order)
                    use = f is not None and f.fill + f.plan.products < full.fill
                self.cache["condense auto"] = use
            if not use:
                return None
        elif mode is not True:
            raise ValueError(f"condense must be True, False, None or 'auto', not {mode!r}")
        plan = self.condensation(vals)
        return factorize_condensed(plan, vals, factorize_in_order) if plan else None

    def name(self, k: int) -> str:
        """Name of equation ``k`` (for diagnostics only; never enters generated code)."""
        return self.constraints[k].name

    def block(self, k: int) -> str:
        """Equation block (the Pyomo constraint component) of equation ``k``."""
        return self.constraints[k].parent_component().local_name


def csc_pattern(rows: np.ndarray, cols: np.ndarray, n: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(order, indices, indptr)`` of the coordinate pattern ``rows``, ``cols`` (``n``
    columns, no duplicates): ``vals[order]`` is the data array of the CSC matrix with these
    row ``indices`` and column pointers ``indptr``."""
    order = np.lexsort((rows, cols))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols, minlength=n), out=indptr[1:])
    return order, rows[order].astype(np.int32), indptr.astype(np.int32)


#: parameter vectors whose parameter stage (``w``) a vector core keeps, per thread
#: (:meth:`VectorModel._entry`): a path point and the two sides of its difference quotient
W_CACHE = 3
#: a new parameter vector's stage is computed from the last one's (:meth:`VectorModel._partial_w`)
#: when at most this share of the parameters differ
PARTIAL_STAGE_MAX = 0.5
#: sets of moved parameters whose dependent steps a vector core keeps
STAGE_STEPS_KEPT = 8
_STAGE_LOCK = threading.Lock()

#: SuperLU's diagonal pivot threshold in :meth:`CompiledModel.lu` (1 is partial pivoting).
LU_PIVOT_THRESHOLD = 0.1

#: Condensation in :meth:`CompiledModel.lu` (:mod:`cge.condense`) for cores whose
#: :attr:`~CompiledModel.condense` is None: False (the default) factorises the full Jacobian,
#: True condenses, ``"auto"`` condenses from :data:`CONDENSE_MIN_UNKNOWNS` unknowns up if the
#: factors come out smaller (nnz of the condensed system's L + U plus the products forming it,
#: against nnz of the full L + U; decided once per core, at its first factorisation). Off by
#: default: on world2024 and generated sizes up to 10 x 65 the condensed LU is not cheaper
#: (docs/performance.md).
CONDENSE: bool | str = False
#: ``CONDENSE = "auto"`` condenses from this many unknowns up
CONDENSE_MIN_UNKNOWNS = 2000


def factorize_in_order(S, rows: np.ndarray | None, q: np.ndarray | None) -> LU:
    """:class:`LU` of ``S`` whose rows and columns are already in pivot order (``rows``, ``q``
    map back): SuperLU without reordering, :data:`LU_PIVOT_THRESHOLD` on the diagonal."""
    return LU(splu(S, permc_spec="NATURAL", diag_pivot_thresh=LU_PIVOT_THRESHOLD,
                   options={"SymmetricMode": True}), rows, q)


class LU:
    """A factorised Jacobian ``J[rows][:, q] = L U``: :meth:`solve` returns ``J^-1 b``."""

    #: whether :meth:`solve` inverts the Jacobian it was made from (False: a preconditioner
    #: for GMRES, :class:`cge.precondition.BlockLU`, whose solves are not Newton steps)
    exact = True

    def __init__(self, lu, rows: np.ndarray | None, q: np.ndarray | None):
        self.superlu, self._rows, self._q = lu, rows, q

    @property
    def fill(self) -> int:
        """Non-zeros of the factors ``L + U``."""
        return int(self.superlu.L.nnz + self.superlu.U.nnz)

    def solve(self, b: np.ndarray) -> np.ndarray:
        if self._q is None:
            return self.superlu.solve(b)
        out = np.empty(len(self._q))
        out[self._q] = self.superlu.solve(b[self._rows])
        return out

    def solve_transposed(self, b: np.ndarray) -> np.ndarray:
        """``J^-T b`` (adjoint solves, :mod:`cge.strategic`)."""
        if self._q is None:
            return self.superlu.solve(b, trans="T")
        out = np.empty(len(self._rows))
        out[self._rows] = self.superlu.solve(b[self._q], trans="T")
        return out


#: :meth:`CompiledModel.lu` keeps its ordering in the on-disk cache (:mod:`cge.cache`) from
#: this many unknowns up; below, computing it costs about what reading a file does (the
#: default data: 565 unknowns, ~1 ms; 30 regions x 65 sectors: ~60 s).
LU_CACHE_MIN_UNKNOWNS = 2000


def _lu_order(core: CompiledModel, vals: np.ndarray):
    """Ordering for :meth:`CompiledModel.lu`: ``(data, indices, indptr, rows, q)`` such that
    ``csc_matrix((vals[data], indices, indptr))`` is ``J[rows][:, q]``; False if the
    Jacobian has no structurally non-zero diagonal under any row permutation.

    The permutations depend on the Jacobian's structure only (a maximum matching, then a
    minimum-degree ordering of the pattern), so from :data:`LU_CACHE_MIN_UNKNOWNS` unknowns up
    they are kept on disk (:mod:`cge.cache`), keyed by the structure, the core's
    :attr:`~CompiledModel.cache_context` (data digest and closure) and the code version."""
    n = core.n
    if n == 0:
        return False
    digest = perm = None
    if n >= LU_CACHE_MIN_UNKNOWNS:
        from .cache import key, load

        digest = key("lu", core.cache_context, f"MMD_AT_PLUS_A {LU_PIVOT_THRESHOLD}",
                     core.rows, core.cols)
        perm = _valid_perm(load("lu", digest), n)
    if perm is None:
        perm = _lu_perm(core, vals)
        if perm is False:
            return False
        if digest is not None:
            from .cache import store

            store("lu", digest, {"rows": perm[0].astype(np.int32), "q": perm[1].astype(np.int32)})
    return _lu_plan(core, *perm)


def _valid_perm(hit: dict | None, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``(rows, q)`` of a cache entry if both are permutations of ``range(n)``, else None."""
    if hit is None or set(hit) != {"rows", "q"}:
        return None
    rows, q = hit["rows"].astype(np.int64), hit["q"].astype(np.int64)
    ident = np.arange(n)
    if rows.shape != (n,) or q.shape != (n,) or not (np.array_equal(np.sort(rows), ident)
                                                      and np.array_equal(np.sort(q), ident)):
        return None
    return rows, q


def _lu_perm(core: CompiledModel, vals: np.ndarray):
    """``(rows, q)`` of the Jacobian with non-zeros ``vals``: :func:`pivot_order`."""
    return pivot_order(core.jacobian_matrix(vals))


def pivot_order(J) -> tuple[np.ndarray, np.ndarray] | bool:
    """``(rows, q)`` for a square sparse ``J``: a maximum matching of rows to columns (a
    structurally non-zero diagonal), then SuperLU's minimum-degree order on ``A + A^T``; False
    if there is no perfect matching, or SuperLU finds the matrix singular at its values."""
    match = maximum_bipartite_matching(J, perm_type="row")  # match[j]: row matched to column j
    if np.any(match < 0):
        return False
    A = J[match, :]
    try:
        first = splu(A.tocsc(), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=LU_PIVOT_THRESHOLD,
                     options={"SymmetricMode": True})
    except RuntimeError:  # singular here: order without values next time
        return False
    q = np.argsort(first.perm_c)
    return match[q], q


def _lu_plan(core: CompiledModel, rows: np.ndarray, q: np.ndarray):
    """:func:`_lu_order`'s result for the permutations ``rows``, ``q``."""
    return pivot_plan(core.csc_structure(), core.n, rows, q)


def pivot_plan(csc: tuple[np.ndarray, np.ndarray, np.ndarray], n: int, rows: np.ndarray,
               q: np.ndarray):
    """``(data, indices, indptr, rows, q)`` such that ``csc_matrix((vals[data], indices,
    indptr))`` is ``J[rows][:, q]``, for a pattern ``csc = (order, indices, indptr)`` (as
    :meth:`CompiledModel.csc_structure`: ``vals[order]`` is the CSC data; ``order`` an index
    array or a slice) of ``n`` columns."""
    order, indices, indptr = csc  # order may be a slice (VectorModel: already in CSC order)
    nnz = len(indices)
    # where each entry of J[rows][:, q] comes from: permute positions as values
    pos = csc_matrix((np.arange(1, nnz + 1, dtype=float), indices, indptr), shape=(n, n))
    B = pos[rows][:, q].tocsc()
    B.sort_indices()
    data = np.arange(nnz)[order][B.data.astype(np.int64) - 1]
    return data, B.indices.astype(np.int32), B.indptr.astype(np.int32), rows, q


#: reads a Pyomo ParamData's or VarData's stored value (what its ``value`` property returns)
_VALUE = operator.attrgetter("_value")


def _as_list(p) -> list:
    return p.tolist() if isinstance(p, np.ndarray) else p


@dataclass
class VectorModel(CompiledModel):
    """A :class:`CompiledModel` from the vector backend (same interface).

    The generated functions take ``(z, plan)``: ``z`` holds the free variables, then ``w``
    (parameters, constants of mixed slots, the parameter stage's results, see
    :class:`_Program`); ``plan`` the index arrays, constants and segment sums. They return a
    list whose items ``res_out`` (``drop_out``) picks are the groups' residual arrays, put in
    equation order by ``res_perm`` (``drop_perm``); ``jac_out`` picks the Jacobian's
    non-constant partials, added up by ``np.bincount`` at ``jac_pos`` onto ``jac_const``.
    """

    plan: tuple = ()
    consts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    program: object = None
    res_out: object = None
    res_perm: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    drop_out: object = None
    drop_perm: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    jac_out: object = None
    jac_pos: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    jac_const: np.ndarray = field(default_factory=lambda: np.zeros(0))
    groups: list = field(default_factory=list)

    def _entry(self, p) -> list:
        """The cache entry ``[p array, w, p list, z buffer]`` of parameters ``p`` (``w`` a view
        of the end of the buffer): the
        last :data:`W_CACHE` parameter vectors evaluated (per thread, most recent first), so
        that a point's own parameters and the neighbours of a difference quotient do not
        evict each other (the parameter stage and ``w`` grow with the model: 400k numbers on
        world2024)."""
        key = ("w", threading.get_ident())  # per thread: evaluations may run concurrently
        entries = self.cache.get(key)
        if entries is None:
            entries = self.cache[key] = []
        if entries and p.__class__ is list:  # lists: compared in C
            for i, e in enumerate(entries):
                if e[2] == p:
                    if i:
                        entries.insert(0, entries.pop(i))
                    return e
        pa = np.asarray(p, dtype=float)
        for i, e in enumerate(entries):
            if np.array_equal(e[0], pa):
                if i:
                    entries.insert(0, entries.pop(i))
                return e
        # x's slots, then w: the buffer of :meth:`_z` (w a view of it, computed in place). The
        # entry about to be evicted lends its buffer, and its stage is brought to pa in place
        # (no view of it escapes: _z's docstring); else a new buffer from the last entry's.
        if len(entries) >= W_CACHE:
            old = entries.pop()
            z = old[3]
            w = z[self.n:]
            done = self._partial_w(old, pa, w)
        else:
            z = np.empty(self.n + self.program.size)
            w = z[self.n:]
            done = bool(entries) and self._partial_w(entries[0], pa, w)
        if not done:
            w[:len(pa)] = pa
            w[len(pa):len(pa) + len(self.consts)] = self.consts
            with np.errstate(all="ignore"):
                self.program.run(w)
        e = [pa.copy(), w, pa.tolist(), z]
        entries.insert(0, e)
        del entries[W_CACHE:]
        return e

    def _partial_w(self, near: list, pa: np.ndarray, w: np.ndarray) -> bool:
        """Fill ``w`` with the parameter stage at ``pa`` from the cache entry ``near`` of other
        parameters (``w`` may be ``near``'s own array: then in place), rerunning only the
        steps that depend on the parameters that differ (:meth:`_Program.depending_on`): bit
        for bit the whole stage's result, since every other entry depends on parameters that
        did not move. False if more than :data:`PARTIAL_STAGE_MAX` of the parameters differ
        (then the whole stage is as cheap; ``w`` is then to be filled from scratch). A shock,
        a path between two parameter vectors, a difference quotient and a sweep's members
        move the same few parameters each time."""
        moved = np.flatnonzero(pa != near[0])
        if moved.size > PARTIAL_STAGE_MAX * len(pa):
            return False
        steps = self.stage_steps(moved)
        if not np.may_share_memory(w, near[1]):  # (the same buffer, or distinct ones)
            w[:] = near[1]
        w[moved] = pa[moved]
        with np.errstate(all="ignore"):
            run_steps(steps, w)
        return True

    def stage_steps(self, moved: np.ndarray) -> list[tuple]:
        """The steps of the parameter stage that depend on the parameters ``moved``
        (:meth:`_Program.depending_on`), kept for the last :data:`STAGE_STEPS_KEPT` sets."""
        key = moved.tobytes()
        with _STAGE_LOCK:  # shared by the threads evaluating this core
            kept = self.cache.setdefault("stage steps", {})
            steps = kept.pop(key, None)
        if steps is None:
            steps = self.program.depending_on(moved)[0]
        with _STAGE_LOCK:
            kept[key] = steps  # most recent last
            while len(kept) > STAGE_STEPS_KEPT:
                del kept[next(iter(kept))]
        return steps

    def _w(self, p) -> np.ndarray:
        """Parameters, constants and the parameter stage's results (cached: recomputed only
        for parameters not among the last :data:`W_CACHE` evaluated)."""
        return self._entry(p)[1]

    def _z(self, x: np.ndarray, p) -> np.ndarray:
        """``x`` followed by :meth:`_w`, in one reused buffer per parameter vector (only ``x``
        is copied per call; the evaluators return new arrays, so no view of the buffer
        escapes)."""
        z = self._entry(p)[3]
        z[:len(x)] = x
        return z

    @staticmethod
    def _collect(fn, out, perm, z, plan, size) -> np.ndarray:
        if size == 0:
            return np.zeros(0)
        with np.errstate(all="ignore"):
            parts = out(fn(z, plan))
        return np.concatenate(parts)[perm]

    def residual(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Residuals of the active equations (each relative to its benchmark scale)."""
        return self._collect(self._res, self.res_out, self.res_perm, self._z(x, p), self.plan,
                             len(self.constraints))

    def _dropped_and_outputs(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        # the last point's values are kept (per thread): a solve checks the dropped equations
        # and reading the results evaluates the outputs at the same point
        key = ("drop", threading.get_ident())
        c = self.cache.get(key)
        z = self._z(x, p)
        w = self._w(p)  # the same cached array for the same parameters: compared by identity
        if c is not None and c[1] is w and np.array_equal(c[0], x):
            return c[2].copy()
        out = self._collect(self._drop, self.drop_out, self.drop_perm, z, self.plan,
                            len(self.dropped) + len(self.outputs))
        self.cache[key] = (np.array(x, dtype=float), w, out)
        return out.copy()

    def jacobian_values(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Non-zero Jacobian entries, aligned with :attr:`rows` and :attr:`cols` (CSC order)."""
        if self.jac_out is None:
            return self.jac_const.copy()
        with np.errstate(all="ignore"):
            parts = self.jac_out(self._jac(self._z(x, p), self.plan))
        nnz = len(self.jac_const)
        vals = np.bincount(self.jac_pos, np.concatenate(parts), minlength=nnz + 1)[:nnz]
        vals += self.jac_const
        return vals

    def csc_structure(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = self.cache.get("csc")
        if s is None:  # rows and cols are in CSC order already
            indptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.cols, minlength=self.n), out=indptr[1:])
            s = self.cache["csc"] = (slice(None), self.rows.astype(np.int32),
                                     indptr.astype(np.int32))
        return s


def _emit(name: str, lines: list[tuple[int, str]], size: int) -> str:
    body = "\n".join(f"    r[{k}] = {s}" for k, s in lines) if lines else "    pass"
    return f"def {name}(x, p):\n    r = [0.0] * {size}\n{body}\n    return r\n"


# ------------------------------------------------------------------------------------------
# collecting the system
# ------------------------------------------------------------------------------------------


def _residual_expr(c):
    """``body - rhs`` of an equality constraint (``body`` when the right-hand side is 0); a
    named expression (a reported quantity) is its own value."""
    if c.ctype is pyo.Expression:
        return c
    rhs = c.upper
    if rhs.__class__ in (int, float):
        return c.body if rhs == 0 else c.body - rhs
    if not rhs.is_expression_type() and not rhs.is_variable_type() and rhs.is_constant() \
            and pyo.value(rhs) == 0:
        return c.body
    return c.body - rhs


def _system(model: pyo.ConcreteModel):
    cons = list(model.component_data_objects(pyo.Constraint, active=True, descend_into=True))
    for c in cons:
        if not c.equality:
            raise StructureError(f"{c.name} is not an equation")
    return cons, list(getattr(model, "dropped", []))


def _check_square(cons: list, variables: list) -> None:
    if len(variables) != len(cons):
        raise StructureError(
            f"the model has {len(cons)} equations but {len(variables)} free variables: the "
            f"closure must fix exactly as many variables as it drops equations")


def _lower(variables: list) -> np.ndarray:
    return np.array([-np.inf if v.lb is None else v.lb for v in variables], dtype=float)


# ------------------------------------------------------------------------------------------
# python backend: scalar straight-line code, derivatives by Pyomo
# ------------------------------------------------------------------------------------------


class _PythonBackend:
    """Scalar source per equation and Jacobian entry (the original compiler)."""

    def __init__(self, model, cons, dropped):
        seen, variables = set(), []
        for c in cons:
            for v in identify_variables(c.body, include_fixed=False):
                if id(v) not in seen:
                    seen.add(id(v))
                    variables.append(v)
        _check_square(cons, variables)
        xindex = {id(v): k for k, v in enumerate(variables)}
        params: list = []
        pr = _Printer(xindex, {}, params)
        res_lines, jac_lines, rows, cols = [], [], [], []
        for k, c in enumerate(cons):
            expr = _residual_expr(c)
            res_lines.append((k, pr(expr)))
            wrt = list(identify_variables(expr, include_fixed=False))
            for v, d in zip(wrt, differentiate(expr, wrt_list=wrt, mode=Modes.reverse_symbolic)):
                if d.__class__ in (int, float) and d == 0:
                    continue
                jac_lines.append((len(rows), pr(d)))
                rows.append(k)
                cols.append(xindex[id(v)])
        drop_lines = [(k, pr(_residual_expr(c))) for k, c in enumerate(dropped)]
        self.model, self.cons, self.dropped, self.variables = model, cons, dropped, variables
        self.params, self.rows, self.cols = params, rows, cols
        self.res = (res_lines, len(cons))
        self.jac = (jac_lines, len(rows))
        self.drop = (drop_lines, len(dropped))
        self.namespace = {"_pow": _pow, "_m": math}

    def make(self, namespace: dict, src: str) -> CompiledModel:
        return CompiledModel(model=self.model, variables=self.variables, constraints=self.cons,
                             dropped=self.dropped, param_objects=self.params,
                             rows=np.array(self.rows, dtype=np.int64),
                             cols=np.array(self.cols, dtype=np.int64),
                             lower=_lower(self.variables), _res=namespace["residual"],
                             _jac=namespace["jacobian"], _drop=namespace["dropped"], source=src,
                             backend="python")


# ------------------------------------------------------------------------------------------
# vector backend: expression analysis
# ------------------------------------------------------------------------------------------

_POFF = 1 << 40  # leaf references: int k < _POFF is x[k], _POFF + k is p[k], a float a constant
_LEAF = 0  # signature id of a leaf
_OPS = {ne.ProductExpression: "mul", ne.MonomialTermExpression: "mul", ne.DivisionExpression: "div",
        ne.PowExpression: "pow", ne.NegationExpression: "neg"}
_FUNCTIONS = ("exp", "log", "sqrt")


def _classify(e) -> str:
    """What kind of node ``e`` is: 'num', 'var', 'param', 'const', 'named', 'sum', an
    operator of :data:`_OPS`, or 'fn' (exp, log, sqrt)."""
    if e.__class__ in native_numeric_types:
        return "num"
    if not e.is_expression_type():
        if e.is_variable_type():
            return "var"
        if e.is_parameter_type():
            return "param"
        if e.is_numeric_type() and e.is_constant():
            return "const"
        raise TypeError(f"cannot compile leaf of type {type(e).__name__}")
    if e.is_named_expression_type():
        return "named"
    if isinstance(e, ne.SumExpression):
        return "sum"
    for cls, op in _OPS.items():
        if isinstance(e, cls):
            return op
    if isinstance(e, ne.UnaryFunctionExpression) and not isinstance(e, ne.AbsExpression):
        return "fn"
    raise TypeError(f"cannot compile expression of type {type(e).__name__}")


class _Analyser:
    """Walks expression trees once: a signature (interned as an int) and a record per tree.

    A record mirrors the tree: a leaf's record is its reference (see :data:`_POFF`); an
    operator's is the tuple of its operands' records; a sum's is a tuple with, for each
    distinct term signature (sorted), the list of records of its terms of that signature.
    """

    def __init__(self):
        self.keys: list[tuple] = [("leaf",)]
        self.ids: dict[tuple, int] = {("leaf",): _LEAF}
        self.kinds: dict[type, str] = {}
        self.xindex: dict[int, int] = {}
        self.variables: list = []
        self.pindex: dict[int, int] = {}
        self.params: list = []
        self.new_variables = True
        self.named: dict[int, tuple[int, object]] = {}  # id of a named expression -> its walk

    def _sig(self, key: tuple) -> int:
        k = self.ids.get(key)
        if k is None:
            k = self.ids[key] = len(self.keys)
            self.keys.append(key)
        return k

    def _param(self, obj) -> int:
        k = self.pindex.get(id(obj))
        if k is None:
            k = self.pindex[id(obj)] = len(self.params)
            self.params.append(obj)
        return _POFF + k

    def walk(self, e) -> tuple[int, object]:
        cls = e.__class__
        kind = self.kinds.get(cls)
        if kind is None:
            kind = _classify(e)
            if kind not in ("fn", "param"):  # these depend on the instance, not the class
                self.kinds[cls] = kind
        if kind == "num":
            return _LEAF, float(e)
        if kind == "var":
            if e.fixed:
                return _LEAF, self._param(e)
            k = self.xindex.get(id(e))
            if k is None:
                if not self.new_variables:  # only in dropped equations: a parameter
                    return _LEAF, self._param(e)
                k = self.xindex[id(e)] = len(self.variables)
                self.variables.append(e)
            return _LEAF, k
        if kind == "param":
            if e.parent_component().mutable:
                return _LEAF, self._param(e)
            return _LEAF, float(pyo.value(e))
        if kind == "const":
            return _LEAF, float(pyo.value(e))
        if kind == "named":  # walked once: referenced by many equations (a price index, ...)
            r = self.named.get(id(e))
            if r is None:
                r = self.named[id(e)] = self.walk(e.expr)
            return r
        kids = [self.walk(a) for a in e.args]
        if kind == "sum":
            sigs = sorted({s for s, _ in kids})
            if len(sigs) == 1:
                return self._sig(("sum", tuple(sigs))), ([r for _, r in kids],)
            return (self._sig(("sum", tuple(sigs))),
                    tuple([r for s, r in kids if s == t] for t in sigs))
        if kind == "fn":
            kind = e.getname()
            if kind not in _FUNCTIONS:
                raise TypeError(f"cannot compile function {kind}")
        return self._sig((kind, *[s for s, _ in kids])), tuple(r for _, r in kids)


class _Ctx:
    """A context: the elements an array of one template node runs over. The root context
    of a group has one element per equation; a sum whose term counts vary opens a child
    context with one element per term (``seg``: parent element of each, ``starts``: first
    term of each parent element; ``owner``: equation (group member) of each element)."""

    def __init__(self, size: int, owner: np.ndarray, parent: _Ctx | None = None,
                 counts: np.ndarray | None = None):
        self.size, self.owner, self.parent = size, owner, parent
        self.slots: list[_Node] = []
        if parent is not None:
            self.seg = np.repeat(np.arange(parent.size), counts)
            self.starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)


class _Node:
    """A template node of a group."""

    __slots__ = ("op", "kids", "ctx", "has_x", "const", "zidx", "xmask", "xcols")

    def __init__(self, op: str, ctx: _Ctx, kids: list):
        self.op, self.ctx, self.kids = op, ctx, kids
        self.has_x = any(k.has_x for k in kids)


class _Group:
    """Equations with one signature: template tree and slot data."""

    def __init__(self, an: _Analyser, sig: int, members: list[int], recs: list, n: int, np_: int,
                 consts: list[float]):
        self.sig, self.members = sig, np.array(members, dtype=np.int64)
        self.an, self.n, self.np, self.consts = an, n, np_, consts
        self.root = self._build(sig, recs, _Ctx(len(members), np.arange(len(members))))

    def _build(self, sig: int, recs: list, ctx: _Ctx) -> _Node:
        key = self.an.keys[sig]
        if sig == _LEAF:
            return self._leaf(recs, ctx)
        if key[0] == "sum":
            kids = []
            for c, s in enumerate(key[1]):
                counts = np.fromiter((len(rec[c]) for rec in recs), dtype=np.int64, count=len(recs))
                flat = [t for rec in recs for t in rec[c]]
                if np.all(counts == 1):
                    kids.append(self._build(s, flat, ctx))
                else:
                    owner = np.repeat(ctx.owner, counts)
                    kids.append(self._build(s, flat, _Ctx(len(flat), owner, ctx, counts)))
            return _Node("sum", ctx, kids)
        kids = [self._build(s, [rec[i] for rec in recs], ctx) for i, s in enumerate(key[1:])]
        return _Node(key[0], ctx, kids)

    def _leaf(self, refs: list, ctx: _Ctx) -> _Node:
        node = _Node("leaf", ctx, [])
        isconst = np.fromiter((r.__class__ is float for r in refs), dtype=bool, count=len(refs))
        if isconst.all():
            node.const = np.array(refs, dtype=float)
            node.has_x = False
            return node
        node.const = None
        z = np.empty(len(refs), dtype=np.int64)
        ints = np.array([0 if c else r for r, c in zip(refs, isconst)], dtype=np.int64)
        isx = ~isconst & (ints < _POFF)
        isp = ~isconst & ~isx
        z[isx] = ints[isx]
        z[isp] = self.n + ints[isp] - _POFF
        if isconst.any():
            cv = [r for r, c in zip(refs, isconst) if c]
            z[isconst] = self.n + self.np + len(self.consts) + np.arange(len(cv))
            self.consts.extend(cv)
        node.zidx, node.xmask = z, isx
        node.xcols = ints[isx]
        node.has_x = bool(isx.any())
        if node.has_x:  # gathered at run time; parameters only: in the parameter stage
            ctx.slots.append(node)
        return node


# ------------------------------------------------------------------------------------------
# vector backend: code generation
# ------------------------------------------------------------------------------------------


class _K:
    """A value known at compile time: a float (the same for every element) or an array."""

    __slots__ = ("v",)

    def __init__(self, v):
        if np.ndim(v) == 0:
            v = float(v)
        elif v.size and np.isfinite(v.flat[0]) and np.all(v == v.flat[0]):
            v = float(v.flat[0])
        self.v = v


class _P:
    """A value that depends on parameters only: ``w[off:off + size]``, computed by the
    parameter program (see :class:`_Program`) whenever the parameters change."""

    __slots__ = ("off", "size")

    def __init__(self, off: int, size: int):
        self.off, self.size = off, size


def _full(v, size: int) -> np.ndarray:
    return np.full(size, v, dtype=float) if isinstance(v, float) else v


_UFUNCS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide, "**": np.power,
           "neg": np.negative, "exp": np.exp, "log": np.log, "sqrt": np.sqrt}


def run_steps(steps, w: np.ndarray) -> None:
    """Run prepared parameter-stage steps ``(kind, fn, out, a, b)`` on the work vector ``w``
    in place; operands are slices of ``w`` or constants (:class:`_Program`, and the partial
    stage of :mod:`cge.strategic.optimum`)."""
    for kind, fn, out, a, b in steps:
        if kind == 0:  # a gather of parameters and constants
            w[out] = w[a]
        elif kind == 1:
            w[out] = fn(w[a])
        elif kind == 2:
            w[out] = fn(a)
        elif kind == 3:
            w[out] = fn(w[a], w[b])
        elif kind == 4:
            w[out] = fn(w[a], b)
        elif kind == 5:
            w[out] = fn(a, w[b])
        else:
            w[out] = fn(*[w[x] if x.__class__ is slice else x for x in a])


class _Program:
    """The parameter stage: everything that depends on parameters (and constants) only.

    ``w`` holds the parameters, the constants of mixed slots, then the results of the
    instructions ``(function, offset, size, operands)``; an operand is a :class:`_P` (a
    range of ``w``) or a constant. It runs when the parameters change (once per solve), not
    at every evaluation; the generated code reads its results as slices ``x[a:b]``.
    """

    def __init__(self, n: int, base: int):
        self.n, self.size, self.code = n, base, []
        self.memo: dict[int, _P] = {}

    def add(self, fn, size: int, *args) -> _P:
        out = _P(self.size, size)
        self.size += size
        self.code.append((fn, out.off, size, args))
        return out

    def run(self, w: np.ndarray) -> None:
        run_steps(self.prepared(), w)

    def prepared(self) -> list[tuple]:
        """:meth:`_prepare`'s steps, made once (again if instructions were added since)."""
        steps = self.__dict__.get("_steps")
        if steps is None or steps[0] != len(self.code):
            steps = self._steps = (len(self.code), self._prepare())
        return steps[1]

    def depending_on(self, moved: np.ndarray) -> tuple[list[tuple], np.ndarray]:
        """``(steps, dirty)``: the prepared steps that read the entries ``moved`` of ``w``
        (parameters), directly or through earlier steps' results, in program order, and the
        positions of ``w`` that they and ``moved`` make. Rerunning these steps on a ``w``
        computed for other values of ``moved`` only gives the same bits as the whole
        program (the same operations on the same operands)."""
        dirty = np.zeros(self.size, dtype=bool)
        dirty[moved] = True
        steps = []
        for step in self.prepared():
            kind, _, out, a, b = step
            reads = ([a] if kind in (0, 1, 3, 4) else []) + ([b] if kind in (3, 5) else []) \
                + ([v for v in a if v.__class__ is slice] if kind == 6 else [])
            if any(dirty[r].any() for r in reads):
                steps.append(step)
                dirty[out] = True
        return steps, np.flatnonzero(dirty)

    def _prepare(self) -> list[tuple]:
        """:attr:`code` as ``(kind, fn, out, a, b)`` with the slices of ``w`` made once."""
        def sl(v):
            return slice(v.off, v.off + v.size) if v.__class__ is _P else v

        out = []
        for fn, off, size, args in self.code:
            o = slice(off, off + size)
            isp = [a.__class__ is _P for a in args]
            if fn is None:
                out.append((0, None, o, args[0], None))
            elif len(args) == 1:
                out.append((1 if isp[0] else 2, fn, o, sl(args[0]), None))
            elif len(args) == 2 and (isp[0] or isp[1]):
                kind = 3 if isp[0] and isp[1] else 4 if isp[0] else 5
                out.append((kind, fn, o, sl(args[0]), sl(args[1])))
            else:
                out.append((6, fn, o, [sl(a) for a in args], None))
        return out


class _Plan:
    """The tuple ``p`` of the generated code: index arrays, constants, segment sums."""

    def __init__(self):
        self.items: list = []
        self._ids: dict[int, int] = {}

    def add(self, obj) -> str:
        k = self._ids.get(id(obj))
        if k is None:
            k = self._ids[id(obj)] = len(self.items)
            self.items.append(obj)
        return f"p[{k}]"


class _Gen:
    """Emits one function: straight-line numpy statements ``r[k] = ...``.

    Values are :class:`_K` (known at compile time, folded), :class:`_P` (parameter stage)
    or a string: an atom of the generated code such as ``r[12]``, ``r[3][1]`` or ``x[5:9]``.
    """

    def __init__(self, plan: _Plan, prog: _Program):
        self.plan, self.prog, self.lines = plan, prog, []
        self.negated: dict[str, str] = {}  # temps holding -atom
        self.memo: dict[int, object] = {}
        self.gathers: dict[int, str] = {}
        self.reducers: dict[int, str] = {}

    # -- emission
    def temp(self, expr: str) -> str:
        k = len(self.lines)
        self.lines.append((k, expr))
        return f"r[{k}]"

    def atom(self, v) -> str:
        if isinstance(v, str):
            return v
        if isinstance(v, _P):
            return f"x[{self.prog.n + v.off}:{self.prog.n + v.off + v.size}]"
        if isinstance(v.v, float) and math.isfinite(v.v):
            return repr(v.v) if v.v >= 0 else f"({v.v!r})"
        return self.plan.add(v.v)

    def materialise(self, v, size: int) -> str:
        """An array atom (an array of ``size`` for a constant)."""
        if isinstance(v, _K):
            return self.plan.add(_full(v.v, size))
        return self.atom(v)

    def _pstage(self, fn: str, *args) -> _P:
        size = max(a.size if isinstance(a, _P) else np.size(a.v) for a in args)
        return self.prog.add(_UFUNCS[fn], size, *[a if isinstance(a, _P) else a.v for a in args])

    # -- arithmetic with folding
    def binop(self, op: str, a, b):
        if isinstance(a, _K) and isinstance(b, _K):
            with np.errstate(all="ignore"):
                return _K(_UFUNCS[op](a.v, b.v) * 1.0)
        if op == "*":
            for u, w in ((a, b), (b, a)):
                if isinstance(u, _K) and isinstance(u.v, float):
                    if u.v == 1.0:
                        return w
                    if u.v == -1.0:
                        return self.neg(w)
        if op == "/" and isinstance(b, _K) and isinstance(b.v, float) and b.v == 1.0:
            return a
        if not isinstance(a, str) and not isinstance(b, str):
            return self._pstage(op, a, b)
        return self.temp(f"{self.atom(a)} {op} {self.atom(b)}")

    def neg(self, a):
        if isinstance(a, _K):
            return _K(-a.v)
        if isinstance(a, _P):
            return self._pstage("neg", a)
        out = self.temp(f"-{a}")
        self.negated[out] = a
        return out

    def call(self, fn: str, a):
        if isinstance(a, _K):
            with np.errstate(all="ignore"):
                return _K(_UFUNCS[fn](a.v) * 1.0)
        if isinstance(a, _P):
            return self._pstage(fn, a)
        return self.temp(f"_m.{fn}({a})")

    def add(self, vals: list):
        code = [v for v in vals if isinstance(v, str)]
        if not code:
            known = [v for v in vals if isinstance(v, _K)]
            out = None
            for v in known + [v for v in vals if isinstance(v, _P)]:
                out = v if out is None else self.binop("+", out, v)
            return out
        terms = code + [self.atom(v) for v in vals if isinstance(v, _P)]
        terms += [self.atom(v) for v in vals
                  if isinstance(v, _K) and not (isinstance(v.v, float) and v.v == 0)]
        if len(terms) == 1:
            return terms[0]
        terms.sort(key=lambda t: t in self.negated)  # a - b rather than a + (-b)
        expr = terms[0] + "".join(f" - {self.negated[t]}" if t in self.negated else f" + {t}"
                                  for t in terms[1:])
        return self.temp(expr)

    def reduce(self, v, ctx: _Ctx):
        """Segment sum from child context ``ctx`` to its parent."""
        if isinstance(v, _K):
            return _K(np.add.reduceat(_full(v.v, ctx.size), ctx.starts))
        if isinstance(v, _P):
            return self.prog.add(partial(np.add.reduceat, indices=ctx.starts), ctx.parent.size, v)
        f = self.reducers.get(id(ctx))
        if f is None:
            f = self.reducers[id(ctx)] = self.plan.add(partial(np.add.reduceat, indices=ctx.starts))
        return self.temp(f"{f}({v})")

    def expand(self, v, ctx: _Ctx):
        """Parent values repeated to the elements of child context ``ctx``."""
        if isinstance(v, _K):
            return v if isinstance(v.v, float) else _K(v.v[ctx.seg])
        if isinstance(v, _P):
            return self.prog.add(np.take, ctx.size, v, ctx.seg)
        return self.temp(f"{v}[{self.plan.add(ctx.seg)}]")

    # -- forward values
    def value(self, node: _Node):
        v = self.memo.get(id(node))
        if v is None:
            v = self.prog.memo.get(id(node))
            if v is None:
                v = self._value(node)
                if isinstance(v, _P):
                    self.prog.memo[id(node)] = v
            self.memo[id(node)] = v
        return v

    def _value(self, node: _Node):
        op = node.op
        if op == "leaf":
            if node.const is not None:
                return _K(node.const)
            if not node.has_x:  # parameters (and constants): a gather in the parameter stage
                return self.prog.add(None, node.ctx.size, node.zidx - self.prog.n)
            ctx = node.ctx
            g = self.gathers.get(id(ctx))
            if g is None:
                if len(ctx.slots) == 1:
                    g = self.gathers[id(ctx)] = self.temp(f"x[{self.plan.add(node.zidx)}]")
                else:
                    idx = np.stack([s.zidx for s in ctx.slots])
                    g = self.gathers[id(ctx)] = self.temp(f"x[{self.plan.add(idx)}]")
            if len(ctx.slots) == 1:
                return g
            return f"{g}[{ctx.slots.index(node)}]"
        if op == "sum":
            vals = []
            for kid in node.kids:
                v = self.value(kid)
                vals.append(v if kid.ctx is node.ctx else self.reduce(v, kid.ctx))
            return self.add(vals)
        a = [self.value(k) for k in node.kids]
        if op == "mul":
            return self.binop("*", a[0], a[1])
        if op == "div":
            return self.binop("/", a[0], a[1])
        if op == "pow":
            return self.binop("**", a[0], a[1])
        if op == "neg":
            return self.neg(a[0])
        return self.call(op, a[0])

    # -- reverse mode
    def adjoints(self, node: _Node, adj, out: list) -> None:
        """Push adjoint ``adj`` of ``node`` down to its variable slots: ``out`` receives
        ``(slot, partial)`` pairs."""
        if not node.has_x:
            return
        op, kids = node.op, node.kids
        if op == "leaf":
            out.append((node, adj))
        elif op == "sum":
            for kid in kids:
                self.adjoints(kid, adj if kid.ctx is node.ctx else self.expand(adj, kid.ctx), out)
        elif op == "neg":
            self.adjoints(kids[0], self.neg(adj), out)
        elif op == "mul":
            a, b = kids
            if a.has_x:
                self.adjoints(a, self.binop("*", adj, self.value(b)), out)
            if b.has_x:
                self.adjoints(b, self.binop("*", adj, self.value(a)), out)
        elif op == "div":
            a, b = kids
            if a.has_x:
                self.adjoints(a, self.binop("/", adj, self.value(b)), out)
            if b.has_x:
                t = self.binop("*", adj, self.value(node))
                self.adjoints(b, self.neg(self.binop("/", t, self.value(b))), out)
        elif op == "pow":
            a, b = kids
            if a.has_x:  # b * a ** (b - 1)
                e = self.binop("**", self.value(a), self.binop("-", self.value(b), _K(1.0)))
                self.adjoints(a, self.binop("*", adj, self.binop("*", self.value(b), e)), out)
            if b.has_x:  # a ** b * log(a)
                d = self.binop("*", self.value(node), self.call("log", self.value(a)))
                self.adjoints(b, self.binop("*", adj, d), out)
        elif op == "exp":
            self.adjoints(kids[0], self.binop("*", adj, self.value(node)), out)
        elif op == "log":
            self.adjoints(kids[0], self.binop("/", adj, self.value(kids[0])), out)
        elif op == "sqrt":
            self.adjoints(kids[0], self.binop("/", self.binop("*", adj, _K(0.5)), self.value(node)),
                          out)
        else:  # pragma: no cover - _classify admits nothing else
            raise TypeError(op)


def _own(lines: list, atom: str) -> int:
    """Index of a temp holding ``atom`` (a new temp unless ``atom`` is one already)."""
    if atom.startswith("r[") and atom.count("[") == 1:
        return int(atom[2:-1])
    lines.append((len(lines), atom))
    return len(lines) - 1


_TEMP = re.compile(r"r\[(\d+)\]")


def _live(lines: list, outputs: list[int]) -> list:
    """``lines`` without the statements no output depends on (dead code)."""
    live = set(outputs)
    for k, expr in reversed(lines):
        if k in live:
            live.update(int(m) for m in _TEMP.findall(expr))
    return [(k, e) for k, e in lines if k in live]


def _size(lines: list) -> int:
    return max((k for k, _ in lines), default=0) + 1


class _Pick:
    """Picks the list items at ``items`` as a tuple (kept as :attr:`items` for the cache)."""

    __slots__ = ("items", "_get")

    def __init__(self, items: list):
        self.items = [int(k) for k in items]
        if len(self.items) == 1:
            k = self.items[0]
            self._get = lambda r: (r[k],)
        else:
            self._get = itemgetter(*self.items)

    def __call__(self, r: list) -> tuple:
        return self._get(r)


def _getter(items: list):
    """A function returning the list items at ``items`` as a tuple (None for no items)."""
    if not items:
        return None
    return _Pick(items)


class _VectorBackend:
    """Groups the equations by signature and emits the three vectorised functions."""

    def __init__(self, model, cons, dropped):
        an = _Analyser()
        active = [an.walk(_residual_expr(c)) for c in cons]
        _check_square(cons, an.variables)
        an.new_variables = False
        dropped_recs = [an.walk(_residual_expr(c)) for c in dropped]
        self.n, self.np = len(an.variables), len(an.params)
        self.consts: list[float] = []
        self.plan = _Plan()
        groups = self._groups(an, active)
        drop_groups = self._groups(an, dropped_recs)
        self.prog = _Program(self.n, self.np + len(self.consts))
        self.res = self._forward(groups, len(cons))
        self.drop = self._forward(drop_groups, len(dropped))
        self.jac = self._jacobian(groups, len(cons))
        self.model, self.cons, self.dropped = model, cons, dropped
        self.variables, self.params, self.groups = an.variables, an.params, groups
        self.namespace = {"_m": np}

    def _groups(self, an: _Analyser, recs: list) -> list[_Group]:
        by_sig: dict[int, list[int]] = {}
        for k, (s, _) in enumerate(recs):
            by_sig.setdefault(s, []).append(k)
        return [_Group(an, s, ks, [recs[k][1] for k in ks], self.n, self.np, self.consts)
                for s, ks in by_sig.items()]

    def _forward(self, groups: list[_Group], size: int):
        gen = _Gen(self.plan, self.prog)
        lines = gen.lines
        ks = [_own(lines, gen.materialise(gen.value(g.root), len(g.members))) for g in groups]
        lines = _live(lines, ks)
        order = np.concatenate([g.members for g in groups]) if groups else np.zeros(0, np.int64)
        perm = np.empty(size, dtype=np.int64)
        perm[order] = np.arange(size)
        return lines, _size(lines), _getter(ks), perm

    def _jacobian(self, groups: list[_Group], nrows: int):
        gen = _Gen(self.plan, self.prog)
        found = []  # (slot, partial, rows)
        for g in groups:
            pairs: list = []
            gen.adjoints(g.root, _K(1.0), pairs)
            for slot, adj in pairs:
                found.append((slot, adj, g.members[slot.ctx.owner]))
        # structure: unique (row, col) in CSC order
        if found:
            rows = np.concatenate([rw[s.xmask] for s, _, rw in found])
            cols = np.concatenate([s.xcols for s, _, _ in found])
        else:
            rows = cols = np.zeros(0, dtype=np.int64)
        keys, inverse = np.unique(cols * max(nrows, 1) + rows, return_inverse=True)
        nnz = len(keys)
        self.rows, self.cols = keys % max(nrows, 1), keys // max(nrows, 1)
        const = np.zeros(nnz)
        outs, pos, start = [], [], 0
        for slot, adj, _ in found:
            m = int(slot.xmask.sum())
            where = inverse[start:start + m]
            start += m
            if not isinstance(adj, _K):
                p = np.full(slot.ctx.size, nnz, dtype=np.int64)  # non-variables: a dummy entry
                p[slot.xmask] = where
                outs.append(gen.atom(adj))
                pos.append(p)
            else:
                vals = _full(adj.v, slot.ctx.size)[slot.xmask]
                const += np.bincount(where, vals, minlength=nnz)
        lines = gen.lines
        ks = [_own(lines, a) for a in outs]
        lines = _live(lines, ks)
        self.jac_pos = np.concatenate(pos) if pos else np.zeros(0, dtype=np.int64)
        self.jac_const = const
        return lines, _size(lines), _getter(ks)

    def make(self, namespace: dict, src: str) -> VectorModel:
        consts = np.array(self.consts, dtype=float)
        res_lines, _, res_out, res_perm = self.res
        _, _, drop_out, drop_perm = self.drop
        return VectorModel(model=self.model, variables=self.variables, constraints=self.cons,
                           dropped=self.dropped, param_objects=self.params,
                           rows=self.rows.astype(np.int64), cols=self.cols.astype(np.int64),
                           lower=_lower(self.variables), _res=namespace["residual"],
                           _jac=namespace["jacobian"], _drop=namespace["dropped"], source=src,
                           backend="vector", plan=tuple(self.plan.items), consts=consts,
                           program=self.prog,
                           res_out=res_out, res_perm=res_perm, drop_out=drop_out,
                           drop_perm=drop_perm, jac_out=self.jac[2], jac_pos=self.jac_pos,
                           jac_const=self.jac_const, groups=self.groups)


def compile_model(model: pyo.ConcreteModel, backend: str = "auto",
                  entry: tuple[dict, dict] | None = None) -> CompiledModel:
    """Compile the active equality constraints of ``model`` (see module docstring).

    Args:
        backend: ``"vector"``, ``"python"`` (the original scalar compiler) or ``"auto"``
            (default): python for fewer than :data:`AUTO_PYTHON_BELOW` equations, else vector.
        entry: ``(meta, arrays)`` of :func:`export_vector` for a model built the same way (the
            on-disk cache, :func:`compiled_core`): the vector backend's output is
            read from it instead of walking the trees (see :class:`_CachedBackend`).

    Raises:
        StructureError: if the number of free variables differs from the number of equations.
        Anything, with ``entry``, if the entry does not fit ``model``.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose {', '.join(BACKENDS)}")
    cons, dropped = _system(model)
    outputs = list(getattr(model, "outputs", []))
    if backend == "auto":
        backend = "python" if len(cons) < AUTO_PYTHON_BELOW else "vector"
    if entry is not None:
        gen = _CachedBackend(model, cons, dropped + outputs, *entry)
    else:
        gen = (_VectorBackend if backend == "vector" else _PythonBackend)(model, cons,
                                                                           dropped + outputs)
    src = (_emit("residual", gen.res[0], gen.res[1]) + _emit("jacobian", gen.jac[0], gen.jac[1])
           + _emit("dropped", gen.drop[0], gen.drop[1]))
    if entry is not None:
        _check_source(src)  # the statements came from a file: arithmetic only, or nothing runs
    namespace = dict(gen.namespace)
    exec(compile(src, "<cge-compiled-model>", "exec"), namespace)  # noqa: S102 - our own code
    core = gen.make(namespace, src)
    core.dropped, core.outputs = dropped, outputs
    return core


# ------------------------------------------------------------------------------------------
# the vector backend's output as plain arrays and JSON (the on-disk cache, cge.cache)
# ------------------------------------------------------------------------------------------

#: Bumped whenever what :func:`export_vector` writes, or how the vector backend compiles,
#: changes (with the source hash of :func:`cge.cache.code_version` a safety net, not a key).
CORE_FORMAT = 1
_FN_NAMES = {id(f): name for name, f in _UFUNCS.items()} | {id(np.take): "take"}
_FN_BY_NAME = {name: f for name, f in _UFUNCS.items()} | {"take": np.take}


def _is_reduceat(obj) -> bool:
    return (isinstance(obj, partial) and obj.func == np.add.reduceat and not obj.args
            and set(obj.keywords) == {"indices"})


def _component_ref(obj, names: dict) -> list:
    """``[component number, index]`` of a variable or parameter data object (JSON)."""
    comp = obj.parent_component()
    k = names.setdefault(comp.name, len(names))
    idx = obj.index()
    return [k, list(idx) if isinstance(idx, tuple) else idx]


def export_vector(core: VectorModel) -> tuple[dict, dict[str, np.ndarray]]:
    """The compiled structure of a vector-backend core as JSON-able ``meta`` and numpy arrays:
    the generated source, the plan, the constants, the parameter stage, the output pickers and
    the Pyomo variables and parameters by component name and index (see :class:`_CachedBackend`).
    Nothing in it is code but the statements, which :func:`compile_model` checks
    (:func:`_check_source`) before compiling them."""
    arrays: dict[str, np.ndarray] = {}

    def arr(a) -> str:
        name = f"a{len(arrays)}"
        arrays[name] = np.ascontiguousarray(a)
        return name

    plan = []
    for item in core.plan:
        if _is_reduceat(item):
            plan.append(["reduceat", arr(item.keywords["indices"])])
        elif isinstance(item, np.ndarray):
            plan.append(["array", arr(item)])
        else:
            raise TypeError(f"cannot export plan item {type(item).__name__}")

    def operand(a) -> list:
        if a.__class__ is _P:
            return ["P", a.off, a.size]
        if isinstance(a, float):
            return ["f", a]
        if isinstance(a, np.ndarray):
            return ["a", arr(a)]
        raise TypeError(f"cannot export operand {type(a).__name__}")

    code = []
    for fn, off, size, args in core.program.code:
        if fn is None:
            f = ["gather"]
        elif _is_reduceat(fn):
            f = ["reduceat", arr(fn.keywords["indices"])]
        elif id(fn) in _FN_NAMES:
            f = [_FN_NAMES[id(fn)]]
        else:
            raise TypeError(f"cannot export parameter-stage function {fn!r}")
        code.append([f, off, size, [operand(a) for a in args]])
    names: dict[str, int] = {}
    meta = {
        "format": CORE_FORMAT, "functions": _functions(core.source), "plan": plan, "code": code,
        "program": [core.program.n, core.program.size],
        "outs": [_getter_items(core.res_out), _getter_items(core.drop_out),
                 _getter_items(core.jac_out)],
        "variables": [_component_ref(v, names) for v in core.variables],
        "params": [_component_ref(q, names) for q in core.param_objects],
        "ngroups": len(core.groups),
    }
    meta["components"] = sorted(names, key=names.get)
    for name in ("rows", "cols", "consts", "res_perm", "drop_perm", "jac_pos", "jac_const"):
        arrays[name] = np.ascontiguousarray(getattr(core, name))
    return meta, arrays


_STATEMENT = re.compile(r"    r\[(\d+)\] = (.*)")
_SIZE = re.compile(r"    r = \[0\.0\] \* (\d+)")


def _functions(src: str) -> list[list]:
    """``[[lines, size], ...]`` of the three functions :func:`_emit` wrote into ``src``."""
    out = []
    for chunk in src.split("def ")[1:]:
        rows = chunk.splitlines()
        size = int(_SIZE.fullmatch(rows[1]).group(1))
        lines = [[int(m.group(1)), m.group(2)] for m in map(_STATEMENT.fullmatch, rows[2:-1])
                 if m is not None]
        out.append([lines, size])
    if len(out) != 3:
        raise TypeError("unexpected source")
    return out


def _getter_items(g) -> list[int] | None:
    """The list indices a :func:`_getter` picks (kept on it as ``items``)."""
    return None if g is None else list(g.items)


# the generated source: the only names, attributes and statements it may hold
_SRC_NAMES = frozenset({"x", "p", "r", "_m"})


def _function_shape(name: str) -> str:
    return (rf"def {name}\(x, p\):\n    r = \[0\.0\] \* \d+\n"
            r"(?:(?:    r\[\d+\] = [^\n]+\n)+|    pass\n)    return r\n")


#: what :func:`_emit` writes for the three functions, statement by statement
_SRC_SHAPE = re.compile("".join(_function_shape(f) for f in ("residual", "jacobian", "dropped")))
_SRC_EXPR = re.compile(r"^    r\[\d+\] = ([^\n]*)$", re.MULTILINE)
#: characters an expression may hold: names, digits, spaces, arithmetic, brackets, slices
_SRC_BAD_CHAR = re.compile(r"[^A-Za-z0-9_ .+\-*/()\[\]:,\n]")
_SRC_ATTR = re.compile(rf"(?<![A-Za-z0-9_.])_m\.(?:{'|'.join(_FUNCTIONS)})(?![A-Za-z0-9_])")
#: a number literal, int or float (an identifier's digits, "1.real" or "1j" are not)
_SRC_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![A-Za-z0-9_.])")
_SRC_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _check_source(src: str) -> None:
    """Raise ValueError unless ``src`` has the shape :func:`_emit` gives: three functions
    ``residual``, ``jacobian``, ``dropped`` of ``(x, p)`` made of ``r = [0.0] * n``,
    assignments ``r[k] = <expression>`` and ``return r``, whose expressions hold only the
    names ``x p r _m``, the attributes ``_m.exp/log/sqrt``, number literals (int and float),
    spaces, arithmetic operators, parentheses, brackets, colons and commas. No other name,
    attribute, keyword, string, comparison or assignment can be written in those characters,
    so such code can do nothing but arithmetic on its arguments (and indexing and calling
    them: a call of anything else fails). Checked by regular expressions over the text (a
    few ms on world2024's core, against ~45 ms for parsing and walking its syntax tree)."""
    if _SRC_SHAPE.fullmatch(src) is None:
        raise ValueError("unexpected statement")
    text = "\n".join(_SRC_EXPR.findall(src))
    bad = _SRC_BAD_CHAR.search(text)
    if bad is not None:
        raise ValueError(f"unexpected character {bad.group()!r}")
    rest = _SRC_NUMBER.sub(" ", _SRC_ATTR.sub(" ", text))
    if "." in rest:
        raise ValueError("unexpected attribute")
    names = set(_SRC_WORD.findall(rest)) - _SRC_NAMES
    if names:
        raise ValueError(f"unexpected name {sorted(names)[0]}")


class _CachedBackend:
    """A vector-backend core of ``model`` from what :func:`export_vector` wrote for a model
    built the same way (:func:`compile_model` with ``entry``): the Pyomo variables and
    parameters are looked up in ``model`` by component name and index and checked (free,
    fixed, mutable as recorded; sizes), the statements are put together by :func:`_emit` and
    the result checked by :func:`_check_source` before it is compiled. Raises (anything) if
    the entry does not fit ``model``; :func:`compiled_core` then compiles afresh."""

    def __init__(self, model, cons, dropped, meta: dict, arrays: dict[str, np.ndarray]):
        if meta.get("format") != CORE_FORMAT:
            raise ValueError("format")
        comps = [model.find_component(name) for name in meta["components"]]
        if any(c is None for c in comps):
            raise KeyError("component")

        def lookup(refs: list) -> list:
            return [comps[k][tuple(i) if isinstance(i, list) else i] for k, i in refs]

        variables = lookup(meta["variables"])
        params = lookup(meta["params"])
        if len(variables) != len(cons) or len({id(v) for v in variables}) != len(variables) \
                or any(not v.is_variable_type() or v.fixed for v in variables):
            raise ValueError("variables")
        for q in params:
            if (q.is_variable_type() and not q.fixed) or (
                    not q.is_variable_type() and not q.parent_component().mutable):
                raise ValueError("parameters")
        (res, res_size), (jac, jac_size), (drop, drop_size) = meta["functions"]
        self.res = ([(int(k), str(e)) for k, e in res], int(res_size))
        self.jac = ([(int(k), str(e)) for k, e in jac], int(jac_size))
        self.drop = ([(int(k), str(e)) for k, e in drop], int(drop_size))
        for lines, size in (self.res, self.jac, self.drop):
            if not 0 <= size <= 10 * len(arrays["rows"]) + 10 * len(cons) + 10 or any(
                    not 0 <= k < size for k, _ in lines):
                raise ValueError("sizes")

        def array(name: str) -> np.ndarray:
            return arrays[name]

        plan = []
        for kind, name in meta["plan"]:
            if kind == "reduceat":
                plan.append(partial(np.add.reduceat, indices=array(name)))
            elif kind == "array":
                plan.append(array(name))
            else:
                raise ValueError(kind)

        def operand(spec):
            if spec[0] == "P":
                return _P(int(spec[1]), int(spec[2]))
            if spec[0] == "f":
                return float(spec[1])
            if spec[0] == "a":
                return array(spec[1])
            raise ValueError(spec[0])

        n_prog, size = meta["program"]
        prog = _Program(int(n_prog), 0)
        prog.size = int(size)
        for f, off, sz, args in meta["code"]:
            if f[0] == "gather":
                fn = None
            elif f[0] == "reduceat":
                fn = partial(np.add.reduceat, indices=array(f[1]))
            else:
                fn = _FN_BY_NAME[f[0]]
            prog.code.append((fn, int(off), int(sz), tuple(operand(a) for a in args)))
        rows, cols = array("rows").astype(np.int64), array("cols").astype(np.int64)
        n, nnz = len(variables), len(rows)
        if (len(cols) != nnz or len(array("jac_const")) != nnz or prog.n != n
                or len(array("consts")) + len(params) > prog.size
                or (nnz and (rows.min() < 0 or rows.max() >= n or cols.min() < 0
                             or cols.max() >= n))
                or len(array("res_perm")) != len(cons)
                or len(array("drop_perm")) != len(dropped)):
            raise ValueError("sizes")
        self.model, self.cons, self.dropped = model, cons, dropped
        self.variables, self.params, self.meta, self.array = variables, params, meta, array
        self.plan, self.prog, self.rows, self.cols = tuple(plan), prog, rows, cols
        self.namespace = {"_m": np}

    def make(self, namespace: dict, src: str) -> VectorModel:
        res_out, drop_out, jac_out = (None if items is None else _getter(items)
                                      for items in self.meta["outs"])
        a = self.array
        return VectorModel(model=self.model, variables=self.variables, constraints=self.cons,
                           dropped=self.dropped, param_objects=self.params, rows=self.rows,
                           cols=self.cols, lower=_lower(self.variables),
                           _res=namespace["residual"], _jac=namespace["jacobian"],
                           _drop=namespace["dropped"], source=src, backend="vector",
                           plan=self.plan, consts=a("consts"), program=self.prog,
                           res_out=res_out, res_perm=a("res_perm"), drop_out=drop_out,
                           drop_perm=a("drop_perm"), jac_out=jac_out, jac_pos=a("jac_pos"),
                           jac_const=a("jac_const"), groups=[None] * int(self.meta["ngroups"]))


def compiled_core(model: pyo.ConcreteModel, context: str, benchmark: Benchmark
                  ) -> tuple[CompiledModel, bool]:
    """The compiled core of ``model`` (:func:`compile_model`, default backend), read
    from the cache (:mod:`cge.cache`) when an entry for the same code, benchmark and ``context`` (data digest,
    elasticity set, closure) exists and fits ``model``; else compiled and stored. Returns
    ``(core, hit)``; a damaged or unfit entry is a miss (compiled afresh, no error)."""
    import json

    import numpy
    import pyomo.version

    from .cache import CORE_MIN_EQUATIONS, benchmark_digest, code_version, folder, key, load, store

    cons, _ = _system(model)
    if folder() is None or len(cons) < max(AUTO_PYTHON_BELOW, CORE_MIN_EQUATIONS):
        return compile_model(model), False
    digest = key("core", f"core format {CORE_FORMAT}", code_version(),
                 f"pyomo {pyomo.version.version}", f"numpy {numpy.__version__}", context,
                 benchmark_digest(benchmark))
    hit = load("core", digest)
    if hit is not None:
        try:
            meta = json.loads(hit.pop("meta").tobytes().decode())
            core = compile_model(model, entry=(meta, hit))
            x, p = core.x_from_model(), core.params()
            if core.residual(x, p).shape == (core.n,) and \
                    core.jacobian_values(x, p).shape == core.rows.shape:
                return core, True
        except Exception:  # noqa: BLE001 - a damaged or unfit entry is a miss
            pass
    core = compile_model(model)
    if core.backend == "vector":
        try:
            meta, arrays = export_vector(core)
        except TypeError:  # something the exporter does not know: not cached
            return core, False
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        store("core", digest, arrays)
    return core, False
