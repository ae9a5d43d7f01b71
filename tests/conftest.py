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
