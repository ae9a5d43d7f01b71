"""Build step of the wheel: the repository's top-level ``data/`` and ``scenarios/`` folders
become package data, ``cge/_shipped/data`` and ``cge/_shipped/scenarios``, found with
:mod:`importlib.resources` by :mod:`cge.shipped` once installed. Everything else is in
pyproject.toml. An editable install copies nothing: :mod:`cge.shipped` reads the checkout's
folders themselves."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: The repository's folders the wheel carries, and where they go inside the package.
SHIPPED = {"data": "cge/_shipped/data", "scenarios": "cge/_shipped/scenarios"}


class BuildWithShipped(build_py):
    """``build_py`` that also copies :data:`SHIPPED` into the build (not for an editable install)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        for src, dest in SHIPPED.items():
            target = Path(self.build_lib) / dest
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(root / src, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        out = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return out
        return out + [str(p) for dest in SHIPPED.values() for p in (Path(self.build_lib) / dest).rglob("*")
                      if p.is_file()]


setup(cmdclass={"build_py": BuildWithShipped})
