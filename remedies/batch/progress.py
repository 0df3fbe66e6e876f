"""A progress bar on stderr, only when stderr is a terminal (pipes and logs stay clean)."""

from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterator

import click


@contextlib.contextmanager
def bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(n)``; draws nothing unless stderr is a tty and there is more than one step."""
    if total <= 1 or not sys.stderr.isatty():
        yield lambda n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True) as b:
        yield b.update
