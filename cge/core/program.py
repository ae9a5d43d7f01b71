"""The parameter stage of a vector core: straight-line numpy instructions over one array
``w`` (parameters, constants, their combinations), run once per parameter vector and
rerun in part when only some parameters move (:meth:`Program.depending_on`)."""

from __future__ import annotations

import numpy as np


class Known:
    """A value known at compile time: a float (the same for every element) or an array."""

    __slots__ = ("v",)

    def __init__(self, v):
        if np.ndim(v) == 0:
            v = float(v)
        elif v.size and np.isfinite(v.flat[0]) and np.all(v == v.flat[0]):
            v = float(v.flat[0])
        self.v = v


class Staged:
    """A value that depends on parameters only: ``w[off:off + size]``, computed by the
    parameter program (see :class:`Program`) whenever the parameters change."""

    __slots__ = ("off", "size")

    def __init__(self, off: int, size: int):
        self.off, self.size = off, size


def full_array(v, size: int) -> np.ndarray:
    return np.full(size, v, dtype=float) if isinstance(v, float) else v


UFUNCS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide, "**": np.power,
           "neg": np.negative, "exp": np.exp, "log": np.log, "sqrt": np.sqrt}


def run_steps(steps, w: np.ndarray) -> None:
    """Run prepared parameter-stage steps ``(kind, fn, out, a, b)`` on the work vector ``w``
    in place; operands are slices of ``w`` or constants (:class:`Program`, and the partial
    stage of :mod:`cge.strategic.optimum`)."""
    for kind, fn, out, a, b in steps:
        if kind == 0:  # a gather of parameters and constants
            w[out] = w[a]
        elif kind == 1:
            w[out] = fn(w[a])
        elif kind == 2:
            w[out] = fn(a)
        elif kind == 3:
            w[out] = fn(w[a], w[b])
        elif kind == 4:
            w[out] = fn(w[a], b)
        elif kind == 5:
            w[out] = fn(a, w[b])
        else:
            w[out] = fn(*[w[x] if x.__class__ is slice else x for x in a])


class Program:
    """The parameter stage: everything that depends on parameters (and constants) only.

    ``w`` holds the parameters, the constants of mixed slots, then the results of the
    instructions ``(function, offset, size, operands)``; an operand is a :class:`Staged` (a
    range of ``w``) or a constant. It runs when the parameters change (once per solve), not
    at every evaluation; the generated code reads its results as slices ``x[a:b]``.
    """

    def __init__(self, n: int, base: int):
        self.n, self.size, self.code = n, base, []
        self.memo: dict[int, Staged] = {}

    def add(self, fn, size: int, *args) -> Staged:
        out = Staged(self.size, size)
        self.size += size
        self.code.append((fn, out.off, size, args))
        return out

    def run(self, w: np.ndarray) -> None:
        run_steps(self.prepared(), w)

    def prepared(self) -> list[tuple]:
        """:meth:`_prepare`'s steps, made once (again if instructions were added since)."""
        steps = self.__dict__.get("_steps")
        if steps is None or steps[0] != len(self.code):
            steps = self._steps = (len(self.code), self._prepare())
        return steps[1]

    def depending_on(self, moved: np.ndarray) -> tuple[list[tuple], np.ndarray]:
        """``(steps, dirty)``: the prepared steps that read the entries ``moved`` of ``w``
        (parameters), directly or through earlier steps' results, in program order, and the
        positions of ``w`` that they and ``moved`` make. Rerunning these steps on a ``w``
        computed for other values of ``moved`` only gives the same bits as the whole
        program (the same operations on the same operands)."""
        dirty = np.zeros(self.size, dtype=bool)
        dirty[moved] = True
        steps = []
        for step in self.prepared():
            kind, _, out, a, b = step
            reads = ([a] if kind in (0, 1, 3, 4) else []) + ([b] if kind in (3, 5) else []) \
                + ([v for v in a if v.__class__ is slice] if kind == 6 else [])
            if any(dirty[r].any() for r in reads):
                steps.append(step)
                dirty[out] = True
        return steps, np.flatnonzero(dirty)

    def _prepare(self) -> list[tuple]:
        """:attr:`code` as ``(kind, fn, out, a, b)`` with the slices of ``w`` made once."""
        def sl(v):
            return slice(v.off, v.off + v.size) if v.__class__ is Staged else v

        out = []
        for fn, off, size, args in self.code:
            o = slice(off, off + size)
            isp = [a.__class__ is Staged for a in args]
            if fn is None:
                out.append((0, None, o, args[0], None))
            elif len(args) == 1:
                out.append((1 if isp[0] else 2, fn, o, sl(args[0]), None))
            elif len(args) == 2 and (isp[0] or isp[1]):
                kind = 3 if isp[0] and isp[1] else 4 if isp[0] else 5
                out.append((kind, fn, o, sl(args[0]), sl(args[1])))
            else:
                out.append((6, fn, o, [sl(a) for a in args], None))
        return out
