"""The built wheel, installed with pip alone in a fresh virtual environment outside the
repository, brings its data and scenarios: ``cge data list``, ``cge scenarios copy``, the main
job (``cge run`` of a shipped scenario on the shipped default data) and ``cge check`` work
there, and the run's numbers are the checkout's.

It builds a wheel and installs numpy, scipy, pandas, Pyomo, ... into a new venv (from pip's
cache, else PyPI): about 1.5–2.5 minutes, so it runs in CI (.ci/run sets ``CGE_TEST_WHEEL=1``;
``CI=true`` too) and locally only when asked: ``CGE_TEST_WHEEL=1 python -m pytest tests/test_wheel.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    os.environ.get("CI", "").lower() != "true" and os.environ.get("CGE_TEST_WHEEL") != "1",
    reason="builds and installs the wheel (~2 min): runs in CI (CI=true) or with CGE_TEST_WHEEL=1")


def _run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float = 600):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, (f"{' '.join(map(str, cmd))} failed ({out.returncode}):\n"
                                 f"{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out


def _numbers_agree(a: Path, b: Path) -> None:
    """Two CSV tables of the same run: same shape and labels, numbers equal to 1e-8 relative
    (the venv's numpy/scipy may be newer than the checkout's: last digits may differ)."""
    x, y = pd.read_csv(a), pd.read_csv(b)
    assert list(x.columns) == list(y.columns) and x.shape == y.shape
    num = x.select_dtypes("number").columns
    assert len(num) > 0
    pd.testing.assert_frame_equal(x.drop(columns=num), y.drop(columns=num))
    np.testing.assert_allclose(x[num].to_numpy(float), y[num].to_numpy(float), rtol=1e-8, atol=1e-9)


def test_wheel_installs_with_pip_alone_and_runs_the_main_job(tmp_path):
    dist, env_dir, work, ref = (tmp_path / d for d in ("dist", "venv", "work", "ref"))
    work.mkdir()
    ref.mkdir()
    # the checkout's own run of the same job, meanwhile (the reference numbers)
    ref_env = dict(os.environ, PYTHONPATH=str(ROOT))
    reference = subprocess.Popen([sys.executable, "-m", "cge", "run",
                                  str(ROOT / "scenarios/us_autos_232.toml"), "--out", str(ref / "run")],
                                 cwd=ref, env=ref_env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)], ROOT)
        (wheel,) = dist.glob("cge-*.whl")
        venv.create(env_dir, with_pip=True)
        py = env_dir / "bin" / "python"
        # no cyipopt, no compiler, no system Ipopt: the core's dependencies are wheels
        _run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], work)
    finally:
        ref_out, ref_err = reference.communicate(timeout=600)
    assert reference.returncode == 0, ref_err[-3000:]

    cge = [str(env_dir / "bin" / "cge")]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CGE_DATA_DIR")}
    env["CGE_CACHE_DIR"] = str(tmp_path / "cache")
    version = wheel.name.split("-")[1]

    # the installed package is the one running, with the wheel's version
    probe = subprocess.run([str(py), "-c", "import importlib.util, cge; print(cge.__file__); "
                            "print(importlib.util.find_spec('cyipopt') is None)"],
                           cwd=work, env=env, capture_output=True, text=True)
    path, no_ipopt = probe.stdout.split()
    assert Path(path).is_relative_to(env_dir) and no_ipopt == "True"
    assert _run(cge + ["--version"], work, env=env).stdout.split()[-1] == version
    if (ROOT / ".git").exists() and shutil.which("git"):
        head = _run(["git", "rev-parse", "HEAD"], ROOT).stdout.strip()
        assert f"+g{head[:7]}" in version, (version, head)  # the metadata names the code revision

    listed = _run(cge + ["data", "list"], work, env=env).stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["usjpn2024", "wiod2011", "world2024"]
    assert "11 regions x 18 sectors  2024" in listed[2]  # meta.toml of data/world2024
    _run(cge + ["scenarios", "copy", "us_autos_232", "."], work, env=env)
    assert (work / "us_autos_232.toml").read_bytes() == (ROOT / "scenarios/us_autos_232.toml").read_bytes()

    # the main job, on the shipped default data
    _run(cge + ["run", "us_autos_232.toml", "--out", "run"], work, env=env)
    meta = json.loads((work / "run" / "metadata.json").read_text())
    assert meta["cge_version"] == version and meta["versions"]["cyipopt"] is None
    assert meta["data"]["name"] == "world2024" and meta["solve"]["max_residual"] <= 1e-9
    ref_meta = json.loads((ref / "run" / "metadata.json").read_text())
    assert meta["data"]["digest"] == ref_meta["data"]["digest"]  # the same bytes shipped
    for table in ("summary.csv", "trade.csv", "sectors.csv"):
        _numbers_agree(work / "run" / table, ref / "run" / table)

    # Ipopt asked for without the extra: one line naming the fix, exit code 2
    _run(cge + ["scenarios", "copy", "bilateral/us_autos_232", "bilateral"], work, env=env)
    fail = subprocess.run(cge + ["run", "bilateral/us_autos_232.toml", "--no-write", "--solver", "ipopt"],
                          cwd=work, env=env, capture_output=True, text=True)
    assert fail.returncode == 2 and "pip install 'cge[ipopt]'" in fail.stderr, fail.stderr
    assert len(fail.stderr.strip().splitlines()) == 1

    # the gate on the shipped data: every data set under every closure, no pipeline (no checkout)
    check = _run(cge + ["check"], work, env=env).stdout
    assert check.splitlines()[-1] == "all checks passed"
    assert sum(line.startswith(("usjpn2024:", "wiod2011:", "world2024:")) for line in check.splitlines()) == 3
    assert "calibration pipeline" not in check
