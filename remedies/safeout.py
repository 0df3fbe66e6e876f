"""Output that cannot hurt: files created atomically and never over a user's file, and text
with its control characters escaped before it reaches a terminal."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from .errors import RemediesError
from .yamlio import os_problem

# C0 and C1 controls except tab and newline: an escape sequence in a summary must not drive the terminal
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """Show control characters as \\xNN (tabs and newlines stay)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _fail(output: Path, exc: OSError) -> RemediesError:
    if exc.errno == errno.EEXIST:
        return RemediesError("exists; refusing to overwrite it (use --force)", file=str(output))
    problem = "no such directory" if exc.errno == errno.ENOENT else os_problem(exc)
    return RemediesError(f"cannot write here: {problem}", file=str(output))


def write_new(text: str, output: Path, force: bool) -> None:
    """Write ``text`` to ``output`` atomically.

    The text goes to a temporary file in the same directory, which is then hard-linked to
    the name: link() fails if anything (a file, a symlink, dangling or not) already has the
    name, so of several writers exactly one wins and no one's file is replaced. With
    ``force`` it is renamed over the name instead (a symlink is replaced, never followed).
    The temporary file is removed on every failure (a full disk included).
    """
    try:
        if output.is_dir() and not output.is_symlink():
            raise RemediesError("is a directory; name a file to write", file=str(output))
        if not force and os.path.lexists(output):
            raise RemediesError("exists; refusing to overwrite it (use --force)", file=str(output))
        fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=".remedies-", suffix=".tmp")
    except ValueError:
        raise RemediesError("the path contains a NUL character", file=str(output).replace("\0", "\\0")) from None
    except OSError as exc:
        raise _fail(output, exc) from None
    try:
        try:
            data = text.encode("utf-8")
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
        if force:
            os.replace(tmp, output)
        else:
            _link_new(tmp, output, data)
    except OSError as exc:
        raise _fail(output, exc) from None
    finally:
        try:
            os.unlink(tmp)  # gone already after a rename
        except OSError:
            pass


def _link_new(tmp: str, output: Path, data: bytes) -> None:
    """Give the written file its name only if the name is free (link() is atomic and refuses any
    existing entry); where the file system has no hard links, create the name exclusively."""
    try:
        os.link(tmp, output)
        return
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        os.close(fd)
        os.unlink(output)  # our own, half-written
        raise
    os.close(fd)
