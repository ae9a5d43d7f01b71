import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
TWOCGE = HERE / "data" / "twocge"
ONE_GOOD = HERE / "data" / "one_good"
SHIPPED = sorted(p for p in (HERE.parent / "data").glob("*") if (p / "meta.toml").is_file())


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "three_region: the module's tests are written for the three-region teaching set "
        "usjpn2024 (its numbers and its speed); it is their default data set")


@pytest.fixture(autouse=True, scope="module")
def _three_region_default(request):
    """Modules marked ``three_region`` (``pytestmark = pytest.mark.three_region``) run with
    usjpn2024 as the default data set instead of world2024. The default set's own tests are
    tests/test_world2024.py and tests/test_scenarios_2025.py."""
    if request.node.get_closest_marker("three_region") is None:
        yield
        return
    import cge.economy

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cge.economy, "DEFAULT_DATA", "usjpn2024")
        yield


@pytest.fixture(scope="session", autouse=True)
def _cache_folder(tmp_path_factory):
    """The on-disk cache (cge/cache.py) of the test session: a fresh folder, not the user's."""
    old = os.environ.get("CGE_CACHE_DIR")
    os.environ["CGE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cge-cache"))
    yield
    if old is None:
        os.environ.pop("CGE_CACHE_DIR", None)
    else:
        os.environ["CGE_CACHE_DIR"] = old


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
