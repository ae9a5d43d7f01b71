"""The data sets and scenarios that ship with cge: where they are, what they are, and copies of
them for a working folder (``cge data list``, ``cge scenarios list|copy``, ``cge init``).

The repository keeps them in its top-level ``data/`` and ``scenarios/`` folders; a built wheel
carries the same files as package data, in ``cge/_shipped/data`` and ``cge/_shipped/scenarios``
(copied there by the build, ``setup.py``). :func:`data_dir` and :func:`scenarios_dir` find
them through :mod:`importlib.resources` in an installed package, else in the checkout the
package is imported from (an editable install, ``PYTHONPATH``); ``CGE_DATA_DIR`` overrides
the data folder. Only the standard library is imported here (``cge --help`` stays cheap).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .meta import DEFAULT_DATA
from .text import listing

#: Folder, inside the package, of the files a wheel carries (``setup.py`` copies them there).
SHIPPED = "_shipped"

#: How ``cge init`` tells a new working folder's user what to do (its README.md).
INIT_README = """\
# cge working folder

Scenarios copied from the cge package (`cge scenarios list` lists them with their data sets).
Run one from this folder (outputs go to `./NAME/`):

    cge run scenarios/us_autos_232.toml

Edit a copy or write your own (docs/scenarios.md of the cge repository); `cge data list`
lists the shipped data sets, `cge --help` every command.
"""


class ShippedError(ValueError):
    """A name that is not one of the shipped data sets or scenarios, or a copy refused (it
    would overwrite a file). One line, with a hint."""

    def __init__(self, message: str, *, hint: str | None = None):
        self.hint = hint
        super().__init__(message + (f" (hint: {hint})" if hint else ""))


def _folder(kind: str) -> Path:
    """The folder of the shipped ``kind`` (``"data"`` or ``"scenarios"``): the package's own
    copy (an installed wheel), else the checkout's top-level folder."""
    packaged = resources.files(__package__) / SHIPPED / kind
    if packaged.is_dir():
        if not isinstance(packaged, Path):  # pragma: no cover - a zipped package
            raise ShippedError(f"the shipped {kind} are inside an archive ({packaged}), not a folder",
                               hint="install cge as files (pip install cge), not as a zip")
        return packaged
    return Path(__file__).resolve().parent.parent / kind


def data_dir() -> Path:
    """Folder of the shipped data sets (``CGE_DATA_DIR`` if set)."""
    env = os.environ.get("CGE_DATA_DIR")
    return Path(env) if env else _folder("data")


def scenarios_dir() -> Path:
    """Folder of the shipped scenarios (the repository's ``scenarios/``)."""
    return _folder("scenarios")


@dataclass(frozen=True)
class DataInfo:
    """A shipped data set as ``cge data list`` shows it (from its ``meta.toml`` alone)."""

    name: str
    regions: int
    sectors: int
    #: the year its name ends with (the shipped names do: world2024, wiod2011), else None
    year: int | None
    unit: str
    #: the first line of its description
    summary: str

    def line(self) -> str:
        """One line: name, regions x sectors, year, unit, summary (and ``default``)."""
        year = str(self.year) if self.year is not None else "-"
        mark = " (default)" if self.name == DEFAULT_DATA else ""
        return (f"{self.name + mark:<20} {self.regions:>3} regions x {self.sectors:>2} sectors  {year}  "
                f"{self.unit}  {_clip(self.summary, 70)}")


def datasets() -> list[DataInfo]:
    """The shipped data sets (folders of :func:`data_dir` holding a ``meta.toml``), by name."""
    out = []
    root = data_dir()
    for p in sorted(root.iterdir()) if root.is_dir() else []:
        if not (p / "meta.toml").is_file():
            continue
        meta = tomllib.loads((p / "meta.toml").read_text(encoding="utf-8"))
        m = re.search(r"((?:19|20)\d\d)$", p.name)
        desc = str(meta.get("description", "")).strip().splitlines()
        out.append(DataInfo(p.name, len(meta.get("regions", [])), len(meta.get("sectors", [])),
                            int(m.group(1)) if m else None, str(meta.get("unit", "")),
                            desc[0] if desc else ""))
    return out


@dataclass(frozen=True)
class ScenarioInfo:
    """A shipped scenario as ``cge scenarios list`` shows it."""

    #: its path under the scenarios folder without ``.toml``: ``us_autos_232``, ``bilateral/...``
    name: str
    path: Path
    #: ``"scenario"`` or ``"sweep"`` (a file of :mod:`cge.sweeps`, run with ``cge sweep``)
    kind: str
    #: the data set it names (None: the default)
    data: str | None
    description: str

    def line(self) -> str:
        """One line: name, kind, data set, description."""
        return (f"{self.name:<36} {self.kind:<8} {self.data or DEFAULT_DATA:<10} "
                f"{_clip(self.description, 70)}")


def scenarios() -> list[ScenarioInfo]:
    """The shipped scenario and sweep files, by name (subfolders after the top level)."""
    root = scenarios_dir()
    out = []
    for p in sorted(root.rglob("*.toml"), key=lambda q: (len(q.relative_to(root).parts), q.as_posix())):
        text = tomllib.loads(p.read_text(encoding="utf-8"))
        kind = "sweep" if "axis" in text else "scenario"
        out.append(ScenarioInfo(p.relative_to(root).with_suffix("").as_posix(), p, kind,
                                text.get("data"), str(text.get("description", ""))))
    return out


def find_scenario(name: str) -> ScenarioInfo:
    """The shipped scenario ``name`` (``us_autos_232``, ``bilateral/jpn_auto_ver``; ``.toml``
    and a leading ``scenarios/`` may be given). Raises :class:`ShippedError`."""
    key = name.removesuffix(".toml").removeprefix("scenarios/")
    found = {s.name: s for s in scenarios()}
    if key in found:
        return found[key]
    near = [n for n in found if n.rsplit("/", 1)[-1] == key.rsplit("/", 1)[-1]]
    raise ShippedError(f"no shipped scenario {name!r}",
                       hint=(f"did you mean {listing(near)}? " if near else "")
                       + "`cge scenarios list` lists them")


def copy_scenario(name: str, dest: str | Path = ".", *, force: bool = False) -> Path:
    """Copy the shipped scenario ``name`` into the folder ``dest`` (made if missing) as
    ``NAME.toml`` (its file name, without a subfolder); returns the new file's path.

    Raises:
        ShippedError: an unknown name, or the file exists (and ``force`` is not given).
    """
    sc = find_scenario(name)
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise ShippedError(f"{dest} is a file, not a folder", hint="give the folder to copy into")
    target = dest / sc.path.name
    if target.exists() and not force:
        raise ShippedError(f"{target} exists", hint="give another folder, or --force to replace it")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sc.path, target)
    return target


def init_folder(folder: str | Path) -> list[Path]:
    """Lay out a working folder: every shipped scenario under ``folder/scenarios/`` (with its
    subfolders) and a ``README.md`` saying how to run one. ``folder`` must not exist or be
    empty; it is written whole or not at all. Returns the files written.

    Raises:
        ShippedError: ``folder`` exists and is not an empty folder.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ShippedError(f"{folder} exists and is not an empty folder",
                           hint="give a new folder; cge init never overwrites")
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    try:
        tmp.chmod(0o755)  # mkdtemp's folder is the owner's only; a working folder is not
        shutil.copytree(scenarios_dir(), tmp / "scenarios",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (tmp / "README.md").write_text(INIT_README, encoding="utf-8")
        if folder.exists():
            folder.rmdir()
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
