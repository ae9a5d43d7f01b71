"""Compiling a Pyomo model into a :class:`~cge.core.compiled.CompiledModel`
(:func:`compile_model`): the backends' statements are put together as Python source by
:func:`_emit` and executed once, the only ``exec`` in cge; a source that came from a file
(the on-disk cache) is first checked to be of the shape :func:`_emit` writes and arithmetic
only (:func:`_check_source`)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyomo.core as pyo

from .compiled import CompiledModel
from .python import PythonBackend
from .system import FUNCTIONS, active_system
from .vector import VectorBackend

#: The compiler backends of :func:`compile_model`.
BACKENDS = ("auto", "vector", "python")
#: ``backend="auto"`` compiles systems of fewer equations than this with the python backend:
#: there numpy's per-call overhead outweighs vectorisation (TWOCGE, 79 equations: a tariff
#: solve 0.9 ms with the python backend, 1.5 ms with the vector one; at 316 equations both
#: take the same; see docs/performance.md).
AUTO_PYTHON_BELOW = 200


def _emit(name: str, lines: list[tuple[int, str]], size: int) -> str:
    body = "\n".join(f"    r[{k}] = {s}" for k, s in lines) if lines else "    pass"
    return f"def {name}(x, p):\n    r = [0.0] * {size}\n{body}\n    return r\n"


def compile_model(model: pyo.ConcreteModel, backend: str = "auto",
                  stored: Callable | None = None) -> CompiledModel:
    """Compile the active equality constraints of ``model`` (see :mod:`cge.core`).

    Args:
        backend: ``"vector"``, ``"python"`` (the original scalar compiler) or ``"auto"``
            (default): python for fewer than :data:`AUTO_PYTHON_BELOW` equations, else vector.
        stored: a backend read from a file instead of walking the trees (the on-disk cache:
            :func:`cge.core.cached.compiled_core` passes its
            :class:`~cge.core.cached._CachedBackend`), called as ``stored(model, equations,
            dropped equations and outputs)``; its statements are checked by
            :func:`_check_source` before anything is compiled.

    Raises:
        StructureError: if the number of free variables differs from the number of equations.
        Anything, with ``stored``, if what was stored does not fit ``model``.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose {', '.join(BACKENDS)}")
    cons, dropped = active_system(model)
    outputs = list(getattr(model, "outputs", []))
    if backend == "auto":
        backend = "python" if len(cons) < AUTO_PYTHON_BELOW else "vector"
    if stored is not None:
        gen = stored(model, cons, dropped + outputs)
    else:
        gen = (VectorBackend if backend == "vector" else PythonBackend)(model, cons,
                                                                           dropped + outputs)
    src = (_emit("residual", gen.res[0], gen.res[1]) + _emit("jacobian", gen.jac[0], gen.jac[1])
           + _emit("dropped", gen.drop[0], gen.drop[1]))
    if stored is not None:
        _check_source(src)  # the statements came from a file: arithmetic only, or nothing runs
    namespace = dict(gen.namespace)
    exec(compile(src, "<cge-compiled-model>", "exec"), namespace)  # noqa: S102 - our own code
    core = gen.make(namespace, src)
    core.dropped, core.outputs = dropped, outputs
    return core


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
_SRC_ATTR = re.compile(rf"(?<![A-Za-z0-9_.])_m\.(?:{'|'.join(FUNCTIONS)})(?![A-Za-z0-9_])")
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
