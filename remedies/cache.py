"""A cache of validated work across processes: loaded rulesets, the bank holiday table.

Each entry is keyed by a SHA-256 of everything it was built from (the files' bytes and paths,
this package's version and source, the library versions that matter), so a stale entry is
never read: a changed input is a different key. Entries live under the user's cache directory
(``platformdirs``; ``REMEDIES_CACHE_DIR`` to choose another) and are written atomically;
``REMEDIES_CACHE=0`` turns the cache off. An unreadable entry is rebuilt, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from . import __version__

T = TypeVar("T")
_SOURCE_DIGEST: str | None = None


def enabled() -> bool:
    return os.environ.get("REMEDIES_CACHE", "1") not in ("0", "false", "no", "off")


def directory() -> Path:
    given = os.environ.get("REMEDIES_CACHE_DIR")
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_cache_dir("remedies", appauthor=False))


def _source_digest() -> str:
    """This package's own code: a loader or model changed in development makes every entry stale."""
    global _SOURCE_DIGEST
    if _SOURCE_DIGEST is None:
        h = hashlib.sha256(__version__.encode())
        for path in sorted(Path(__file__).parent.rglob("*.py")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
        _SOURCE_DIGEST = h.hexdigest()
    return _SOURCE_DIGEST


def key(kind: str, parts: Iterable[bytes]) -> str:
    h = hashlib.sha256(f"{kind}\0{_source_digest()}\0".encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()[:32]


def cached(kind: str, parts: Iterable[bytes], build: Callable[[], T]) -> T:
    """``build()``, or what an earlier process built from the same inputs."""
    if not enabled():
        return build()
    path = directory() / f"{kind}-{key(kind, parts)}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own file, in the user's own cache directory
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # here, not at the top: only writing needs it

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only or full cache directory only costs speed
        pass
    return value
