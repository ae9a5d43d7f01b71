"""The version of cge (one place; the package and its outputs read it from here).

It comes from git: setuptools-scm writes ``cge/_version.py`` when the package is built or
installed (``0.1.devN+gHASH``: N commits, HASH the code revision; ``.dYYYYMMDD`` when the tree
had uncommitted changes). An editable install names the commit it was installed at (install
again to refresh it). Without that file (a source tree never built nor installed) the installed
distribution's version, else ``0+unknown``.
"""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # never built nor installed from here
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__ = version("cge")
    except PackageNotFoundError:
        __version__ = "0+unknown"
