"""Text for one-line error messages, shared by every reader of user input.

Errors in cge are one line naming the file, the key or line, the offending value and a hint
(docs/reliability.md). These helpers show user-supplied names and values safely in such a
line: escaped when they hold line breaks or quotes, cut when they are long.
"""

from __future__ import annotations

from collections.abc import Iterable


def one_line(text: str) -> str:
    """``text`` with carriage returns and line feeds shown escaped (``\\r``, ``\\n``)."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def show(name: object, width: int = 40) -> str:
    """A name for a message: as is when plain, else quoted with escapes; cut after ``width``
    characters (the message then says how long the name is)."""
    s = str(name)
    if len(s) > width:
        return f"{s[:width]!r}… ({len(s)} characters)"
    plain = s != "" and s.isprintable() and s == s.strip() and not any(c in s for c in "'\",")
    return s if plain else repr(s)


def quote(value: object, width: int = 40) -> str:
    """An offending value for a message: always quoted (``repr``), long values cut."""
    if isinstance(value, str) and len(value) > width:
        return f"{value[:width]!r}… ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= width + 2 else text[:width] + "…"


def listing(names: Iterable[object], limit: int = 12) -> str:
    """Names for a hint, comma-separated (each as :func:`show`), cut after ``limit``."""
    names = list(names)
    text = ", ".join(show(n) for n in names[:limit])
    return text + (f", … ({len(names)} in all)" if len(names) > limit else "")


def first_lines(exc: BaseException, n: int = 2) -> str:
    """The first ``n`` non-empty lines of an error message, joined by ``"; "`` (for a solve
    error: what failed and the solver's status)."""
    return "; ".join(line.strip() for line in str(exc).splitlines()[:n] if line.strip())


def text_problem(raw: bytes, *, spreadsheet: bool = True) -> tuple[str, str] | None:
    """Why ``raw`` is not UTF-8 text, as ``(message, hint)``; None if it is (a BOM is fine).

    ``spreadsheet``: the hint names Excel's "CSV UTF-8" (for CSV files).
    """
    hint = "save the file as UTF-8" + (" (Excel: 'CSV UTF-8')" if spreadsheet else "")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "the file is UTF-16 (or UTF-32) text, not UTF-8", hint
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start:exc.start + 1].hex()
        return f"line {line}: byte 0x{byte} is not UTF-8 (Latin-1 or Windows-1252 text?)", hint
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return f"line {line}: NUL byte (UTF-16 text without a byte-order mark, or not text)", hint
    return None
