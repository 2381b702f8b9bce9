"""The one exception tree of xtrust.

The library raises these and never prints or exits; ``xtrust.cli`` turns them into one line and an
exit code (2 for bad input, 3 for an incomplete scan).
"""

from __future__ import annotations

__all__ = [
    "ApplyError",
    "InputError",
    "PolicyError",
    "RulesError",
    "ScanError",
    "XtrustError",
]


class XtrustError(Exception):
    """Base class of every error xtrust raises on purpose."""


class PolicyError(XtrustError, ValueError):
    """A policy document that is not valid IAM policy grammar.

    ``pointer`` is the JSON pointer (RFC 6901) of the offending place inside the document and
    ``source`` names where the document came from (a file, a role, a policy ARN), when known.
    """

    def __init__(self, message: str, pointer: str = "", source: str = "") -> None:
        self.reason = message
        self.pointer = pointer
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        where = ": ".join(part for part in (self.source, self.pointer or "") if part)
        return f"{where}: {self.reason}" if where else self.reason

    def within(self, source: str, prefix: str = "") -> PolicyError:
        """The same error, located inside a larger file (``source``) under JSON pointer ``prefix``."""
        return PolicyError(self.reason, prefix + self.pointer, source or self.source)


class InputError(XtrustError, ValueError):
    """Bad input other than a policy: a missing or malformed file, a bad command-line value."""


class RulesError(InputError):
    """A rules file that does not validate; ``problems`` lists every problem found, one line each."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("; ".join(problems) if problems else source)


class ScanError(XtrustError):
    """An account that could not be read; the scan goes on without it and is incomplete."""

    def __init__(self, account: str, message: str) -> None:
        self.account = account
        self.message = message
        super().__init__(f"account {account}: {message}")


class ApplyError(XtrustError):
    """A write to AWS that failed or was refused."""
