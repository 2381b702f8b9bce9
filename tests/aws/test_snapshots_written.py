"""write_snapshots: one ``<account>.json`` per account read, replaced atomically, never half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import xtrust._files as files
import xtrust.collect as collect
from xtrust.collect import AccountRead, LiveOptions, write_snapshots
from xtrust.errors import InputError, ScanError

DEV, LOGIN = "123456789012", "987654321098"
DATA = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [{"RoleName": "Admin"}], "Policies": []}


def read(account: str, data: dict[str, Any] | None = DATA) -> AccountRead:
    error = None if data is not None else ScanError(account, "AssumeRole: AccessDenied")
    return AccountRead(account, data, error, iam_calls=1, seconds=0.0)


def test_unread_accounts_get_no_file(tmp_path: Path) -> None:
    paths = write_snapshots([read(DEV), read(LOGIN, None)], tmp_path / "out")
    assert paths == [tmp_path / "out" / f"{DEV}.json"]
    assert json.loads(paths[0].read_text()) == DATA
    assert [p.name for p in (tmp_path / "out").iterdir()] == [f"{DEV}.json"]


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_snapshots([read(DEV)], tmp_path)
    before = (tmp_path / f"{DEV}.json").read_bytes()

    def disk_full(descriptor: int) -> None:  # the new file is written, but cannot be made durable
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(InputError, match="No space left on device"):
        write_snapshots([read(DEV, {**DATA, "Policies": [{"PolicyName": "new"}]})], tmp_path)
    assert (tmp_path / f"{DEV}.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [f"{DEV}.json"]


def test_an_unwritable_directory_is_one_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match="cannot write snapshot"):
        write_snapshots([read(DEV)], blocker / "out")


BAD_OPTIONS = {
    "no workers": {"max_workers": 0},
    "no attempts": {"max_attempts": 0},
    "empty role name": {"assume_role": ""},
    "short account id": {"profiles": {"12345": "dev"}},
}


@pytest.mark.parametrize("kwargs", BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_bad_options_are_input_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        LiveOptions(**kwargs)


def test_options_are_frozen_and_retry_adaptively() -> None:
    options = LiveOptions(profiles={DEV: "dev"}, max_attempts=5)
    with pytest.raises(TypeError):
        options.profiles[LOGIN] = "login"  # type: ignore[index]
    assert options.client_config().retries == {"mode": "adaptive", "total_max_attempts": 5}


def test_a_malformed_account_id_is_refused_before_any_call() -> None:
    with pytest.raises(InputError, match="12-digit"):
        collect.read_accounts([DEV, "not-an-account"], LiveOptions())
