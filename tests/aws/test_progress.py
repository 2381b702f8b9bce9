"""The progress line: shown on a terminal only, never on a pipe or with quiet."""

from __future__ import annotations

import io

import pytest

from xtrust.progress import NullProgress, TerminalProgress, progress_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_line_counts_accounts_names_the_current_one_and_the_elapsed_time() -> None:
    stream, clock = Terminal(), Clock()
    progress = TerminalProgress(stream, clock)
    progress.start(3)
    progress.account_started("123456789012")
    clock.now += 1.25
    progress.account_done("123456789012", ok=True)
    progress.account_done("987654321098", ok=False)
    assert progress.line() == "accounts 2/3 (1 failed) · 987654321098 · 1.2s"
    progress.finish()
    assert stream.getvalue().startswith("\raccounts 0/3 · 0.0s")
    assert stream.getvalue().endswith("\r")
    assert "\n" not in stream.getvalue()


CHOICES = {
    "terminal": (Terminal(), False, TerminalProgress),
    "terminal, quiet": (Terminal(), True, NullProgress),
    "pipe": (io.StringIO(), False, NullProgress),
}


@pytest.mark.parametrize(("stream", "quiet", "kind"), CHOICES.values(), ids=CHOICES.keys())
def test_progress_only_on_a_terminal_and_not_quiet(stream: io.StringIO, quiet: bool, kind: type) -> None:
    assert isinstance(progress_for(stream, quiet=quiet), kind)


def test_null_progress_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    progress = progress_for(quiet=True)
    progress.start(1)
    progress.account_started("123456789012")
    progress.account_done("123456789012", ok=True)
    progress.finish()
    assert capsys.readouterr() == ("", "")
