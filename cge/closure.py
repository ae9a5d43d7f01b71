"""Closures and numeraire: which variables are exogenous, which equations are active (docs/model.md §7).

A closure is data: the rows of ``cge/closures.toml`` (:data:`CLOSURES`), each a list of
exogenous variables and active closure equations, with the numeraire, the reference region
and the sector-specific factors. :func:`apply` turns one into fixed variables and active
equations on a built model; GEMPACK-style ``swaps`` exchange an exogenous variable for an
endogenous one. Each region has its own currency, so prices are determined only up to one
scale per region: every closure fixes, per region, one *local numeraire* (the consumer price
index by default, or a factor price), plus the reference region's exchange rate. Walras' law
makes each region's balance of payments and one world market redundant: those ``R + 1``
equations are dropped and their residuals reported after every solve.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources


class ClosureError(ValueError):
    """A closure or swap that cannot be applied (unknown name, not exogenous, indeterminate)."""


#: A variable or equation pattern: a name, optionally with an index in brackets.
_NAME = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\[(.*)\])?\s*$")
_EXAMPLES = {"exogenous": "eps[*]", "equations": "eq_trade_balance[*]", "specific_factors": "CAP"}


@dataclass(frozen=True)
class Closure:
    """A macro closure, as data.

    Attributes:
        name: short name (appears in results and metadata).
        exogenous: variables held exogenous, as ``"name[index]"`` patterns (``*`` matches any
            index position, a lone ``*`` every index: ``"fsv[*]"``, foreign saving of every
            region; ``"pf[*,LAB]"``, the wage of every region). A variable with a
            target equation (``fsv``: (C1) foreign saving = ``fs``) is set by it; any other
            is held at its current value (its base value, 1, unless changed).
        equations: closure equations made active, e.g. ``"eq_world_capital"`` (M6) or
            ``"eq_trade_balance[*]"`` (C2).
        specific_factors: factors fixed by sector (e.g. ``("CAP",)``), others mobile.
        numeraire: each region's local price normalisation: ``"cpi"`` (consumer price index = 1)
            or the name of a factor whose price is fixed at 1 (TWOCGE fixes the wage, ``"LAB"``).
        reference_region: region whose exchange rate is fixed at 1; ``None`` = the data set's.
        swaps: ``(exogenous, endogenous)`` pairs applied after the rest: the first becomes
            endogenous, the second exogenous at its current value (patterns of equal length).
        revenue: how revenue is used, a rule of :data:`REVENUE`: ``"regional_household"``
            (the default, GTAP's: all income split in fixed base shares between private
            consumption, government consumption and saving), ``"government"`` (spent on
            government consumption), ``"household"`` (rebated lump-sum) or ``"income_tax"``
            (the income-tax rate adjusts) — these two hold real government consumption.
        description: one line for reports.
    """

    name: str = "default"
    exogenous: tuple[str, ...] = ("emp[*]", "mpsv[*]")
    equations: tuple[str, ...] = ("eq_trade_balance[*]",)
    specific_factors: tuple[str, ...] = ()
    numeraire: str = "cpi"
    reference_region: str | None = None
    swaps: tuple[tuple[str, str], ...] = ()
    revenue: str = "regional_household"
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """Checked as a row of cge/closures.toml is: pattern names, pairs of swaps, the
        numeraire and the revenue rule (lists become tuples); one line naming the field."""
        where = f"Closure {self.name!r}" if isinstance(self.name, str) else "Closure"
        if not isinstance(self.name, str) or not self.name:
            raise ClosureError(f"Closure: 'name' must be a non-empty string, not {self.name!r}")
        for key in ("exogenous", "equations", "specific_factors"):
            value = getattr(self, key)
            if isinstance(value, str) or not isinstance(value, tuple | list) or not all(
                    isinstance(v, str) and (key == "specific_factors" or _NAME.match(v))
                    for v in value):
                raise ClosureError(f"{where}: '{key}' must be a tuple of "
                                   f"{'names' if key == 'specific_factors' else 'patterns'}, not "
                                   f"{value!r} (e.g. {key}=({_EXAMPLES[key]!r},))")
            object.__setattr__(self, key, tuple(value))
        swaps = self.swaps
        if isinstance(swaps, str) or not isinstance(swaps, tuple | list) or not all(
                isinstance(sw, tuple | list) and len(sw) == 2
                and all(isinstance(v, str) and _NAME.match(v) for v in sw) for sw in swaps):
            raise ClosureError(f"{where}: 'swaps' must be (exogenous, endogenous) pairs of "
                               f"variable patterns, not {swaps!r} (e.g. swaps=(('fsv[JPN]', "
                               "'eps[JPN]'),))")
        object.__setattr__(self, "swaps", tuple(tuple(sw) for sw in swaps))
        if not isinstance(self.numeraire, str) or not self.numeraire:
            raise ClosureError(f"{where}: 'numeraire' must be 'cpi' or a factor's name, not "
                               f"{self.numeraire!r}")
        if self.reference_region is not None and (not isinstance(self.reference_region, str)
                                                  or not self.reference_region):
            raise ClosureError(f"{where}: 'reference_region' must be a region's name or None, "
                               f"not {self.reference_region!r}")
        rules = _TABLE.get("revenue", {})
        if self.revenue not in rules:
            raise ClosureError(f"{where}: unknown revenue rule {self.revenue!r}; rules are "
                               f"{', '.join(rules)}")
        if not isinstance(self.description, str):
            raise ClosureError(f"{where}: 'description' must be text, not {self.description!r}")

    def with_(self, **changes) -> Closure:
        """A copy with some fields changed (checked as a new Closure is)."""
        return replace(self, **changes)

    @property
    def exchange_rate(self) -> str:
        """``"fixed"`` when every exchange rate is exogenous, else ``"flexible"``."""
        return "fixed" if "eps[*]" in self.exogenous else "flexible"

    def describe(self) -> str:
        """One-line description for reports."""
        text = self.description or (f"exogenous {', '.join(self.exogenous) or 'none'}; active "
                                    f"{', '.join(self.equations) or 'no closure equation'}")
        if self.specific_factors and not self.description:
            text += f"; {', '.join(self.specific_factors)} sector-specific"
        num = "CPI" if self.numeraire == "cpi" else f"price of {self.numeraire}"
        swaps = "".join(f"; swap {a} (now endogenous) for {b}" for a, b in self.swaps)
        then = ", before the swaps" if self.swaps else ""
        rev = f"; revenue: {REVENUE[self.revenue]['description']}"
        return f"{self.name}: {text}; numeraire: {num} = 1 in each region{then}{rev}{swaps}"


def _raw() -> dict:
    return tomllib.loads(resources.files("cge").joinpath("closures.toml").read_text("utf-8"))


def _load(table: dict) -> dict[str, Closure]:
    raw = {k: v for k, v in table.items() if k != "revenue"}
    return {name: Closure(name=name, exogenous=tuple(row.get("exogenous", ())),
                          equations=tuple(row.get("equations", ())),
                          specific_factors=tuple(row.get("specific_factors", ())),
                          swaps=tuple(tuple(sw) for sw in row.get("swaps", ())),
                          revenue=row.get("revenue", Closure.revenue),
                          description=row.get("description", ""))
            for name, row in raw.items()}


#: The shipped closures (``cge/closures.toml``), by name.
_TABLE = _raw()
CLOSURES: dict[str, Closure] = _load(_TABLE)
#: How revenue is used (``[revenue]`` in cge/closures.toml): rule → exogenous, equations.
REVENUE: dict[str, dict] = {name: {"description": row.get("description", ""),
                                   "exogenous": tuple(row.get("exogenous", ())),
                                   "endogenous": tuple(row.get("endogenous", ())),
                                   "inert": tuple(row.get("inert", ())),
                                   "equations": tuple(row.get("equations", ()))}
                            for name, row in _TABLE["revenue"].items()}


def get_closure(closure: str | Closure | None) -> Closure:
    """Return a :class:`Closure` from a name in :data:`CLOSURES` or a Closure object."""
    if closure is None:
        return CLOSURES["default"]
    if isinstance(closure, Closure):
        return closure
    try:
        return CLOSURES[closure]
    except KeyError:
        raise ValueError(f"unknown closure {closure!r}; choose one of "
                         f"{', '.join(CLOSURES)}") from None




def _keys(comp) -> list:
    return list(comp.keys()) if comp.is_indexed() else [None]


def select(m, pattern: str, ctype, where: str) -> list:
    """The component data of ``m`` named by ``pattern`` (``"eps[*]"``, ``"pf[USA,LAB]"``,
    ``"eq_world_capital"``), of Pyomo type ``ctype`` (pyo.Var or pyo.Constraint).

    Raises:
        ClosureError: an unknown name or index, naming ``where`` (closure or scenario).
    """
    import pyomo.core as pyo  # here, not at the top: the CLI reads CLOSURES without Pyomo

    what = "variable" if ctype is pyo.Var else "equation"
    hit = _NAME.match(pattern) if isinstance(pattern, str) else None
    comp = getattr(m, hit.group(1), None) if hit else None
    if comp is None or getattr(comp, "ctype", None) is not ctype:
        known = sorted(c.local_name for c in m.component_objects(ctype))
        raise ClosureError(f"{where}: unknown {what} {pattern!r}; {what}s are {', '.join(known)}")
    if hit.group(2) is None:
        if comp.is_indexed():
            raise ClosureError(f"{where}: {pattern!r} needs an index, e.g. {hit.group(1)}[*]")
        return [comp]
    want = [s.strip().strip("'\"") for s in hit.group(2).split(",")]
    out = []
    keys = _keys(comp)
    for k in keys:
        kt = k if isinstance(k, tuple) else (k,)
        if want == ["*"] or (len(kt) == len(want)
                             and all(w in ("*", str(v)) for w, v in zip(want, kt))):
            out.append(comp[k])
    if not out and not (want == ["*"] and not keys):  # "name[*]" of an empty set: nothing
        raise ClosureError(f"{where}: {pattern!r} names no {what} of the model (no such index; "
                           f"{hit.group(1)} is indexed by {comp.index_set().name})")
    return out


# ---------------------------------------------------------------------------------- apply
def _target(m, var):
    """The target equation of an exogenous variable (e.g. C1 for fsv), or None."""
    name = m.targets.get(var.parent_component().local_name)
    if name is None:
        return None
    return getattr(m, name)[var.index()]


def _exogenous(m, var) -> bool:
    tgt = _target(m, var)
    return var.fixed or (tgt is not None and tgt.active)


def _make_exogenous(m, var) -> None:
    tgt = _target(m, var)
    if tgt is not None:
        tgt.activate()
    else:
        var.fix()


def _make_endogenous(m, var) -> None:
    tgt = _target(m, var)
    if tgt is not None and tgt.active:
        tgt.deactivate()
    else:
        var.unfix()


def apply(m, closure: Closure, reference_region: str) -> None:
    """Apply ``closure`` to a model built by :func:`cge.model.build_model`.

    Fixes the numeraire and the reference exchange rate, makes the exogenous variables
    exogenous, activates the closure equations, applies the swaps and drops the ``R + 1``
    equations implied by Walras' law (kept in ``m.dropped`` to report their residuals).

    Raises:
        ClosureError: unknown names, a numeraire that is not a mobile factor, a swap of a
            variable that is not exogenous (or not endogenous).
    """
    import pyomo.core as pyo

    b = m.benchmark
    where = f"closure {closure.name}"
    if reference_region not in b.regions:
        raise ClosureError(f"reference region {reference_region!r} is not one of "
                           f"{', '.join(b.regions)}")
    if closure.numeraire != "cpi" and closure.numeraire not in b.factors:
        raise ClosureError(f"{where}: numeraire must be 'cpi' or a factor "
                           f"({', '.join(b.factors)}), not {closure.numeraire!r}")
    for r in b.regions:
        if closure.numeraire == "cpi":
            m.cpi[r].fix(1.0)
        elif (r, closure.numeraire) in m.MOB:
            m.pf[r, closure.numeraire].fix(1.0)
        else:
            raise ClosureError(f"numeraire {closure.numeraire} is not a mobile factor in {r}")
    m.eps[reference_region].fix(1.0)
    if closure.revenue not in REVENUE:
        raise ClosureError(f"{where}: unknown revenue rule {closure.revenue!r}; rules are "
                           f"{', '.join(REVENUE)}")
    rule = REVENUE[closure.revenue]
    for pattern in (*closure.exogenous, *rule["exogenous"]):
        for v in select(m, pattern, pyo.Var, where):
            _make_exogenous(m, v)
    for pattern in rule["endogenous"]:
        for v in select(m, pattern, pyo.Var, where):
            if not _exogenous(m, v):
                raise ClosureError(f"{where}: the revenue rule {closure.revenue} lets {v.name} "
                                   "adjust, but this closure already does (it fixes something "
                                   "else instead); choose another revenue rule or closure")
            _make_endogenous(m, v)
    for pattern in (*closure.equations, *rule["equations"]):
        for c in select(m, pattern, pyo.Constraint, where):
            c.activate()
    for exo, endo in closure.swaps:
        swap(m, exo, endo, where=f"{where}, swap [{exo!r}, {endo!r}]")
    m.eq_balance_of_payments.deactivate()
    key = max(b.E, key=lambda k: (k[0] == reference_region, b.E[k]))
    m.eq_world_market[key].deactivate()
    m.dropped = [m.eq_balance_of_payments[r] for r in b.regions] + [m.eq_world_market[key]]
    m.closure, m.reference_region = closure, reference_region


def swap(m, exogenous: str, endogenous: str, *, where: str = "swap") -> None:
    """GEMPACK's swap: ``exogenous`` becomes endogenous, ``endogenous`` exogenous (held at its
    current value). Both are patterns naming the same number of variables, paired in order."""
    import pyomo.core as pyo

    out = select(m, exogenous, pyo.Var, where)
    into = select(m, endogenous, pyo.Var, where)
    if len(out) != len(into):
        raise ClosureError(f"{where}: {exogenous!r} names {len(out)} variable(s), {endogenous!r} "
                           f"{len(into)}: a swap must keep the system square")
    for v in out:
        if not _exogenous(m, v):
            raise ClosureError(f"{where}: {v.name} is not exogenous under this closure")
    for v in into:
        if _exogenous(m, v):
            raise ClosureError(f"{where}: {v.name} is already exogenous")
    for v, w in zip(out, into):
        _make_endogenous(m, v)
        _make_exogenous(m, w)


def check_determinate(core) -> None:
    """Refuse a closure whose system is structurally singular, naming the blocks involved.

    A square system can still be indeterminate: a swap that frees a variable no remaining
    equation pins down (or pins one variable twice). The Jacobian's sparsity pattern has no
    perfect matching then; the unmatched equations and variables are named with their blocks.
    """
    import numpy as np

    from ._scipy import csr_matrix, maximum_bipartite_matching

    n = core.n
    if n == 0:
        return
    pattern = csr_matrix((np.ones(len(core.rows)), (core.rows, core.cols)), shape=(n, n))
    match = maximum_bipartite_matching(pattern, perm_type="column")
    free_rows = np.flatnonzero(match < 0)
    if free_rows.size == 0:
        return
    m = core.model
    matched_cols = set(match[match >= 0].tolist())
    free_cols = [k for k in range(n) if k not in matched_cols]

    def blocks(objs):
        seen = []
        for o in objs:
            name = o.parent_component().local_name
            label = f"{m.blocks.get(name, '?')} ({name}" + (f", {m.tags[name]})" if name in m.tags
                                                           else ")")
            if label not in seen:
                seen.append(label)
        return ", ".join(seen[:4])

    eqs = [core.constraints[int(k)] for k in free_rows]
    vs = [core.variables[int(k)] for k in free_cols]
    raise ClosureError(
        f"closure {getattr(m.closure, 'name', '?')}: the system is indeterminate "
        f"({free_rows.size} equation(s) cannot be matched to a variable): equations in "
        f"{blocks(eqs)} (e.g. {eqs[0].name}); variables not pinned down in {blocks(vs)} "
        f"(e.g. {vs[0].name}); check the swaps")
