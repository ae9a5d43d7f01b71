"""The compiled core: :class:`CompiledModel` (residuals, Jacobian, reported quantities and
its LU factorisation, by index) and :class:`VectorModel`, the vector backend's form of it;
the LU ordering (kept on disk from :data:`LU_CACHE_MIN_UNKNOWNS` unknowns up)."""

from __future__ import annotations

import operator
import threading
from dataclasses import dataclass, field

import numpy as np
import pyomo.core as pyo

from .._scipy import csc_matrix, maximum_bipartite_matching, splu
from .program import run_steps


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
            from ..condense import choose_pivots, plan

            er, ec = choose_pivots(self, vals)
            c = plan(self, vals, er, ec) if len(er) else False
            self.cache["condense"] = c
        return c

    def _condensed(self, vals: np.ndarray, mode):
        """A :class:`~cge.condense.CondensedLU`, or None to factorise the full Jacobian."""
        from ..condense import factorize_condensed

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
        from ..cache import key, load

        digest = key("lu", core.cache_context, f"MMD_AT_PLUS_A {LU_PIVOT_THRESHOLD}",
                     core.rows, core.cols)
        perm = _valid_perm(load("lu", digest), n)
    if perm is None:
        perm = _lu_perm(core, vals)
        if perm is False:
            return False
        if digest is not None:
            from ..cache import store

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
    :class:`Program`); ``plan`` the index arrays, constants and segment sums. They return a
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
        steps that depend on the parameters that differ (:meth:`Program.depending_on`): bit
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
        (:meth:`Program.depending_on`), kept for the last :data:`STAGE_STEPS_KEPT` sets."""
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
