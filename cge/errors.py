"""The errors of invalid input: base-year data (:class:`DataError`) and scenario files
(:class:`ScenarioError`), shared by the modules that read them; and a missing optional extra."""

from __future__ import annotations

from .text import one_line


class DataError(ValueError):
    """Invalid base-year data. The message names file, row/column, value and a hint.

    The message is always one line: newlines (e.g. from a name) are shown escaped.

    Attributes:
        file: the file at fault (e.g. ``"sam.csv"``), or None.
        hint: what would fix it, or None.
    """

    def __init__(self, message: str, *, file: str | None = None, hint: str | None = None):
        self.file = file
        self.hint = hint
        text = f"{file}: {message}" if file else message
        if hint:
            text += f" (hint: {hint})"
        super().__init__(one_line(text))


class ScenarioError(ValueError):
    """An invalid scenario; the message names the file, shock and field, with a hint.

    The message is always one line: newlines (e.g. from a name) are shown escaped.
    """

    def __init__(self, message: str, *, hint: str | None = None):
        self.hint = hint
        super().__init__(one_line(message + (f" (hint: {hint})" if hint else "")))


class MissingExtra(ImportError):
    """An optional dependency a feature needs is not installed. The message is one line naming
    the feature and the ``pip install 'cge[EXTRA]'`` that brings it."""

    def __init__(self, feature: str, module: str, extra: str):
        self.extra = extra
        super().__init__(one_line(f"{feature} needs {module}, which is not installed (hint: pip "
                                  f"install 'cge[{extra}]'; docs/install.md)"), name=module)
