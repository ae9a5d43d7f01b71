"""Condensation of the Newton system (GEMPACK's substitution, done on the compiled Jacobian).

Many equations define one variable explicitly (domestic sales, export supply, value added,
investment and government demand, the Armington composite, ...). Pick a set ``E`` of
(equation, variable) pivot pairs such that ``J_EE`` — the Jacobian's rows of those equations
and columns of those variables — is *diagonal*: the variable of a pair appears in no other
chosen equation, and a chosen equation contains no other chosen variable. With ``K`` the other
rows and columns, the Newton system

    [J_EE J_EK] [dE]   [b_E]
    [J_KE J_KK] [dK] = [b_K]

is solved through the Schur complement ``S = J_KK - J_KE J_EE^-1 J_EK`` on the kept unknowns
(only ``S`` is factorised) and ``dE = J_EE^-1 (b_E - J_EK dK)``. The model's equations are not
changed; the residual and the convergence test stay those of the full system.

The choice of ``E`` is structural and checked numerically. Candidates are the pairs the full
LU's ordering matches (:meth:`~cge.core.CompiledModel.lu`: a maximum matching puts them on the
diagonal of ``B = J[rows][:, q]``), of degree at most :data:`CONDENSE_MAX_DEGREE` in the graph
of ``B + B^T``; visited by increasing degree, a pair is taken if none of its neighbours is
taken already (an independent set: ``J_EE`` is diagonal) and its pivot ``J_ij`` is at least
:data:`CONDENSE_PIVOT_TOL` times the largest entry of its row *and* of its column at the values
of the first factorisation (the multipliers of the elimination are bounded by
``1 / CONDENSE_PIVOT_TOL``). Every later factorisation checks the row criterion again and, if a
pivot has become small, :func:`factorize_condensed` returns None (the caller then factorises
the full Jacobian). ``S`` keeps the full LU's matching and ordering with ``E`` left out (an
independent set of low degree is what minimum degree eliminates first, so the fill is the full
LU's or a little less).

Everything that depends on the structure only is computed once per core (the plan: ``E``, the
positions of the pivots, of ``J_KK``, ``J_KE``, ``J_EK`` and of the products
``J_KE[r, k] J_EK[k, c]`` in the Jacobian's values, ``S``'s pattern and ordering); a
factorisation is then a gather, a ``np.bincount`` and SuperLU on the pre-permuted ``S``.

Measured (docs/performance.md): on the shipped data and generated sizes up to 10 x 65 the LU
of ``S`` costs what the full LU does — the full LU's minimum-degree ordering already eliminates
these variables first, and the cost is in the densely coupled rest — so condensation is off by
default (``cge.core.compiled.CONDENSE``). A choice of ``E`` ignoring the full ordering (sparsest column
per equation, ``S`` ordered afresh) gave 1.4x (world2024) to 4.8x (10 x 65) the fill.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._scipy import csc_matrix, csr_matrix

#: relative size of an admissible pivot (of its row's and its column's largest entry)
CONDENSE_PIVOT_TOL = 0.1
#: largest degree of an eliminated unknown in the graph of ``B + B^T`` (``B`` the Jacobian with
#: its rows matched to its columns as the full LU orders it): the fill an elimination creates
#: grows as the square of the degree
CONDENSE_MAX_DEGREE = 6


@dataclass
class Plan:
    """The structure of a condensation (see the module docstring); positions index the values
    returned by :meth:`~cge.core.CompiledModel.jacobian_values`."""

    n: int
    er: np.ndarray  # rows (equations) of E
    ec: np.ndarray  # columns (variables) of E, ec[k] pivoted on er[k]
    kr: np.ndarray  # kept rows
    kc: np.ndarray  # kept columns
    dpos: np.ndarray  # positions of the pivots J[er[k], ec[k]]
    epos: np.ndarray  # positions of all entries of the E rows (for the pivot check) ...
    estart: np.ndarray  # ... starting at these offsets, row by row
    src: np.ndarray  # S's data: bincount of J_KK entries (src) and products ...
    ta: np.ndarray  # ... -J[r, ec[k]] * J[er[k], c] / J[er[k], ec[k]] at positions ta, tb, td
    tb: np.ndarray
    td: np.ndarray
    dst: np.ndarray  # destinations in the permuted S's data: J_KK entries, then products
    s_indices: np.ndarray  # the permuted S (rows[S][:, q]) in CSC form
    s_indptr: np.ndarray
    s_rows: np.ndarray  # S[s_rows][:, s_q] is the matrix factorised
    s_q: np.ndarray
    jke: tuple  # (positions, indices, indptr) of J_KE as CSR, K-local rows x E-local columns
    jek: tuple  # the same for J_EK, E-local rows x K-local columns

    @property
    def size(self) -> int:
        """Unknowns of the condensed system."""
        return len(self.kr)

    @property
    def products(self) -> int:
        """Products ``J_KE J_EE^-1 J_EK`` summed into ``S`` at each factorisation."""
        return len(self.ta)


def choose_pivots(core, vals: np.ndarray, tol: float = CONDENSE_PIVOT_TOL,
                  max_degree: int = CONDENSE_MAX_DEGREE) -> tuple[np.ndarray, np.ndarray]:
    """``(er, ec)``: the (equation, variable) pairs of ``E`` for the Jacobian with non-zeros
    ``vals`` (see the module docstring); empty if the full LU has no ordering (structurally
    singular Jacobian)."""
    n = core.n
    c = core.cache.get("lu")
    if c is None:
        core.factorize(vals, condense=False)
        c = core.cache.get("lu")
    if not c:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    data, indices, indptr, rows, q = c
    # B = J[rows][:, q]: the matched pairs on its diagonal; G(B + B^T) the elimination graph
    B = csc_matrix((np.ones(len(indices)), indices, indptr), shape=(n, n))
    P = (B + B.T).tocsr()
    deg = np.diff(P.indptr) - 1
    col = np.repeat(np.arange(n), np.diff(indptr))
    diag = np.empty(n, dtype=np.int64)
    on = np.asarray(indices) == col
    diag[col[on]] = np.asarray(data)[on]  # position of B[k, k] = J[rows[k], q[k]] in vals
    a = np.abs(vals)
    rmax = np.zeros(n)
    cmax = np.zeros(n)
    np.maximum.at(rmax, np.asarray(core.rows), a)
    np.maximum.at(cmax, np.asarray(core.cols), a)
    d = a[diag]
    ok = (d > 0) & (d >= tol * rmax[rows]) & (d >= tol * cmax[q]) & (deg <= max_degree)
    cand = np.flatnonzero(ok)
    cand = cand[np.argsort(deg[cand], kind="stable")]
    blocked = np.zeros(n, dtype=bool)
    chosen = []
    ptr, nb = P.indptr, P.indices
    for k in cand.tolist():
        if blocked[k]:
            continue
        chosen.append(k)
        blocked[nb[ptr[k]:ptr[k + 1]]] = True
    chosen = np.sort(np.array(chosen, dtype=np.int64))
    return np.asarray(rows)[chosen].astype(np.int64), np.asarray(q)[chosen].astype(np.int64)


def _block_products(ka, kb, ca, cb):
    """For blocks k with ``ca[k]`` entries on one side (starting at ``ka[k]``) and ``cb[k]`` on
    the other (from ``kb[k]``): the indices of all pairs, block by block."""
    m = ca * cb
    total = int(m.sum())
    blk = np.repeat(np.arange(len(m)), m)
    start = np.zeros(len(m), dtype=np.int64)
    np.cumsum(m[:-1], out=start[1:])
    loc = np.arange(total, dtype=np.int64) - start[blk]
    return ka[blk] + loc // cb[blk], kb[blk] + loc % cb[blk]


def plan(core, vals: np.ndarray, er: np.ndarray, ec: np.ndarray) -> Plan | bool:
    """The :class:`Plan` of condensing on pivots ``(er, ec)`` (pairs matched by the full LU's
    ordering, as :func:`choose_pivots` returns them); False if the full LU has no ordering.
    ``S`` is ordered as the full LU is, without ``E``: its rows and columns keep their matching
    and their order."""
    n = core.n
    c = core.cache.get("lu")
    if c is None:
        core.factorize(vals, condense=False)
        c = core.cache.get("lu")
    if not c:
        return False
    full_rows, full_q = np.asarray(c[3]), np.asarray(c[4])
    isE_r = np.zeros(n, dtype=bool)
    isE_r[er] = True
    isE_c = np.zeros(n, dtype=bool)
    isE_c[ec] = True
    kr, kc = np.flatnonzero(~isE_r), np.flatnonzero(~isE_c)
    nk, ne = len(kr), len(er)
    loc_r = np.full(n, -1, dtype=np.int64)
    loc_r[kr] = np.arange(nk)
    loc_r[er] = np.arange(ne)  # E-local for E rows
    loc_c = np.full(n, -1, dtype=np.int64)
    loc_c[kc] = np.arange(nk)
    loc_c[ec] = np.arange(ne)
    rows, cols = np.asarray(core.rows), np.asarray(core.cols)
    # pivots
    pivot_of_row = np.full(n, -1, dtype=np.int64)
    pivot_of_row[er] = ec
    is_piv = isE_r[rows] & (pivot_of_row[rows] == cols)
    dpos = np.empty(ne, dtype=np.int64)
    dpos[loc_r[rows[is_piv]]] = np.flatnonzero(is_piv)
    # E rows' entries (row by row in the order of er) for the pivot check
    e_all = np.flatnonzero(isE_r[rows])
    e_all = e_all[np.argsort(loc_r[rows[e_all]], kind="stable")]
    epos = e_all
    estart = np.zeros(ne, dtype=np.int64)
    if ne:
        np.cumsum(np.bincount(loc_r[rows[e_all]], minlength=ne)[:-1], out=estart[1:])
    # J_KK entries
    kk = ~isE_r[rows] & ~isE_c[cols]
    kk_pos = np.flatnonzero(kk)
    kk_r, kk_c = loc_r[rows[kk]], loc_c[cols[kk]]
    # J_KE (column ec[k] in K rows) and J_EK (row er[k] in K columns), grouped by k
    ke = ~isE_r[rows] & isE_c[cols]
    ke_pos = np.flatnonzero(ke)
    ke_k = loc_c[cols[ke_pos]]
    o = np.argsort(ke_k, kind="stable")
    ke_pos, ke_k = ke_pos[o], ke_k[o]
    ek = isE_r[rows] & ~isE_c[cols]
    ek_pos = np.flatnonzero(ek)
    ek_k = loc_r[rows[ek_pos]]
    o = np.argsort(ek_k, kind="stable")
    ek_pos, ek_k = ek_pos[o], ek_k[o]
    if np.any(isE_r[rows] & isE_c[cols] & ~is_piv):
        raise ValueError("J_EE is not diagonal")
    ca = np.bincount(ke_k, minlength=ne)
    cb = np.bincount(ek_k, minlength=ne)
    ka = np.zeros(ne, dtype=np.int64)
    kb = np.zeros(ne, dtype=np.int64)
    if ne:
        np.cumsum(ca[:-1], out=ka[1:])
        np.cumsum(cb[:-1], out=kb[1:])
    ia, ib = _block_products(ka, kb, ca, cb)
    ta, tb = ke_pos[ia], ek_pos[ib]
    td = dpos[ke_k[ia]]
    t_r, t_c = loc_r[rows[ta]], loc_c[cols[tb]]
    # S's pattern (CSC), with every J_KK entry and product mapped to its place
    keys, where = np.unique(np.concatenate([kk_c * nk + kk_r, t_c * nk + t_r]),
                            return_inverse=True)
    s_ind = (keys % nk).astype(np.int32)
    s_ptr = np.zeros(nk + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // nk, minlength=nk), out=s_ptr[1:])
    nnz = len(keys)
    kept = ~isE_c[full_q]  # the full ordering without E (isE_r[full_rows] is the same mask)
    s_rows, s_q = loc_r[full_rows[kept]], loc_c[full_q[kept]]
    posm = csc_matrix((np.arange(1, nnz + 1, dtype=float), s_ind, s_ptr.astype(np.int32)),
                      shape=(nk, nk))
    B = posm[s_rows][:, s_q].tocsc()
    B.sort_indices()
    inv = np.empty(nnz, dtype=np.int64)
    inv[B.data.astype(np.int64) - 1] = np.arange(nnz)

    def csr(pos, r, c, shape):
        o = np.lexsort((c, r))
        ptr = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=shape[0]), out=ptr[1:])
        return pos[o], c[o].astype(np.int32), ptr.astype(np.int32), shape

    return Plan(n=n, er=er, ec=ec, kr=kr, kc=kc, dpos=dpos, epos=epos, estart=estart,
                src=kk_pos, ta=ta, tb=tb, td=td, dst=inv[where],
                s_indices=B.indices.astype(np.int32), s_indptr=B.indptr.astype(np.int32),
                s_rows=np.asarray(s_rows), s_q=np.asarray(s_q),
                jke=csr(ke_pos, loc_r[rows[ke_pos]], ke_k, (nk, ne)),
                jek=csr(ek_pos, ek_k, loc_c[cols[ek_pos]], (ne, nk)))


def factorize_condensed(p: Plan, vals: np.ndarray, factorize_natural,
                        tol: float = CONDENSE_PIVOT_TOL):
    """:class:`CondensedLU` of the Jacobian with non-zeros ``vals``; None if a pivot has
    fallen below ``tol`` of its row's largest entry (then factorise the full Jacobian).
    ``factorize_natural(S, rows, cols)``: the core's factorisation of ``S`` in the given
    (already computed) order (:func:`cge.core.factorize_in_order`).

    Raises:
        RuntimeError: ``S`` is singular.
    """
    d = vals[p.dpos]
    if len(d):
        rmax = np.maximum.reduceat(np.abs(vals[p.epos]), p.estart)
        if not np.all(np.abs(d) >= tol * rmax):
            return None
    nk = p.size
    w = np.concatenate([vals[p.src], -vals[p.ta] * vals[p.tb] / vals[p.td]])
    data = np.bincount(p.dst, w, minlength=len(p.s_indices))
    S = csc_matrix((data, p.s_indices, p.s_indptr), shape=(nk, nk))
    lu = factorize_natural(S, p.s_rows, p.s_q)
    jke = csr_matrix((vals[p.jke[0]], p.jke[1], p.jke[2]), shape=p.jke[3])
    jek = csr_matrix((vals[p.jek[0]], p.jek[1], p.jek[2]), shape=p.jek[3])
    return CondensedLU(p, lu, d, jke, jek)


class CondensedLU:
    """A factorised Jacobian by condensation (module docstring): :meth:`solve` returns
    ``J^-1 b`` like :class:`~cge.core.LU`."""

    exact = True

    def __init__(self, plan: Plan, lu, d: np.ndarray, jke, jek):
        self.plan, self.lu, self.d, self.jke, self.jek = plan, lu, d, jke, jek

    @property
    def fill(self) -> int:
        """Non-zeros of the condensed system's factors ``L + U``."""
        return self.lu.fill

    def solve(self, b: np.ndarray) -> np.ndarray:
        p = self.plan
        b = np.asarray(b, dtype=float)
        bE = b[p.er]
        xK = self.lu.solve(b[p.kr] - self.jke @ (bE / self.d))
        out = np.empty(p.n)
        out[p.kc] = xK
        out[p.ec] = (bE - self.jek @ xK) / self.d
        return out
