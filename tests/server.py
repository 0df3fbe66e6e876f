"""A real `remedies serve` in a subprocess on a free 127.0.0.1 port, for the HTTP and browser tests."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from typing import Iterator

import httpx
import pytest

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(*args: str) -> Iterator[str]:
    """The base URL of a server started with ``remedies serve ARGS``; its log must hold no traceback."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "remedies", "serve", "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the server did not start: {proc.stdout.read().decode()}")
        time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        log = proc.communicate(timeout=30)[0].decode()
    assert "Traceback" not in log, log
