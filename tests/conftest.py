import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
TWOCGE = HERE / "data" / "twocge"
ONE_GOOD = HERE / "data" / "one_good"
SHIPPED = sorted(p for p in (HERE.parent / "data").glob("*") if (p / "meta.toml").is_file())


@pytest.fixture(scope="session")
def twocge():
    import cge

    return cge.load_dataset(TWOCGE)


#: A scenario whose every part changes the results (tests/test_sweep.py checks it): 25 points
#: on Japanese autos, 2% more US capital, tariff revenue rebated to households, and the US wage
#: fixed instead of US employment (a swap).
POLICY = """name = "autos_labour"
revenue = "household"
swap = [["emp[USA,LAB]", "pf[USA,LAB]"]]

[[shock]]
importer = "USA"
exporters = ["JPN"]
sectors = ["AUTO"]
add_pct = 25

[[instrument]]
parameter = "endow"
index = ["USA", "CAP"]
mul = 1.02
"""
