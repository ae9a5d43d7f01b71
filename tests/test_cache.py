"""The on-disk cache of LU orderings (cge/cache.py, CompiledModel.lu): reused by a fresh core
of the same model, rebuilt when the data, the closure or the structure change, harmless when
damaged, off or unwritable, and safe with two processes writing one entry at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import TWOCGE

import cge
import cge.core
from cge import cache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def lu_cache(tmp_path, monkeypatch):
    """A fresh cache folder, used for every size; counts the orderings actually computed."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CGE_CACHE_DIR", str(folder))
    monkeypatch.setattr(cge.core, "LU_CACHE_MIN_UNKNOWNS", 0)
    calls = []
    real = cge.core._lu_perm

    def counting(core, vals):
        calls.append(core.n)
        return real(core, vals)

    monkeypatch.setattr(cge.core, "_lu_perm", counting)
    return folder, calls, real


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("lu-*.npz")) if folder.is_dir() else []


def _first_lu(eco: cge.Economy):
    eco.core.cache.pop("lu", None)
    return eco.core.lu(eco.x_base, eco.p_base)


def test_a_fresh_core_reuses_the_ordering_and_solves_the_same(lu_cache, tmp_path):
    folder, calls, real = lu_cache
    scenario = cge.parse_scenario('name = "jpn"\n[[shock]]\nimporter = "USA"\n'
                                  'exporters = ["JPN"]\nsectors = ["BRD"]\nadd_pct = 25\n')
    first = cge.run(scenario, data=TWOCGE)
    assert len(calls) == 1 and len(_entries(folder)) == 1
    again = cge.run(scenario, data=TWOCGE)  # a new Economy, a new core: the ordering is read
    assert len(calls) == 1 and len(_entries(folder)) == 1
    np.testing.assert_array_equal(first.solution.x, again.solution.x)
    core = again.economy.core
    vals = core.jacobian_values(again.economy.x_base, again.economy.p_base)
    cached = cge.core._lu_order(core, vals)  # read from disk
    fresh = cge.core._lu_plan(core, *real(core, vals))  # computed
    assert len(calls) == 1
    for a, b in zip(cached, fresh):
        np.testing.assert_array_equal(a, b)


def test_editing_the_data_or_the_closure_rebuilds(lu_cache, tmp_path):
    folder, calls, _ = lu_cache
    data = tmp_path / "twocge"
    shutil.copytree(TWOCGE, data)
    _first_lu(cge.Economy(data))
    assert len(calls) == 1
    _first_lu(cge.Economy(data))
    assert len(calls) == 1  # same data, same closure: read from disk
    elas = data / "elasticities.csv"
    elas.write_text(elas.read_text().replace("BRD,1,2,2,2", "BRD,1,2,2.5,2", 1))
    _first_lu(cge.Economy(data))
    assert len(calls) == 2 and len(_entries(folder)) == 2  # the edit made a new key
    _first_lu(cge.Economy(data, closure="fixed_exchange_rate"))
    assert len(calls) == 3 and len(_entries(folder)) == 3


def test_a_damaged_or_wrong_entry_is_a_miss(lu_cache, tmp_path):
    folder, calls, _ = lu_cache
    eco = cge.Economy(TWOCGE)
    ref = _first_lu(eco).solve(np.ones(eco.core.n))
    (entry,) = _entries(folder)
    for damage in (b"", b"garbage", entry.read_bytes()[:40]):
        entry.write_bytes(damage)
        np.testing.assert_allclose(_first_lu(eco).solve(np.ones(eco.core.n)), ref, rtol=1e-12)
    n = eco.core.n
    wrong = {"rows": np.zeros(n, np.int32), "q": np.arange(n, dtype=np.int32)}  # no permutation
    with open(entry, "wb") as f:
        np.savez(f, **wrong)
    np.testing.assert_allclose(_first_lu(eco).solve(np.ones(n)), ref, rtol=1e-12)
    assert len(calls) == 5  # the first build, then every damaged entry recomputed
    hit = cache.load("lu", entry.stem[len("lu-"):])
    assert hit is not None and sorted(hit["rows"].tolist()) == list(range(n))  # rewritten


def test_off_or_unwritable_runs_without_a_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(cge.core, "LU_CACHE_MIN_UNKNOWNS", 0)
    monkeypatch.setenv("CGE_CACHE_DIR", "off")
    assert cache.folder() is None
    _first_lu(cge.Economy(TWOCGE))
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CGE_CACHE_DIR", str(blocker / "cache"))
    eco = cge.Economy(TWOCGE)
    _first_lu(eco)
    assert eco.core.cache["lu"] is not False
    monkeypatch.delenv("CGE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.folder() == tmp_path / "xdg" / "cge"


def test_the_key_covers_code_version_context_and_structure():
    rows, cols = np.array([0, 1]), np.array([1, 0])
    base = cache.key("lu", "data d; closure c", rows, cols)
    assert base == cache.key("lu", "data d; closure c", rows.copy(), cols.copy())
    assert base != cache.key("lu", "data e; closure c", rows, cols)
    assert base != cache.key("lu", "data d; closure c", cols, rows)
    assert base != cache.key("lu", "data d; closure c", rows.astype(np.int32), cols)
    assert base != cache.key("lu", "data d; closure c", rows, cols, "more")


WRITER = """
import sys
import numpy as np
from cge import cache
n, rounds = int(sys.argv[1]), int(sys.argv[2])
arrays = {"rows": np.arange(n, dtype=np.int32)[::-1].copy(), "q": np.arange(n, dtype=np.int32)}
for _ in range(rounds):
    assert cache.store("lu", "same", arrays) is not None
"""


def test_two_processes_writing_one_entry_at_once(tmp_path, monkeypatch):
    """Both writers replace the whole file; a reader sees no entry or a complete one."""
    monkeypatch.setenv("CGE_CACHE_DIR", str(tmp_path))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    n = 200_000
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(n), "30"], env=env)
             for _ in range(2)]
    seen = 0
    while any(p.poll() is None for p in procs):
        hit = cache.load("lu", "same")
        if hit is not None:
            seen += 1
            assert hit["rows"].shape == (n,) and hit["rows"][0] == n - 1 and hit["q"][-1] == n - 1
    assert all(p.returncode == 0 for p in procs)
    assert [p.name for p in tmp_path.iterdir()] == ["lu-same.npz"]  # no temporary file left
    assert cache.load("lu", "same") is not None
