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
import cge.core.compiled
import cge.core.compiler
from cge import cache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def lu_cache(tmp_path, monkeypatch):
    """A fresh cache folder, used for every size; counts the orderings actually computed."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CGE_CACHE_DIR", str(folder))
    monkeypatch.setattr(cge.core.compiled, "LU_CACHE_MIN_UNKNOWNS", 0)
    calls = []
    real = cge.core.compiled._lu_perm

    def counting(core, vals):
        calls.append(core.n)
        return real(core, vals)

    monkeypatch.setattr(cge.core.compiled, "_lu_perm", counting)
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
    cached = cge.core.compiled._lu_order(core, vals)  # read from disk
    fresh = cge.core.compiled._lu_plan(core, *real(core, vals))  # computed
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
        cache.write_file(f, wrong)  # a well-formed entry holding a wrong ordering
    np.testing.assert_allclose(_first_lu(eco).solve(np.ones(n)), ref, rtol=1e-12)
    assert len(calls) == 5  # the first build, then every damaged entry recomputed
    hit = cache.load("lu", entry.stem[len("lu-"):])
    assert hit is not None and sorted(hit["rows"].tolist()) == list(range(n))  # rewritten


def test_off_or_unwritable_runs_without_a_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(cge.core.compiled, "LU_CACHE_MIN_UNKNOWNS", 0)
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


# ------------------------------------------------------------------------------------------
# the compiled core (core.compiled_core, core.export_vector / _CachedBackend)
# ------------------------------------------------------------------------------------------

USJPN = ROOT / "data" / "usjpn2024"


def _cores(folder: Path) -> list[Path]:
    return sorted(folder.glob("core-*.npz")) if folder.is_dir() else []


@pytest.fixture
def core_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CGE_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache, "CORE_MIN_EQUATIONS", 0)  # usjpn2024 (565) is below it
    return folder


def _points(eco: cge.Economy):
    """The benchmark and a shocked point: every free variable moved by up to 3% (a fixed
    pattern) and a 25-point tariff on the first trade flow."""
    x0, p0 = eco.x_base, list(eco.p_base)
    x1 = x0 * (1 + 0.03 * np.sin(np.arange(len(x0))))
    flow = next(iter(eco.model.tm))
    eco.set_tariffs({flow: eco.benchmark.tm[flow] + 0.25})
    p1 = eco.core.params()
    eco.reset()
    assert p1 != p0
    return [(x0, p0), (x1, p1)]


def _assert_identical(cached, fresh, points) -> None:
    """Bit for bit: the same arithmetic on the same arrays (assert_array_equal: NaN = NaN)."""
    np.testing.assert_array_equal(cached.rows, fresh.rows)
    np.testing.assert_array_equal(cached.cols, fresh.cols)
    assert [v.name for v in cached.variables] == [v.name for v in fresh.variables]
    assert [q.name for q in cached.param_objects] == [q.name for q in fresh.param_objects]
    for x, p in points:
        np.testing.assert_array_equal(cached.residual(x, p), fresh.residual(x, p))
        np.testing.assert_array_equal(cached.jacobian_values(x, p), fresh.jacobian_values(x, p))
        np.testing.assert_array_equal(cached.dropped_residuals(x, p),
                                      fresh.dropped_residuals(x, p))
        np.testing.assert_array_equal(cached.output_values(x, p), fresh.output_values(x, p))


def test_a_cached_core_is_bit_identical_to_a_fresh_one(core_cache):
    first = cge.Economy(USJPN)
    assert not first.core_cached and len(_cores(core_cache)) == 1
    eco = cge.Economy(USJPN)
    assert eco.core_cached and eco.core.backend == "vector"
    assert eco.core.variables[0] is eco.model.component(eco.core.variables[0].parent_component()
                                                        .name)[eco.core.variables[0].index()]
    fresh = cge.core.compile_model(eco.model)  # the same Pyomo model, compiled afresh
    _assert_identical(eco.core, fresh, _points(eco))
    # and it solves: the scenario's result equals the freshly compiled economy's
    scenario = cge.parse_scenario('name = "jpn"\n[[shock]]\nimporter = "USA"\n'
                                  'exporters = ["JPN"]\nsectors = ["AUTO"]\nadd_pct = 25\n')
    np.testing.assert_array_equal(cge.run(scenario, economy=eco).solution.x,
                                  cge.run(scenario, economy=first).solution.x)


def test_data_closure_elasticities_and_code_changes_rebuild(core_cache, tmp_path, monkeypatch):
    data = tmp_path / "usjpn"
    shutil.copytree(USJPN, data)
    assert not cge.Economy(data).core_cached
    assert cge.Economy(data).core_cached
    elas = data / "elasticities.csv"
    text = elas.read_text()
    old = text.splitlines()[1]  # long_run,AGR,0.23,...: sigma_va 0.23 -> 0.24
    elas.write_text(text.replace(old, old.replace(",0.23,", ",0.24,", 1), 1))
    edited = cge.Economy(data)
    assert not edited.core_cached and len(_cores(core_cache)) == 2  # the edit made a new key
    assert cge.Economy(data).core_cached
    assert not cge.Economy(data, closure="fixed_exchange_rate").core_cached
    assert not cge.Economy(data, elasticities="short_run").core_cached
    assert len(_cores(core_cache)) == 4
    monkeypatch.setattr(cache, "_CODE_VERSION", "another version of the sources")
    assert not cge.Economy(data).core_cached and len(_cores(core_cache)) == 5


def test_the_code_version_is_a_digest_of_the_sources(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "model").mkdir(parents=True)
    (pkg / "core.py").write_text("A = 1\n")
    (pkg / "model" / "prices.py").write_text("B = 2\n")
    base = cache.source_digest(pkg)
    assert cache.source_digest(pkg) == base
    (pkg / "model" / "prices.py").write_text("B = 3\n")
    assert cache.source_digest(pkg) != base
    (pkg / "model" / "prices.py").write_text("B = 2\n")
    assert cache.source_digest(pkg) == base
    (pkg / "model" / "new.py").write_text("")
    assert cache.source_digest(pkg) != base
    assert len(cache.code_version()) == 64


def _tamper(entry: Path, edit) -> None:
    import json

    arrays = cache.read_file(entry)
    meta = json.loads(arrays["meta"].tobytes().decode())
    edit(meta, arrays)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(entry, "wb") as f:
        cache.write_file(f, arrays)


HOSTILE = "0\nimport os\nos.system('touch PWNED')\n"  # breaks out of the function


def test_a_damaged_or_hostile_entry_is_rebuilt_quietly(core_cache, tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    ref = cge.Economy(USJPN)
    (entry,) = _cores(core_cache)
    good = entry.read_bytes()
    damages = [lambda: entry.write_bytes(b""), lambda: entry.write_bytes(b"garbage"),
               lambda: entry.write_bytes(good[: len(good) // 2]),
               lambda: entry.write_bytes(good[:-100] + bytes(100)),
               lambda: _tamper(entry, lambda m, a: m["functions"][0][0][0].__setitem__(1, HOSTILE)),
               lambda: _tamper(entry, lambda m, a: m["functions"][1][0][0].__setitem__(
                   1, "__import__('os').system('touch PWNED')")),
               lambda: _tamper(entry, lambda m, a: m["functions"][2][0][0].__setitem__(
                   1, "_m.load('/etc/passwd')")),
               lambda: _tamper(entry, lambda m, a: m["variables"].pop()),
               lambda: _tamper(entry, lambda m, a: m["components"].__setitem__(0, "nothing")),
               lambda: _tamper(entry, lambda m, a: a.pop("jac_pos"))]
    for damage in damages:
        entry.write_bytes(good)
        damage()
        eco = cge.Economy(USJPN)
        assert not eco.core_cached
        _assert_identical(eco.core, ref.core, _points(eco)[:1])
        assert entry.read_bytes() == good  # rewritten whole
    assert not list(tmp_path.rglob("PWNED"))
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_the_source_check_admits_arithmetic_only():
    good = ("def residual(x, p):\n    r = [0.0] * 2\n    r[0] = x[p[0]] ** 2.5 - _m.exp(x[0:3])\n"
            "    r[1] = p[1](r[0]) / -x[p[2]][1]\n    return r\n")
    src = good + good.replace("residual", "jacobian") + good.replace("residual", "dropped")
    cge.core.compiler._check_source(src)
    for ok in ("r[1] = 1e-05 * x[0] + 1E+05 - .5 / 5.", "r[1] = x[1:2:3]", "r[1] = -x[0] ** -2"):
        cge.core.compiler._check_source(
            src.replace("    r[1] = p[1](r[0]) / -x[p[2]][1]\n", f"    {ok}\n", 1))
    for bad in ("r[0] = x.__class__", "r[0] = open('f')", "r[0] = _m.save('f', x)",
                "r[0] = p[0](x, out=x)", "r[0] = 'text'", "import os", "del r[0]",
                "r[0] = [y for y in x]", "r[0] = lambda: 0", "x[0] = 1.0",
                # attributes reached another way, names hidden in numbers, keywords, operators
                # that are not arithmetic, comments, non-ASCII names, two statements on a line
                "r[0] = (1).__class__", "r[0] = _m.exp.__call__", "r[0] = _m .exp(1)",
                "r[0] = 1.real", "r[0] = 1j", "r[0] = 0x1F", "r[0] = x1", "r[0] = x_m.exp(1)",
                "r[0] = _m.expm1(1)", "r[0] = not x", "r[0] = x if p else r", "r[0] = x == p",
                "r[0] = x[0]  # c", "r[0] = \u00e9", "r[0] = x; import os", "r[0] = __import__",
                "r[0] = x\\", "    r[0] = x", "r[0] = (r := x)"):
        with pytest.raises(ValueError):
            cge.core.compiler._check_source(src.replace("    r[1] = p[1](r[0]) / -x[p[2]][1]\n",
                                               f"    {bad}\n", 1))


CORE_WRITER = """
import sys
import cge
import cge.cache
cge.cache.CORE_MIN_EQUATIONS = 0  # usjpn2024 (565 equations) is below it
eco = cge.Economy(sys.argv[1])
print(int(eco.core_cached), eco.replication()["max_residual"] <= 1e-9)
"""


def test_small_cores_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("CGE_CACHE_DIR", str(tmp_path))
    assert cache.CORE_MIN_EQUATIONS > 565  # usjpn2024's 565 equations: compiled every time
    assert not cge.Economy(USJPN).core_cached and not cge.Economy(USJPN).core_cached
    assert not _cores(tmp_path)


def test_two_processes_compiling_one_core_at_once(core_cache):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", CORE_WRITER, str(USJPN)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all(out.split()[1] == "True" and "Traceback" not in err for out, err in outs)
    assert [p.name for p in core_cache.iterdir()] == [_cores(core_cache)[0].name]  # no temp
    eco = cge.Economy(USJPN)
    assert eco.core_cached
    _assert_identical(eco.core, cge.core.compile_model(eco.model), _points(eco))


def test_an_entry_holds_its_arrays_in_one_blob(tmp_path, monkeypatch):
    """An entry file is two archive members (the blob and its index) whatever the number of
    arrays; every array reads back with its dtype, shape and bits; an index pointing outside
    the blob, or at bytes that do not make the recorded shape, is refused; so is an array that
    would need pickling."""
    import json

    arrays = {"f": np.linspace(0.0, 1.0, 7), "i": np.arange(12, dtype=np.int32).reshape(3, 4),
              "b": np.array([True, False, True]), "u": np.frombuffer(b"{json}", np.uint8),
              "empty": np.zeros((0, 5)), "scalar": np.array(2.5)}
    path = tmp_path / "e.npz"
    with open(path, "wb") as f:
        cache.write_file(f, arrays)
    with np.load(path, allow_pickle=False) as z:
        assert sorted(z.files) == ["blob", "index"]
        index = json.loads(z["index"].tobytes().decode())
    back = cache.read_file(path)
    assert list(back) == list(arrays)
    for name, a in arrays.items():
        assert back[name].dtype == a.dtype and back[name].shape == a.shape
        np.testing.assert_array_equal(back[name], a)
        assert back[name].flags.writeable and back[name].flags.aligned
    blob = np.load(path)["blob"]
    for edit in (lambda ix: ix[0].__setitem__(3, blob.size), lambda ix: ix[1].__setitem__(4, 8),
                 lambda ix: ix[1].__setitem__(1, "|O"), lambda ix: ix[2].__setitem__(3, 3)):
        bad = json.loads(json.dumps(index))
        edit(bad)
        with open(path, "wb") as f:
            np.savez(f, index=np.frombuffer(json.dumps(bad).encode(), np.uint8), blob=blob)
        with pytest.raises((ValueError, TypeError)):
            cache.read_file(path)
    with pytest.raises(TypeError, match="cannot be cached"), open(path, "wb") as f:
        cache.write_file(f, {"o": np.array([object()])})
    monkeypatch.setenv("CGE_CACHE_DIR", str(tmp_path / "c"))  # store: not written, no error
    assert cache.store("x", "d", {"o": np.array([object()])}) is None
    assert not list((tmp_path / "c").iterdir())  # nor a temporary file left behind
