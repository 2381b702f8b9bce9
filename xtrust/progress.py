"""Progress of multi-account work on a terminal: accounts done / total, current account, elapsed.

Progress is for a person watching a terminal. It goes to stderr only when stderr is a TTY and the
user did not ask for quiet; otherwise every reporter is a no-op, so logs and pipes stay clean and
stdout (the report) is never touched. Callers may report from several worker threads.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Protocol, TextIO

__all__ = ["NullProgress", "Progress", "TerminalProgress", "progress_for"]


class Progress(Protocol):
    """What the account readers tell a progress reporter."""

    def start(self, total: int) -> None:
        """``total`` accounts are about to be read."""

    def account_started(self, account: str) -> None:
        """Reading ``account`` has begun."""

    def account_done(self, account: str, ok: bool) -> None:
        """Reading ``account`` has ended, successfully or not."""

    def finish(self) -> None:
        """All accounts are done; leave the terminal clean."""


class NullProgress:
    """A reporter that reports nothing (not a TTY, or ``--quiet``)."""

    def start(self, total: int) -> None:
        """Nothing to show."""

    def account_started(self, account: str) -> None:
        """Nothing to show."""

    def account_done(self, account: str, ok: bool) -> None:
        """Nothing to show."""

    def finish(self) -> None:
        """Nothing to clear."""


class TerminalProgress:
    """One status line rewritten in place with ``\\r``: ``accounts 3/10 (1 failed) · 123456789012 · 4.2s``."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._lock = threading.Lock()
        self._started_at = clock()
        self._total = 0
        self._done = 0
        self._failed = 0
        self._current = ""
        self._width = 0

    def start(self, total: int) -> None:
        """Reset the counts for ``total`` accounts and start the clock."""
        with self._lock:
            self._started_at = self._clock()
            self._total, self._done, self._failed, self._current = total, 0, 0, ""
            self._draw()

    def account_started(self, account: str) -> None:
        """Show ``account`` as the one being read."""
        with self._lock:
            self._current = account
            self._draw()

    def account_done(self, account: str, ok: bool) -> None:
        """Count ``account`` as done (and failed, unless ``ok``)."""
        with self._lock:
            self._done += 1
            self._failed += 0 if ok else 1
            self._current = account
            self._draw()

    def finish(self) -> None:
        """Erase the status line so that what follows starts on a clean line."""
        with self._lock:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def line(self) -> str:
        """The status line as it would be drawn now."""
        failed = f" ({self._failed} failed)" if self._failed else ""
        current = f" · {self._current}" if self._current else ""
        elapsed = self._clock() - self._started_at
        return f"accounts {self._done}/{self._total}{failed}{current} · {elapsed:.1f}s"

    def _draw(self) -> None:
        text = self.line()
        padding = " " * max(0, self._width - len(text))
        self._stream.write("\r" + text + padding)
        self._stream.flush()
        self._width = len(text)


def progress_for(stream: TextIO | None = None, quiet: bool = False) -> Progress:
    """A :class:`TerminalProgress` on ``stream`` (stderr by default) if it is a TTY and not ``quiet``, else a no-op."""
    target = sys.stderr if stream is None else stream
    isatty = getattr(target, "isatty", None)
    if quiet or isatty is None or not isatty():
        return NullProgress()
    return TerminalProgress(target)
