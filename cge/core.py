"""Compiled core: residuals and sparse Jacobian of a Pyomo model, by index.

Pyomo's own cyipopt route needs the AMPL Solver Library, which cannot be installed here, so we
compile the Pyomo model ourselves, once per model structure:

1. every active equality constraint becomes a residual ``body - rhs``;
2. its derivatives are taken with Pyomo's symbolic differentiation (reverse symbolic mode);
3. both are emitted as straight-line Python in which free variables are ``x[k]`` and mutable
   parameters and fixed variables are ``p[k]`` — indices only, never a user-supplied name —
   and compiled with :func:`compile`.

A shock changes Param values; :meth:`CompiledModel.params` re-reads them into ``p``. Nothing is
rebuilt. Equations dropped by the closure (Walras) are compiled too, to report their residuals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr import numeric_expr as ne
from pyomo.core.expr.calculus.derivatives import Modes, differentiate
from pyomo.core.expr.visitor import identify_variables


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
        rows, cols: sparsity of the Jacobian (coordinate form).
        lower: lower bounds of ``x``.
        source: the generated Python source (indices only; kept for inspection and audits).
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

    @property
    def n(self) -> int:
        return len(self.variables)

    def params(self) -> list[float]:
        """Current values of mutable parameters and fixed variables (re-read after a shock)."""
        return [float(pyo.value(o)) for o in self.param_objects]

    def x_from_model(self) -> np.ndarray:
        """Current values of the free variables."""
        return np.array([v.value for v in self.variables], dtype=float)

    def x_to_model(self, x: np.ndarray) -> None:
        """Write a solution back into the Pyomo variables."""
        for v, val in zip(self.variables, x):
            v.set_value(float(val), skip_validation=True)

    def residual(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Residuals of the active equations (each relative to its benchmark scale)."""
        return np.array(self._res(x.tolist(), p), dtype=float)

    def jacobian_values(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Non-zero Jacobian entries, aligned with :attr:`rows` and :attr:`cols`."""
        return np.array(self._jac(x.tolist(), p), dtype=float)

    def jacobian(self, x: np.ndarray, p: list[float]):
        """Sparse Jacobian (CSC)."""
        from scipy.sparse import csc_matrix

        return csc_matrix((self.jacobian_values(x, p), (self.rows, self.cols)),
                          shape=(self.n, self.n))

    def dropped_residuals(self, x: np.ndarray, p: list[float]) -> np.ndarray:
        """Residuals of the equations the closure dropped (must be ~0 at a solution)."""
        return np.array(self._drop(x.tolist(), p), dtype=float)

    def name(self, k: int) -> str:
        """Name of equation ``k`` (for diagnostics only; never enters generated code)."""
        return self.constraints[k].name

    def block(self, k: int) -> str:
        """Equation block (the Pyomo constraint component) of equation ``k``."""
        return self.constraints[k].parent_component().local_name


def _emit(name: str, lines: list[str], size: int) -> str:
    body = "\n".join(f"    r[{k}] = {s}" for k, s in lines) if lines else "    pass"
    return f"def {name}(x, p):\n    r = [0.0] * {size}\n{body}\n    return r\n"


def compile_model(model: pyo.ConcreteModel) -> CompiledModel:
    """Compile the active equality constraints of ``model`` (see module docstring).

    Raises:
        StructureError: if the number of free variables differs from the number of equations.
    """
    cons = [c for c in model.component_data_objects(pyo.Constraint, active=True, descend_into=True)]
    dropped = list(getattr(model, "dropped", []))
    seen, variables = set(), []
    for c in cons:
        if not c.equality:
            raise StructureError(f"{c.name} is not an equation")
        for v in identify_variables(c.body, include_fixed=False):
            if id(v) not in seen:
                seen.add(id(v))
                variables.append(v)
    if len(variables) != len(cons):
        raise StructureError(
            f"the model has {len(cons)} equations but {len(variables)} free variables: the "
            f"closure must fix exactly as many variables as it drops equations")
    xindex = {id(v): k for k, v in enumerate(variables)}
    pindex: dict[int, int] = {}
    params: list = []
    pr = _Printer(xindex, pindex, params)

    def residual_expr(c):
        rhs = c.upper
        return c.body if (rhs.__class__ in (int, float) and rhs == 0) else c.body - rhs

    res_lines, jac_lines, rows, cols = [], [], [], []
    for k, c in enumerate(cons):
        expr = residual_expr(c)
        res_lines.append((k, pr(expr)))
        wrt = [v for v in identify_variables(expr, include_fixed=False)]
        for v, d in zip(wrt, differentiate(expr, wrt_list=wrt, mode=Modes.reverse_symbolic)):
            if d.__class__ in (int, float) and d == 0:
                continue
            jac_lines.append((len(rows), pr(d)))
            rows.append(k)
            cols.append(xindex[id(v)])
    drop_lines = [(k, pr(residual_expr(c))) for k, c in enumerate(dropped)]
    src = (_emit("residual", res_lines, len(cons)) + _emit("jacobian", jac_lines, len(rows))
           + _emit("dropped", drop_lines, len(dropped)))
    namespace = {"_pow": _pow, "_m": math}
    exec(compile(src, "<cge-compiled-model>", "exec"), namespace)  # noqa: S102 - our own code
    lower = np.array([-np.inf if v.lb is None else v.lb for v in variables])
    return CompiledModel(model=model, variables=variables, constraints=cons, dropped=dropped,
                         param_objects=params, rows=np.array(rows, dtype=np.int64),
                         cols=np.array(cols, dtype=np.int64), lower=lower,
                         _res=namespace["residual"], _jac=namespace["jacobian"],
                         _drop=namespace["dropped"], source=src)
