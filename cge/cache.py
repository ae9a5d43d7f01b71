"""A persistent on-disk cache of what a fresh process would otherwise recompute: the LU
ordering of a compiled core's Jacobian (:meth:`cge.core.CompiledModel.lu`) and the compiled
core itself (:func:`cge.core.compiled_core`: the vector backend's generated source, index arrays,
constants and parameter stage, with the Pyomo variables and parameters by name and index).

Entries are keyed by a SHA-256 over everything the cached value depends on, so that a stale
entry can never be found: the code version (:data:`FORMAT`, cge's and scipy's versions), the
context the caller names (the data set's digest and the closure, :class:`cge.economy.Economy`)
and the Jacobian's structure itself (size, rows and columns of its non-zeros). Editing the data,
choosing another closure or upgrading cge or scipy makes a new key; old entries are never read
again (delete the folder to reclaim the space).

A compiled core's key also holds a SHA-256 of the sources of the ``cge`` package
(:func:`code_version`: any edit of the model, the calibration or the compiler makes a new key),
Pyomo's and numpy's versions, the elasticity set and the calibrated benchmark itself (every
number the model is built from). Pyomo stays the single source of truth: the model is always
built; only its compilation is read, and the entry is checked against it (variables and
parameters found by name and index, free and fixed as recorded, sizes) and its source checked
statement by statement to be arithmetic only (:class:`cge.core.cached._CachedBackend`) before use.

Files are ``.npz`` archives of two byte arrays, read with ``allow_pickle=False`` (no code is
run from them): ``blob``, every numeric array of the entry (a core's description as JSON text
among them) one after the other, and ``index``, a JSON list of each one's name, dtype, shape and
place in the blob (:func:`read_file`, :func:`write_file`). One archive member per array would
cost a header parse each: about 40 ms for the ~500 arrays of world2024's core. Files are written
atomically: to a temporary file in the cache folder, then
``os.replace``, so that two processes writing the same entry at once each replace the whole
file and a reader sees an old or a new complete file, never a partial one. Whatever goes
wrong — an unwritable or missing folder, a damaged file — is a miss: the value is recomputed,
as without a cache.

The folder is ``$CGE_CACHE_DIR`` if set (``off``: no cache), else ``$XDG_CACHE_HOME/cge``,
else ``~/.cache/cge``.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from .calibrate import Benchmark

from .version import __version__

#: Bumped whenever what an entry holds, or how it is computed, changes (2: the arrays packed in
#: one blob, :func:`write_file`).
FORMAT = 2
_CODE_VERSION: str | None = None
#: :func:`cge.core.compiled_core` uses the cache from this many equations up: below, reading an entry
#: costs about what compiling does (usjpn2024, 565 equations: Economy() 0.23 s either way;
#: world2024, 5,107: 1.78 -> 1.21 s, docs/performance.md).
CORE_MIN_EQUATIONS = 2000


def code_version() -> str:
    """SHA-256 of every ``.py`` file of the installed ``cge`` package (paths and bytes),
    computed once per process (about 5 ms)."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        _CODE_VERSION = source_digest(Path(__file__).resolve().parent)
    return _CODE_VERSION


def source_digest(root: Path) -> str:
    """SHA-256 of the ``.py`` files under ``root``: their relative paths and bytes."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        h.update(len(rel).to_bytes(8, "little") + rel + len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


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
        return read_file(path)
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
            write_file(f, arrays)
        os.replace(tmp, path)
        return path
    except (OSError, TypeError):  # read-only or full disk, no home; an array that cannot be
        # cached (write_file): run without the cache
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return None


#: the dtypes an entry may hold: booleans, integers and floats (nothing that needs pickling)
_KINDS = frozenset("biuf")
#: each array starts at a multiple of this many bytes of the blob (aligned views)
_ALIGN = 16


def write_file(f, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` (numeric: booleans, integers, floats) to the open binary file ``f`` as
    an entry: one blob and its index (module docstring)."""
    import json

    index, parts, offset = [], [], 0
    for name, a in arrays.items():
        a = np.asarray(a, order="C")  # (np.ascontiguousarray would make a 0-d array 1-d)
        if a.dtype.kind not in _KINDS:
            raise TypeError(f"array {name}: dtype {a.dtype} cannot be cached")
        index.append([name, a.dtype.str, list(a.shape), offset, a.nbytes])
        pad = -a.nbytes % _ALIGN
        parts += [a.reshape(-1).view(np.uint8), np.zeros(pad, np.uint8)]
        offset += a.nbytes + pad
    blob = np.concatenate(parts) if parts else np.zeros(0, np.uint8)
    np.savez(f, index=np.frombuffer(json.dumps(index).encode(), np.uint8), blob=blob)


def read_file(path) -> dict[str, np.ndarray]:
    """The arrays of the entry file ``path`` (:func:`write_file`): writable views of one blob.
    Raises (anything) on a file that is not such an entry."""
    import json

    with np.load(path, allow_pickle=False) as z:
        if sorted(z.files) != ["blob", "index"]:
            raise ValueError("not a cache entry")
        index, blob = json.loads(z["index"].tobytes().decode()), z["blob"]
    if blob.dtype != np.uint8 or blob.ndim != 1:
        raise ValueError("blob")
    out = {}
    for name, dtype, shape, offset, nbytes in index:
        dt = np.dtype(dtype)
        if (dt.kind not in _KINDS or not isinstance(name, str) or name in out or offset < 0
                or offset % _ALIGN or offset + nbytes > blob.size
                or math.prod(shape) * dt.itemsize != nbytes or min(shape, default=0) < 0):
            raise ValueError(f"entry {name!r}")
        out[name] = blob[offset:offset + nbytes].view(dt).reshape(shape)
    return out


def benchmark_digest(benchmark: Benchmark) -> str:
    """SHA-256 of a calibrated benchmark's fields (names and values, floats exactly)."""
    import dataclasses

    h = hashlib.sha256()
    for f in dataclasses.fields(benchmark):
        v = getattr(benchmark, f.name)
        h.update(f"{f.name}={v!r}\n".encode())  # dicts in their (deterministic) build order
    return h.hexdigest()
