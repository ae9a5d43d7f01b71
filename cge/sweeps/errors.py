"""The error of an invalid sweep (:class:`SweepError`), shared by every module of the package."""

from __future__ import annotations

from ..scenario import ScenarioError


class SweepError(ScenarioError):
    """An invalid sweep (file, members or output folder); one line, with a hint."""
