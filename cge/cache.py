"""A persistent on-disk cache of what a fresh process would otherwise recompute: the LU
ordering of a compiled core's Jacobian (:meth:`cge.core.CompiledModel.lu`).

Entries are keyed by a SHA-256 over everything the cached value depends on, so that a stale
entry can never be found: the code version (:data:`FORMAT`, cge's and scipy's versions), the
context the caller names (the data set's digest and the closure, :class:`cge.economy.Economy`)
and the Jacobian's structure itself (size, rows and columns of its non-zeros). Editing the data,
choosing another closure or upgrading cge or scipy makes a new key; old entries are never read
again (delete the folder to reclaim the space).

Files are ``.npz`` archives of integer arrays, read with ``allow_pickle=False`` (no code is run
from them), and written atomically: to a temporary file in the cache folder, then
``os.replace``, so that two processes writing the same entry at once each replace the whole
file and a reader sees an old or a new complete file, never a partial one. Whatever goes
wrong — an unwritable or missing folder, a damaged file — is a miss: the value is recomputed,
as without a cache.

The folder is ``$CGE_CACHE_DIR`` if set (``off``: no cache), else ``$XDG_CACHE_HOME/cge``,
else ``~/.cache/cge``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from .version import __version__

#: Bumped whenever what an entry holds, or how it is computed, changes.
FORMAT = 1


def folder() -> Path | None:
    """The cache folder, or None when caching is off (``CGE_CACHE_DIR=off``)."""
    env = os.environ.get("CGE_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cge"


def key(kind: str, *parts: str | bytes | np.ndarray) -> str:
    """A hex digest of ``kind``, the code version and ``parts`` (arrays by dtype, shape, bytes)."""
    import scipy

    h = hashlib.sha256()
    for part in (kind, f"format {FORMAT}", f"cge {__version__}", f"scipy {scipy.__version__}",
                 *parts):
        if isinstance(part, np.ndarray):
            a = np.ascontiguousarray(part)
            part = f"{a.dtype.str}{a.shape}".encode() + a.tobytes()
        elif isinstance(part, str):
            part = part.encode()
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _path(kind: str, digest: str) -> Path | None:
    base = folder()
    return None if base is None else base / f"{kind}-{digest}.npz"


def load(kind: str, digest: str) -> dict[str, np.ndarray] | None:
    """The arrays stored under ``digest``, or None (no entry, caching off, unreadable file)."""
    path = _path(kind, digest)
    if path is None:
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return {name: z[name] for name in z.files}
    except FileNotFoundError:
        return None
    except Exception:  # damaged (truncated, garbled) or unreadable: a miss
        return None


def store(kind: str, digest: str, arrays: dict[str, np.ndarray]) -> Path | None:
    """Store ``arrays`` under ``digest`` atomically; the path written, or None if not written."""
    path = _path(kind, digest)
    if path is None:
        return None
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
        return path
    except OSError:  # read-only or full disk, no home: run without the cache
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return None
