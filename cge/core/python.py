"""The python backend of :func:`cge.core.compile_model`: scalar straight-line source per
equation and Jacobian entry, derivatives by Pyomo's symbolic differentiation."""

from __future__ import annotations

import math

import numpy as np
import pyomo.core as pyo
from pyomo.core.expr import numeric_expr as ne
from pyomo.core.expr.calculus.derivatives import Modes, differentiate
from pyomo.core.expr.visitor import identify_variables

from .compiled import CompiledModel
from .system import check_square, lower_bounds, residual_expr


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


class PythonBackend:
    """Scalar source per equation and Jacobian entry (the original compiler)."""

    def __init__(self, model, cons, dropped):
        seen, variables = set(), []
        for c in cons:
            for v in identify_variables(c.body, include_fixed=False):
                if id(v) not in seen:
                    seen.add(id(v))
                    variables.append(v)
        check_square(cons, variables)
        xindex = {id(v): k for k, v in enumerate(variables)}
        params: list = []
        pr = _Printer(xindex, {}, params)
        res_lines, jac_lines, rows, cols = [], [], [], []
        for k, c in enumerate(cons):
            expr = residual_expr(c)
            res_lines.append((k, pr(expr)))
            wrt = list(identify_variables(expr, include_fixed=False))
            for v, d in zip(wrt, differentiate(expr, wrt_list=wrt, mode=Modes.reverse_symbolic)):
                if d.__class__ in (int, float) and d == 0:
                    continue
                jac_lines.append((len(rows), pr(d)))
                rows.append(k)
                cols.append(xindex[id(v)])
        drop_lines = [(k, pr(residual_expr(c))) for k, c in enumerate(dropped)]
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
                             lower=lower_bounds(self.variables), _res=namespace["residual"],
                             _jac=namespace["jacobian"], _drop=namespace["dropped"], source=src,
                             backend="python")
