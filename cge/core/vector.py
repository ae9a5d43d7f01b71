"""The vector backend of :func:`cge.core.compile_model`: expression trees grouped by
signature (analysis), then straight-line numpy code per group with its reverse-mode
derivative (generation); see :mod:`cge.core`."""

from __future__ import annotations

import math
import re
from functools import partial
from operator import itemgetter

import numpy as np
import pyomo.core as pyo
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.expr import numeric_expr as ne

from .compiled import VectorModel
from .program import UFUNCS, Known, Program, Staged, full_array
from .system import FUNCTIONS, check_square, lower_bounds, residual_expr

# ------------------------------------------------------------------------------------------
# vector backend: expression analysis
# ------------------------------------------------------------------------------------------

_POFF = 1 << 40  # leaf references: int k < _POFF is x[k], _POFF + k is p[k], a float a constant
_LEAF = 0  # signature id of a leaf
_OPS = {ne.ProductExpression: "mul", ne.MonomialTermExpression: "mul", ne.DivisionExpression: "div",
        ne.PowExpression: "pow", ne.NegationExpression: "neg"}


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
            if kind not in FUNCTIONS:
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

    Values are :class:`Known` (known at compile time, folded), :class:`Staged` (parameter stage)
    or a string: an atom of the generated code such as ``r[12]``, ``r[3][1]`` or ``x[5:9]``.
    """

    def __init__(self, plan: _Plan, prog: Program):
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
        if isinstance(v, Staged):
            return f"x[{self.prog.n + v.off}:{self.prog.n + v.off + v.size}]"
        if isinstance(v.v, float) and math.isfinite(v.v):
            return repr(v.v) if v.v >= 0 else f"({v.v!r})"
        return self.plan.add(v.v)

    def materialise(self, v, size: int) -> str:
        """An array atom (an array of ``size`` for a constant)."""
        if isinstance(v, Known):
            return self.plan.add(full_array(v.v, size))
        return self.atom(v)

    def _pstage(self, fn: str, *args) -> Staged:
        size = max(a.size if isinstance(a, Staged) else np.size(a.v) for a in args)
        return self.prog.add(UFUNCS[fn], size, *[a if isinstance(a, Staged) else a.v for a in args])

    # -- arithmetic with folding
    def binop(self, op: str, a, b):
        if isinstance(a, Known) and isinstance(b, Known):
            with np.errstate(all="ignore"):
                return Known(UFUNCS[op](a.v, b.v) * 1.0)
        if op == "*":
            for u, w in ((a, b), (b, a)):
                if isinstance(u, Known) and isinstance(u.v, float):
                    if u.v == 1.0:
                        return w
                    if u.v == -1.0:
                        return self.neg(w)
        if op == "/" and isinstance(b, Known) and isinstance(b.v, float) and b.v == 1.0:
            return a
        if not isinstance(a, str) and not isinstance(b, str):
            return self._pstage(op, a, b)
        return self.temp(f"{self.atom(a)} {op} {self.atom(b)}")

    def neg(self, a):
        if isinstance(a, Known):
            return Known(-a.v)
        if isinstance(a, Staged):
            return self._pstage("neg", a)
        out = self.temp(f"-{a}")
        self.negated[out] = a
        return out

    def call(self, fn: str, a):
        if isinstance(a, Known):
            with np.errstate(all="ignore"):
                return Known(UFUNCS[fn](a.v) * 1.0)
        if isinstance(a, Staged):
            return self._pstage(fn, a)
        return self.temp(f"_m.{fn}({a})")

    def add(self, vals: list):
        code = [v for v in vals if isinstance(v, str)]
        if not code:
            known = [v for v in vals if isinstance(v, Known)]
            out = None
            for v in known + [v for v in vals if isinstance(v, Staged)]:
                out = v if out is None else self.binop("+", out, v)
            return out
        terms = code + [self.atom(v) for v in vals if isinstance(v, Staged)]
        terms += [self.atom(v) for v in vals
                  if isinstance(v, Known) and not (isinstance(v.v, float) and v.v == 0)]
        if len(terms) == 1:
            return terms[0]
        terms.sort(key=lambda t: t in self.negated)  # a - b rather than a + (-b)
        expr = terms[0] + "".join(f" - {self.negated[t]}" if t in self.negated else f" + {t}"
                                  for t in terms[1:])
        return self.temp(expr)

    def reduce(self, v, ctx: _Ctx):
        """Segment sum from child context ``ctx`` to its parent."""
        if isinstance(v, Known):
            return Known(np.add.reduceat(full_array(v.v, ctx.size), ctx.starts))
        if isinstance(v, Staged):
            return self.prog.add(partial(np.add.reduceat, indices=ctx.starts), ctx.parent.size, v)
        f = self.reducers.get(id(ctx))
        if f is None:
            f = self.reducers[id(ctx)] = self.plan.add(partial(np.add.reduceat, indices=ctx.starts))
        return self.temp(f"{f}({v})")

    def expand(self, v, ctx: _Ctx):
        """Parent values repeated to the elements of child context ``ctx``."""
        if isinstance(v, Known):
            return v if isinstance(v.v, float) else Known(v.v[ctx.seg])
        if isinstance(v, Staged):
            return self.prog.add(np.take, ctx.size, v, ctx.seg)
        return self.temp(f"{v}[{self.plan.add(ctx.seg)}]")

    # -- forward values
    def value(self, node: _Node):
        v = self.memo.get(id(node))
        if v is None:
            v = self.prog.memo.get(id(node))
            if v is None:
                v = self._value(node)
                if isinstance(v, Staged):
                    self.prog.memo[id(node)] = v
            self.memo[id(node)] = v
        return v

    def _value(self, node: _Node):
        op = node.op
        if op == "leaf":
            if node.const is not None:
                return Known(node.const)
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
                e = self.binop("**", self.value(a), self.binop("-", self.value(b), Known(1.0)))
                self.adjoints(a, self.binop("*", adj, self.binop("*", self.value(b), e)), out)
            if b.has_x:  # a ** b * log(a)
                d = self.binop("*", self.value(node), self.call("log", self.value(a)))
                self.adjoints(b, self.binop("*", adj, d), out)
        elif op == "exp":
            self.adjoints(kids[0], self.binop("*", adj, self.value(node)), out)
        elif op == "log":
            self.adjoints(kids[0], self.binop("/", adj, self.value(kids[0])), out)
        elif op == "sqrt":
            self.adjoints(kids[0], self.binop("/", self.binop("*", adj, Known(0.5)), self.value(node)),
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


def getter(items: list):
    """A function returning the list items at ``items`` as a tuple (None for no items)."""
    if not items:
        return None
    return _Pick(items)


class VectorBackend:
    """Groups the equations by signature and emits the three vectorised functions."""

    def __init__(self, model, cons, dropped):
        an = _Analyser()
        active = [an.walk(residual_expr(c)) for c in cons]
        check_square(cons, an.variables)
        an.new_variables = False
        dropped_recs = [an.walk(residual_expr(c)) for c in dropped]
        self.n, self.np = len(an.variables), len(an.params)
        self.consts: list[float] = []
        self.plan = _Plan()
        groups = self._groups(an, active)
        drop_groups = self._groups(an, dropped_recs)
        self.prog = Program(self.n, self.np + len(self.consts))
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
        return lines, _size(lines), getter(ks), perm

    def _jacobian(self, groups: list[_Group], nrows: int):
        gen = _Gen(self.plan, self.prog)
        found = []  # (slot, partial, rows)
        for g in groups:
            pairs: list = []
            gen.adjoints(g.root, Known(1.0), pairs)
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
            if not isinstance(adj, Known):
                p = np.full(slot.ctx.size, nnz, dtype=np.int64)  # non-variables: a dummy entry
                p[slot.xmask] = where
                outs.append(gen.atom(adj))
                pos.append(p)
            else:
                vals = full_array(adj.v, slot.ctx.size)[slot.xmask]
                const += np.bincount(where, vals, minlength=nnz)
        lines = gen.lines
        ks = [_own(lines, a) for a in outs]
        lines = _live(lines, ks)
        self.jac_pos = np.concatenate(pos) if pos else np.zeros(0, dtype=np.int64)
        self.jac_const = const
        return lines, _size(lines), getter(ks)

    def make(self, namespace: dict, src: str) -> VectorModel:
        consts = np.array(self.consts, dtype=float)
        res_lines, _, res_out, res_perm = self.res
        _, _, drop_out, drop_perm = self.drop
        return VectorModel(model=self.model, variables=self.variables, constraints=self.cons,
                           dropped=self.dropped, param_objects=self.params,
                           rows=self.rows.astype(np.int64), cols=self.cols.astype(np.int64),
                           lower=lower_bounds(self.variables), _res=namespace["residual"],
                           _jac=namespace["jacobian"], _drop=namespace["dropped"], source=src,
                           backend="vector", plan=tuple(self.plan.items), consts=consts,
                           program=self.prog,
                           res_out=res_out, res_perm=res_perm, drop_out=drop_out,
                           drop_perm=drop_perm, jac_out=self.jac[2], jac_pos=self.jac_pos,
                           jac_const=self.jac_const, groups=self.groups)
