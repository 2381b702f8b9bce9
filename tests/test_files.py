"""write_atomically: the whole text or the old file, never a part; modes kept or private; no temporary left,
even when a name it draws is taken."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from xtrust import _files
from xtrust._files import write_atomically


def test_a_new_file_gets_the_mode_of_any_new_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    umask = os.umask(0o022)
    try:
        write_atomically(target, "{}\n")
    finally:
        os.umask(umask)
    assert target.read_text() == "{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_replaced_file_keeps_its_mode_and_a_private_one_is_the_owners(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    write_atomically(target, "secret", private=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_taken_temporary_name_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file is made with O_EXCL: a file (or a link) already there under the drawn name is
    neither opened nor replaced; another name is drawn."""
    target = tmp_path / "report.json"
    planted = tmp_path / f".report.json.{'00' * 6}.tmp"
    planted.symlink_to(tmp_path / "elsewhere")
    draws = iter([b"\0" * 6, b"\1" * 6])
    monkeypatch.setattr(_files.os, "urandom", lambda n: next(draws))
    write_atomically(target, "text")
    assert target.read_text() == "text"
    assert planted.is_symlink() and not (tmp_path / "elsewhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([planted.name, "report.json"])


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def failing(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.os, "fsync", failing)
    with pytest.raises(OSError):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
