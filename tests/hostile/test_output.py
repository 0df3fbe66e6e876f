"""Output files: created atomically, never over another writer's file, nothing left behind."""

from __future__ import annotations

import errno
import multiprocessing as mp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostile_runner import EXAMPLE, ROOT
from remedies import safeout
from remedies.cli import main
from remedies.errors import RemediesError

WRITERS = 8
ROUNDS = 20


def _writer(path: str, index: int, start: mp.Event, results: mp.Queue) -> None:
    start.wait()
    try:
        safeout.write_new(f"writer {index}\n", Path(path), force=False)
        results.put((index, "ok"))
    except RemediesError as exc:
        results.put((index, exc.message))


def test_eight_concurrent_writers_to_one_new_path_exactly_one_wins_every_round(tmp_path):
    ctx = mp.get_context("fork")
    for round_ in range(ROUNDS):
        path = tmp_path / f"round-{round_}.txt"
        start, results = ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=_writer, args=(str(path), i, start, results)) for i in range(WRITERS)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(30)
        outcomes = [results.get(timeout=5) for _ in procs]
        winners = [i for i, what in outcomes if what == "ok"]
        assert len(winners) == 1, f"round {round_}: {outcomes}"
        assert all("exists; refusing" in what for _, what in outcomes if what != "ok")
        assert path.read_text() == f"writer {winners[0]}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"round-{r}.txt" for r in range(ROUNDS))


def test_eight_concurrent_remedies_processes_one_wins(tmp_path):
    """The same through the real command: one exit 0, seven exit 2, one file, no temporary left."""
    out = tmp_path / "proposal.txt"
    procs = [subprocess.Popen([sys.executable, "-m", "remedies", "assess", str(EXAMPLE), "-o", str(out)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(WRITERS)]
    codes = [p.wait(60) for p in procs]
    errs = [p.stderr.read() for p in procs]
    assert sorted(codes) == [0] + [2] * (WRITERS - 1), errs
    assert all("exists; refusing" in e for c, e in zip(codes, errs) if c == 2)
    assert [p.name for p in tmp_path.iterdir()] == ["proposal.txt"]


@pytest.fixture
def tiny_disk(tmp_path):
    """A 16 kB tmpfs (needs root and a kernel that lets us mount); unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (the monkeypatched test below covers a full disk)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_real_full_disk_is_exit_2_and_leaves_nothing(tiny_disk):
    out = tiny_disk / "proposal.json"
    proc = subprocess.run([sys.executable, "-m", "remedies", "assess", str(EXAMPLE), "--format", "json", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert f"{out}: cannot write here: No space left on device" in proc.stderr
    assert list(tiny_disk.iterdir()) == []


def _full_disk(fd: int, data: bytes) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("force", [False, True])
def test_a_full_disk_is_exit_2_and_leaves_no_temporary_file(tmp_path, monkeypatch, capsys, force):
    monkeypatch.setattr(os, "write", _full_disk)
    out = tmp_path / "proposal.txt"
    with pytest.raises(SystemExit) as exc:
        main(["assess", str(EXAMPLE), "-o", str(out)] + (["--force"] if force else []))
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1
    assert f"{out}: cannot write here: No space left on device" in err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_link_leaves_no_temporary_file(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(os, "link", refuse)
    with pytest.raises(RemediesError, match="cannot write here"):
        safeout.write_new("text", tmp_path / "out.txt", force=False)
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_the_name_is_still_created_exclusively(tmp_path, monkeypatch):
    def unsupported(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(os, "link", unsupported)
    safeout.write_new("first\n", tmp_path / "out.txt", force=False)
    with pytest.raises(RemediesError, match="exists; refusing"):
        safeout.write_new("second\n", tmp_path / "out.txt", force=False)
    assert (tmp_path / "out.txt").read_text() == "first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_escape_controls_keeps_text_and_shows_escapes():
    assert safeout.escape_controls("a\tb\nc\x1b[31md\x07\x9b") == "a\tb\nc\\x1b[31md\\x07\\x9b"
