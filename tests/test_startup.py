"""Cold start: what ``import cge``, the command line's ``--help`` and a run import.

Each check runs a fresh interpreter (the test process has everything imported already) and
reads its ``sys.modules``; nothing here measures a time (benchmarks/bench_startup.py does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pyomo", "pandas", "scipy", "matplotlib", "xarray", "dask", "cyipopt")

PROBE = """
import json, sys
{code}
mods = sorted({{m.split(".")[0] for m in sys.modules}}
            | {{m for m in sys.modules if m.startswith(("scipy.", "matplotlib."))}})
print("MODULES=" + json.dumps(mods))
"""


def imported(code: str, tmp_path: Path) -> set[str]:
    """Top-level packages (and scipy, matplotlib submodules) in ``sys.modules`` after running ``code`` in a
    fresh interpreter whose current folder is ``tmp_path``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("MPLBACKEND", None)
    out = subprocess.run([sys.executable, "-c", PROBE.format(code=code)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    line = [s for s in out.stdout.splitlines() if s.startswith("MODULES=")][-1]
    return set(json.loads(line[len("MODULES="):]))


def test_import_cge_imports_nothing_heavy(tmp_path):
    mods = imported("import cge\nassert cge.__version__", tmp_path)
    assert not mods & set(HEAVY), mods & set(HEAVY)


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["sweep", "--help"],
                                  ["--version"]])
def test_cli_help_imports_nothing_heavy(tmp_path, args):
    """Building the parser and printing help loads click, not the model's libraries."""
    code = ("from cge.cli import main\n"
            f"try:\n    main({args!r}, prog_name='cge')\nexcept SystemExit as e:\n"
            "    assert e.code in (0, None), e.code\n")
    mods = imported(code, tmp_path)
    assert "click" in mods
    assert not mods & set(HEAVY), mods & set(HEAVY)


def test_public_api_is_there_when_used(tmp_path):
    """``cge.<name>`` of every public name resolves (imported on first use)."""
    code = ("import cge\n"
            "for name in cge.__all__:\n    assert getattr(cge, name) is not None, name\n"
            "from cge import Economy, run, CLOSURES\n"
            "assert 'default' in CLOSURES and callable(run) and Economy.__name__ == 'Economy'\n"
            "assert cge.report.write_outputs and cge.core.compile_model\n"
            "try:\n    cge.no_such_name\nexcept AttributeError:\n    pass\n"
            "else:\n    raise AssertionError('no AttributeError')\n")
    imported(code, tmp_path)


def test_a_run_does_not_import_scipy_stats_nor_matplotlib(tmp_path):
    """A solve needs scipy.sparse only: Pyomo's scipy hook (which imports scipy.stats,
    integrate and spatial) is not triggered, and no figure means no matplotlib."""
    scenario = ROOT / "scenarios" / "us_autos_232.toml"
    code = ("import cge\n"
            f"res = cge.run({str(scenario)!r})\n"
            "assert res.describe()\n")
    mods = imported(code, tmp_path)
    assert {"pyomo", "scipy", "scipy.sparse", "pandas"} <= mods
    assert not mods & {"scipy.stats", "scipy.integrate", "scipy.spatial", "matplotlib",
                       "xarray", "dask", "cyipopt"}, mods


def test_pyomo_still_gets_scipy_when_it_asks(tmp_path):
    """The deferred scipy of Pyomo's dependency table still resolves (with its submodules)."""
    code = ("import cge.core\n"
            "from pyomo.common.dependencies import scipy, scipy_available\n"
            "assert bool(scipy_available)\nimport sys\nassert 'scipy.stats' in sys.modules\n"
            "assert scipy.sparse.csc_matrix is cge.core.compiled.csc_matrix\n")
    imported(code, tmp_path)


def test_writing_figures_does_not_import_pyplot(tmp_path):
    """Figures are drawn on their own Agg canvas: neither cge nor Pyomo's matplotlib hook
    imports pyplot (which would also pick the process's backend)."""
    scenario = ROOT / "scenarios" / "us_autos_232.toml"
    code = ("import cge, cge.report\n"
            f"res = cge.run({str(scenario)!r})\n"
            "out = cge.report.write_outputs(res, 'out')\n"
            "assert (out / 'figures' / 'ev_by_region.svg').is_file()\n")
    mods = imported(code, tmp_path)
    assert "matplotlib" in mods and "matplotlib.pyplot" not in mods


def test_only_a_process_of_its_own_freezes_the_garbage_collector(tmp_path):
    """``cge`` (the console script) keeps long-lived objects out of the collector's passes;
    the same command called in a longer-lived process (here, the test's) does not."""
    import gc

    from click.testing import CliRunner

    from cge.cli import main

    scenario = ROOT / "scenarios" / "us_autos_232.toml"
    before = gc.get_freeze_count()
    out = CliRunner().invoke(main, ["run", str(scenario), "--no-write"])
    assert out.exit_code == 0, out.output
    assert gc.get_freeze_count() == before
    code = ("import gc\nfrom cge.cli import console\nimport sys\n"
            f"sys.argv = ['cge', 'run', {str(scenario)!r}, '--no-write']\n"
            "try:\n    console()\nexcept SystemExit as e:\n    assert e.code in (0, None)\n"
            "assert gc.get_freeze_count() > 0\n")
    imported(code, tmp_path)


def test_the_console_script_runs_blas_on_one_thread_unless_the_user_sets_it():
    """cge.cli.one_blas_thread_env: OPENBLAS_NUM_THREADS=1 in an environment without a BLAS
    thread count, nothing changed where the user set one; in a fresh console process the
    OpenBLAS that numpy loads then reports one thread (threadpoolctl), and the user's 2 stays."""
    from cge.cli import BLAS_THREAD_VARIABLES, one_blas_thread_env

    env: dict[str, str] = {}
    assert one_blas_thread_env(env) and env == {"OPENBLAS_NUM_THREADS": "1"}
    for v in BLAS_THREAD_VARIABLES:
        env = {v: "3"}
        assert not one_blas_thread_env(env) and env == {v: "3"}
    code = ("import sys, json; import cge.cli as c; sys.argv = ['cge', '--version']\n"
            "try:\n    c.console()\nexcept SystemExit:\n    pass\n"
            "import numpy\nfrom threadpoolctl import threadpool_info\n"
            "import os\n"
            "print('BLAS=' + json.dumps([os.environ.get('OPENBLAS_NUM_THREADS'), sorted({"
            "i['num_threads'] for i in threadpool_info() if i['internal_api'] == 'openblas'})]))")
    # the user's 2 is left as it is (how many threads OpenBLAS then starts depends on the cores)
    for user, want in ((None, ["1", [1]]), ("2", "2")):
        env = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES}
        env["PYTHONPATH"] = str(ROOT)
        if user:
            env["OPENBLAS_NUM_THREADS"] = user
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        line = [s for s in out.stdout.splitlines() if s.startswith("BLAS=")][-1]
        got = json.loads(line[5:])
        if user is None and not got[1]:  # pragma: no cover - a numpy without OpenBLAS
            got[1] = [1]  # (the variable is what cge sets; another BLAS does not read it)
        assert (got if user is None else got[0]) == want
