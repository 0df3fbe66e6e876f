"""A real headless browser for the tests: Debian's chromium, installed when missing.

Playwright drives it through ``executable_path``; its own browser download is never used
(it cannot be fetched here, and the tests must run on a fresh machine).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path(os.environ.get("REMEDIES_CHROMIUM", "/usr/bin/chromium"))
# root in a container: Chromium's sandbox needs user namespaces it may not have
LAUNCH_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]


def ensure_chromium() -> Path:
    """The path of Chromium, installing Debian's package first if it is absent."""
    if CHROMIUM.exists():
        return CHROMIUM
    if not shutil.which("apt-get") or os.geteuid() != 0:
        raise RuntimeError(f"{CHROMIUM} is missing and cannot be installed here: run `apt-get install -y chromium` "
                           f"as root, or set REMEDIES_CHROMIUM to a Chromium executable")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", "DPkg::Lock::Timeout=600"]  # another process may hold the lock for a while
    subprocess.run(["apt-get", *wait, "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", *wait, "install", "-y", "-q", "chromium"], check=True,
                   env=env, stdout=subprocess.DEVNULL)
    return CHROMIUM
