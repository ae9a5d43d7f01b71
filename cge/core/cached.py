"""The compiled core on disk (:mod:`cge.cache`): the vector backend's output as plain arrays
and JSON (:func:`export_vector`), read back and checked against the Pyomo model
(:class:`_CachedBackend`), and :func:`compiled_core`, which reads or compiles and stores."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pyomo.core as pyo

from .compiled import CompiledModel, VectorModel
from .compiler import AUTO_PYTHON_BELOW, compile_model
from .program import UFUNCS, Program, Staged
from .system import active_system, lower_bounds
from .vector import getter

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from ..calibrate import Benchmark


#: Bumped whenever what :func:`export_vector` writes, or how the vector backend compiles,
#: changes (with the source hash of :func:`cge.cache.code_version` a safety net, not a key).
CORE_FORMAT = 1
_FN_NAMES = {id(f): name for name, f in UFUNCS.items()} | {id(np.take): "take"}
_FN_BY_NAME = {name: f for name, f in UFUNCS.items()} | {"take": np.take}


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
    Nothing in it is code but the statements, which :func:`~cge.core.compiler.compile_model`
    checks (:func:`~cge.core.compiler._check_source`) before compiling them."""
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
        if a.__class__ is Staged:
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
    """The list indices a :func:`getter` picks (kept on it as ``items``)."""
    return None if g is None else list(g.items)


class _CachedBackend:
    """A vector-backend core of ``model`` from what :func:`export_vector` wrote for a model
    built the same way (:func:`~cge.core.compiler.compile_model` with ``stored``): the Pyomo variables and
    parameters are looked up in ``model`` by component name and index and checked (free,
    fixed, mutable as recorded; sizes), the statements are put together by
    :func:`~cge.core.compiler._emit` and the result checked by
    :func:`~cge.core.compiler._check_source` before it is compiled. Raises (anything) if
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
                return Staged(int(spec[1]), int(spec[2]))
            if spec[0] == "f":
                return float(spec[1])
            if spec[0] == "a":
                return array(spec[1])
            raise ValueError(spec[0])

        n_prog, size = meta["program"]
        prog = Program(int(n_prog), 0)
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
        res_out, drop_out, jac_out = (None if items is None else getter(items)
                                      for items in self.meta["outs"])
        a = self.array
        return VectorModel(model=self.model, variables=self.variables, constraints=self.cons,
                           dropped=self.dropped, param_objects=self.params, rows=self.rows,
                           cols=self.cols, lower=lower_bounds(self.variables),
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

    from ..cache import CORE_MIN_EQUATIONS, benchmark_digest, code_version, folder, key, load, store

    cons, _ = active_system(model)
    if folder() is None or len(cons) < max(AUTO_PYTHON_BELOW, CORE_MIN_EQUATIONS):
        return compile_model(model), False
    digest = key("core", f"core format {CORE_FORMAT}", code_version(),
                 f"pyomo {pyomo.version.version}", f"numpy {numpy.__version__}", context,
                 benchmark_digest(benchmark))
    hit = load("core", digest)
    if hit is not None:
        try:
            meta = json.loads(hit.pop("meta").tobytes().decode())
            core = compile_model(model, stored=partial(_CachedBackend, meta=meta, arrays=hit))
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
