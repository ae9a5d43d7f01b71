"""The square system of a Pyomo model as the compilers see it: its active equations, their
residuals ``body - rhs``, the check that it is square, the variables' lower bounds."""

from __future__ import annotations

import numpy as np
import pyomo.core as pyo


class StructureError(RuntimeError):
    """The model is not a square system (a closure fixes too many or too few variables)."""


def residual_expr(c):
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


def active_system(model: pyo.ConcreteModel):
    cons = list(model.component_data_objects(pyo.Constraint, active=True, descend_into=True))
    for c in cons:
        if not c.equality:
            raise StructureError(f"{c.name} is not an equation")
    return cons, list(getattr(model, "dropped", []))


def check_square(cons: list, variables: list) -> None:
    if len(variables) != len(cons):
        raise StructureError(
            f"the model has {len(cons)} equations but {len(variables)} free variables: the "
            f"closure must fix exactly as many variables as it drops equations")


def lower_bounds(variables: list) -> np.ndarray:
    return np.array([-np.inf if v.lb is None else v.lb for v in variables], dtype=float)
FUNCTIONS = ("exp", "log", "sqrt")
