"""Probes of what the solvers do, shared by the solver tests."""

from __future__ import annotations


def count_factorisations(monkeypatch, core) -> list:
    """A list that gets one item per full factorisation of ``core``'s Jacobian
    (``CompiledModel.factorize``, which every exact LU goes through) while the test runs."""
    calls: list = []
    orig = type(core).factorize

    def counted(self, *a, **k):
        calls.append(1)
        return orig(self, *a, **k)

    monkeypatch.setattr(type(core), "factorize", counted)
    return calls
