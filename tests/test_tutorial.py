"""The tutorial (examples/tutorial.py) runs as a newcomer would run it: a fresh process, outside
the repository, writing only into the folder it is given. Its own checks (identities and closure
definitions, see the script) make it exit non-zero if a step goes wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_tutorial_runs_end_to_end(tmp_path):
    out = tmp_path / "tutorial"
    env = {**os.environ, "MPLBACKEND": "svg"}  # no display; the script must not need one
    env.pop("DISPLAY", None)
    run = subprocess.run([sys.executable, str(ROOT / "examples" / "tutorial.py"), str(out)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "tutorial check failed" not in run.stdout
    assert run.stdout.count("  ok: ") == 11  # every check of the six steps was reached
    for name in ("us_autos_232/report.md", "us_autos_232/tables/summary.tex",
                 "us_autos_232/figures/ev_by_region.svg", "ssa/ssa_ev.svg", "my_data/sam.csv"):
        assert (out / name).is_file(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tutorial"]  # nothing written elsewhere
