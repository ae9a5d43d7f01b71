"""The output folder of a sweep: the manifest (what the sweep is), the saved chunks (what is
solved) and resume (only chunks whose members match the current definitions count). Every file
is written atomically (:func:`cge.report.folders.atomic_write`)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np

from ..report.folders import atomic_write
from .errors import SweepError
from .members import Job

#: Version of the output folder's layout (manifest and chunk files).
FORMAT = 1
#: The file that says what the sweep in a folder is (written first, checked on resume).
MANIFEST = "manifest.json"


def _save_npz(path: Path, arrays: dict) -> None:
    """Write a chunk file atomically (a temporary file in the same folder, renamed), without
    flushing it to disk: a chunk that a crash of the machine leaves truncated or empty is
    found damaged on resume and solved again (:meth:`Folder.done`), and the ~10–30 ms of two
    fsyncs per chunk were a third of a sweep's wall time on the default data."""
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:  # a file object: np.savez would add ".npz" to a path
            np.savez(fh, **arrays)

    atomic_write(path, write, durable=False)


class Folder:
    """The output folder: manifest (what the sweep is), chunks (what is solved), results.

    Opening it checks the folder (and, when it holds a sweep, that it is this sweep, unless
    ``restart``) and writes the manifest; :meth:`done` lists the chunks saved earlier that still
    match, :meth:`save` saves a solved chunk.
    """

    def __init__(self, out: str | Path, manifest: dict, restart: bool):
        self.dir = Path(out)
        self.chunks = self.dir / "chunks"
        manifest = json.loads(json.dumps(manifest))  # as it reads back (tuples become lists)
        path = self.dir / MANIFEST
        if self.dir.exists() and not self.dir.is_dir():
            raise SweepError(f"{self.dir}: is a file, not a folder", hint="choose another --out")
        if self.dir.is_dir() and any(self.dir.iterdir()) and not path.is_file():
            raise SweepError(f"{self.dir}: exists and is not a cge sweep folder (no {MANIFEST})",
                             hint="choose another --out folder; cge never writes into a folder it "
                             "did not make")
        if path.is_file():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SweepError(f"{path}: cannot be read ({exc})",
                                 hint="delete the folder to start over") from None
            diff = _differences(old, manifest)
            if diff and not restart:
                raise SweepError(f"{self.dir}: holds a different sweep ({'; '.join(diff)}); it "
                                 "cannot be resumed with these settings",
                                 hint="use another output folder, or --restart to discard its "
                                 "results and start over")
            if restart:
                shutil.rmtree(self.chunks, ignore_errors=True)
                for f in ("sweep.nc", "sweep.parquet", "members.csv"):
                    with contextlib.suppress(FileNotFoundError):
                        (self.dir / f).unlink()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.chunks.mkdir(exist_ok=True)
        atomic_write(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=1) + "\n",
                                                      encoding="utf-8"))

    def done(self, jobs: list[Job]) -> list[dict]:
        """Saved chunks whose members match the current definitions. A chunk file that cannot
        be read (truncated, garbled, empty) is moved aside to ``chunks/damaged/`` and listed in
        :attr:`damaged`: its members are solved again."""
        found = []
        self.damaged: list[Path] = []
        for f in sorted(self.chunks.glob("chunk-*.npz")):
            try:
                with np.load(f, allow_pickle=False) as z:
                    arrays = {k: z[k] for k in z.files}
                idx, digests = arrays["index"], arrays["digest"]
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
                aside = self.chunks / "damaged"
                aside.mkdir(exist_ok=True)
                os.replace(f, aside / f.name)
                self.damaged.append(aside / f.name)
                continue
            if all(0 <= i < len(jobs) and jobs[i].digest == d
                   for i, d in zip(idx.tolist(), digests.tolist())):
                found.append(arrays)
        return found

    def save(self, arrays: dict) -> None:
        """Save a solved chunk, named by its members (the same chunk always has the same name)."""
        idx = arrays["index"]
        tag = hashlib.sha256(idx.astype("<i8").tobytes()).hexdigest()[:8]
        _save_npz(self.chunks / f"chunk-{int(idx.min()):07d}-{int(idx.max()):07d}-{tag}.npz", arrays)


def _closure_difference(a: dict, b: dict) -> tuple[str, str]:
    """What differs between two closures of manifests: the name, else the revenue rule, else
    the swaps, else "other settings"."""
    if a.get("name") != b.get("name"):
        return str(a.get("name")), str(b.get("name"))
    if a.get("revenue") != b.get("revenue"):
        return f"revenue {a.get('revenue')}", f"revenue {b.get('revenue')}"
    if a.get("swaps") != b.get("swaps"):
        def swaps(c: dict) -> str:
            return ", ".join(f"[{x}, {y}]" for x, y in c.get("swaps") or []) or "none"
        return f"swaps {swaps(a)}", f"swaps {swaps(b)}"
    return "other settings", "these"


def _differences(old: dict, new: dict) -> list[str]:
    out = []
    if old.get("format") != new["format"]:
        out.append(f"layout version {old.get('format')} vs {new['format']}")
    for key, what in (("data_digest", "data"), ("closure", "closure"), ("solver", "solver")):
        if old.get(key) != new[key]:
            a, b = old.get(key), new[key]
            if key == "data_digest":
                a, b = f"{old.get('data')} {str(a)[:12]}", f"{new['data']} {b[:12]}"
            elif key == "closure":
                a, b = _closure_difference(a or {}, b)
            out.append(f"{what}: {a} there, {b} now")
    if old.get("elasticities", new.get("elasticities")) != new.get("elasticities"):
        out.append(f"elasticity set: {old.get('elasticities')} there, {new.get('elasticities')} now")
    if old.get("members_digest") != new["members_digest"]:
        n0, n1 = old.get("members", 0), new["members"]
        old_d, new_d = old.get("member_digests", []), new["member_digests"]
        first = next((k for k, (a, b) in enumerate(zip(old_d, new_d)) if a != b), None)
        out.append(f"members: {n0} there, {n1} now" if n0 != n1 else
                   f"members differ from member {first} on" if first is not None else "members differ")
    return out


