"""Output folders: default names, checks, atomic folders and atomic single files.

A run's outputs are written into a temporary sibling folder that is renamed into place at the
end (:func:`atomic_dir`), so a failed or interrupted run leaves neither an output folder nor a
temporary one behind. :func:`atomic_write` writes one file the same way (a temporary file in
the same folder, flushed to disk, renamed into place): ``metadata.json`` of every output
folder, and a sweep's manifest, chunks and results.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

#: File written last into every output folder; its presence marks a folder written by cge.
METADATA = "metadata.json"


class OutputError(ValueError):
    """An output folder cannot be used (it exists, is a file, or is not a cge output)."""


def default_dir(name: str, base: str | Path | None = None) -> Path:
    """The default output folder: ``name`` made safe for a file name, in ``base`` (cwd).

    Characters other than letters, digits, ``_``, ``-`` and ``.`` become ``_``, as does ``..``;
    leading and trailing ``.``/``_`` are dropped.
    """
    safe = re.sub(r"[^\w.\-]+|\.\.+", "_", name)  # no separators, spaces or ".."
    safe = re.sub(r"__+", "_", safe).strip("._") or "run"
    return Path(base if base is not None else Path.cwd()) / safe


def check_target(out: str | Path, overwrite: bool = False) -> Path:
    """Check that ``out`` can receive outputs; return it as an absolute path.

    Usable: a path that does not exist, an empty folder, or, with ``overwrite``, a folder
    written earlier by cge (it has ``metadata.json`` from cge) that is not the current folder
    or one of its parents. Raises :class:`OutputError` otherwise.
    """
    path = Path(out).absolute()
    base = next(p for p in path.parents if p.exists())
    if not path.exists() and not base.is_dir():
        raise OutputError(f"{out}: {base} is not a folder")
    if not os.access(base if not path.exists() else path.parent, os.W_OK):
        raise OutputError(f"{out}: no permission to write in {base}")
    if not path.exists():
        if path.is_symlink():
            raise OutputError(f"{out} is a broken symbolic link")
        return path
    if not path.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another name with --out DIR")
    if not any(path.iterdir()):
        return path
    if not overwrite:
        raise OutputError(f"{out} already exists; choose another folder with --out DIR, or "
                          "replace it with --force (overwrite=True in Python)")
    cwd = Path.cwd().resolve()
    if path.resolve() == cwd or path.resolve() in cwd.parents:
        raise OutputError(f"{out} is the current folder or one of its parents; not replacing it")
    if path.is_symlink() or not _is_cge_output(path):
        raise OutputError(f"{out} is not a folder written by cge (no cge {METADATA}); "
                          "--force replaces only earlier cge outputs")
    return path


def _is_cge_output(path: Path) -> bool:
    try:
        return json.loads((path / METADATA).read_text(encoding="utf-8")).get("generator") == "cge"
    except (OSError, ValueError, AttributeError):
        return False


@contextlib.contextmanager
def atomic_dir(out: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Write a folder atomically: yield a temporary sibling folder, rename it to ``out`` at the end.

    On any exception, including KeyboardInterrupt (Ctrl-C), the temporary folder and any
    parent folders created for it are removed and ``out`` is left as it was. With
    ``overwrite``, an earlier cge output at ``out`` is replaced only once the new one is
    complete.
    """
    target = check_target(out, overwrite)
    created: list[Path] = []
    tmp = None
    try:
        try:
            for parent in reversed([target.parent, *target.parent.parents]):
                if not parent.exists():
                    parent.mkdir()
                    created.append(parent)
            tmp = _sibling(target, "tmp")
        except OSError as exc:  # one line naming the folder, not the temporary one's errno text
            reason = (exc.strerror or str(exc)).lower()
            raise OSError(f"cannot write the output folder {target}: {reason} (hint: choose a "
                          "folder you can write, with --out DIR)") from exc
        try:
            yield tmp
            _publish(tmp, target, overwrite)
        except OSError as exc:  # a full disk, a quota, a read-only mount while writing
            if exc.errno is None:
                raise
            reason = (exc.strerror or str(exc)).lower()
            raise OSError(f"cannot write the output folder {target}: {reason}; nothing was "
                          "written (hint: free some space, or choose another folder with "
                          "--out DIR)") from exc
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for parent in reversed(created):
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise


def _sibling(target: Path, kind: str) -> Path:
    while True:
        p = target.parent / f".{target.name}.{kind}-{secrets.token_hex(4)}"
        try:
            p.mkdir()
            return p
        except FileExistsError:  # pragma: no cover
            continue


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    system cannot (then the caller falls back to two renames)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    return False  # e.g. a file system without RENAME_EXCHANGE (EINVAL)


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    """Rename ``tmp`` to ``target``; an existing earlier output is moved aside first."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        os.rename(tmp, target)  # fails (rather than merge) if a non-empty target appeared
        return
    check_target(target, overwrite)  # raises unless replacing an earlier cge output is allowed
    if exchange(tmp, target):  # one atomic step: a hard kill leaves the old or the new output
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the earlier output
        return
    old = target.parent / f".{target.name}.old-{secrets.token_hex(4)}"
    os.rename(target, old)
    try:
        os.rename(tmp, target)
    except BaseException:
        if not target.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------- one file
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file


def atomic_write(path: str | Path, write: Callable[[Path], None], *, durable: bool = True) -> Path:
    """Write one file atomically: ``write(tmp)`` writes a temporary file in the same folder,
    which is flushed to disk (fsync; not with ``durable=False``) and renamed to ``path``;
    returns ``path``.

    Readers see the old file or the complete new one, never a part. The file gets the mode a
    new file would get (``0o666`` less the umask). On any exception, KeyboardInterrupt
    included, the temporary file is removed and ``path`` is left as it was. After the rename
    the folder is flushed too, where the platform allows it (best effort).
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _MODE)
        if durable:
            _fsync(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno is not None:
            raise _cannot_write(path, exc) from exc
        raise
    if not durable:
        return path
    with contextlib.suppress(OSError):  # the rename itself: not possible everywhere (Windows)
        _fsync(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    return path


def _cannot_write(path: Path, exc: OSError) -> OSError:
    """One line naming the file and the reason (a full disk, a quota, a read-only mount)."""
    reason = (exc.strerror or str(exc)).lower()
    return OSError(f"cannot write {path}: {reason}; the file was left as it was (hint: free some "
                   "space, or write elsewhere)")


def _fsync(path: str | Path, flags: int = os.O_RDONLY) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
