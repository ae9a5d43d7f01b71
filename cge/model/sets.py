"""Sets (non-zero flows only) and parameters: policy instruments and elasticities (docs/model.md §2, §3.2).

Instruments (tariffs, export taxes, tax rates, saving propensities, foreign saving, endowments,
productivity) are *mutable*
Params: a shock changes their values, never the model's structure. Elasticities are mutable
too, within the functional form the data's values decide at build time (Cobb–Douglas at
σ = 1, perfect transformation at ψ = ∞; see Economy.set_elasticities).
"""

from __future__ import annotations

import math

import pyomo.core as pyo

from ..calibrate import Benchmark


def _set(m, name, keys, dimen):
    m.add_component(name, pyo.Set(initialize=sorted(keys), dimen=dimen, ordered=True))
    return getattr(m, name)


def declare_sets(m: pyo.ConcreteModel, b: Benchmark, specific: set[str]) -> None:
    """The index sets of the model; ``specific``: factors fixed by sector (closure)."""
    m.R = pyo.Set(initialize=b.regions, ordered=True)
    _set(m, "PROD", b.Z, 2)  # (r, j) sectors with output
    _set(m, "VAS", b.VA, 2)  # (r, j) sectors with value added
    _set(m, "FD", b.F, 3)  # (r, f, j) factor uses
    _set(m, "MOB", [k for k in b.FF if k[1] not in specific], 2)  # mobile factor markets
    _set(m, "SPEC", [k for k in b.F if k[1] in specific], 3)  # sector-specific factors
    _set(m, "INT", b.X, 3)  # (r, i, j)
    _set(m, "DOM", b.D, 2)
    _set(m, "EXP", b.E, 2)
    _set(m, "IMP", b.M, 2)
    _set(m, "BIL", b.MS, 3)  # (s, r, i)
    _set(m, "ARM", b.Q, 2)
    _set(m, "CONS", b.C, 2)
    _set(m, "GOVC", b.G, 2)
    _set(m, "RG", [r for r in b.regions if b.total(b.G, r) > 0], 1)  # regions with G
    _set(m, "RI", [r for r in b.regions if any(k[0] == r for k in b.I)], 1)  # with investment
    _set(m, "INVD", b.I, 2)
    _set(m, "CET", [k for k in b.Z if not math.isinf(b.psi[k])], 2)
    _set(m, "PT", [k for k in b.Z if math.isinf(b.psi[k])], 2)  # perfect transformation


def declare_parameters(m: pyo.ConcreteModel, b: Benchmark) -> None:
    """Instruments and elasticities, at their base values (docs/model.md §3.2)."""
    mut = dict(mutable=True)
    m.tm = pyo.Param(m.BIL, initialize=b.tm, **mut, doc="tariff rate on c.i.f. imports (fraction)")
    m.te = pyo.Param(m.BIL, initialize=0.0, **mut,
                     doc="export tax rate of exporter s on its sales of i to r, on the world "
                     "price pwe (fraction; a subsidy if negative; none in the base data)")
    m.tz = pyo.Param(m.PROD, initialize=b.tz, **mut, doc="production tax rate on net cost")
    m.td = pyo.Param(m.R, initialize=b.td, **mut, doc="direct tax rate on household income")
    m.mps = pyo.Param(m.R, initialize=b.mps, **mut, doc="household saving / disposable income")
    m.msg = pyo.Param(m.R, initialize=b.msg, **mut, doc="government saving / revenue")
    m.fs = pyo.Param(m.R, initialize=b.FS, **mut,
                     doc="foreign saving target, reference currency (or world-basket units)")
    m.endow = pyo.Param(m.MOB, initialize=1.0, **mut, doc="mobile factor endowment index")
    m.transfer = pyo.Param(m.R, initialize=0.0, **mut,
                           doc="lump-sum transfer to the household / base household income")
    m.endow_sf = pyo.Param(m.SPEC, initialize=1.0, **mut, doc="specific factor endowment index")
    m.ao = pyo.Param(m.PROD, initialize=1.0, **mut,
                     doc="output-augmenting (Hicks-neutral) productivity index, base 1: the same "
                     "inputs give ao times the output")
    sub = lambda d, keys: {k: d[k] for k in keys}  # noqa: E731
    m.sigma_va = pyo.Param(m.PROD, initialize=sub(b.sigma_va, m.PROD), **mut)
    m.sigma_d = pyo.Param(m.ARM, initialize=sub(b.sigma_d, m.ARM), **mut)
    m.sigma_m = pyo.Param(m.IMP, initialize=sub(b.sigma_m, m.IMP), **mut)
    m.psi = pyo.Param(m.CET, initialize=sub(b.psi, m.CET), **mut)
