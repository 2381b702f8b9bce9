"""A scan: each account read (from a snapshot file or live), checked on its own, and the results merged.

Accounts are independent (role-trust needs only a project account's roles, identity-assume only the login
account's identities), so a scan holds one account at a time.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from functools import partial
from pathlib import Path

from ._frozen import frozen
from .checks import check_account
from .errors import InputError, PolicyError, ScanError, XtrustError
from .evaluate import utc_now
from .findings import ErrorEntry, Finding, Report
from .inventory import Account
from .rules import RuleSet
from .snapshot import load_snapshot

__all__ = ["AccountSource", "default_jobs", "scan", "scan_snapshots", "snapshot_sources"]


@frozen
class AccountSource:
    """Where one account's data comes from; ``load`` returns it or raises ScanError / InputError."""

    label: str
    load: Callable[[], Account]


def snapshot_sources(paths: Iterable[str | Path]) -> list[AccountSource]:
    return [AccountSource(str(p), partial(load_snapshot, p)) for p in paths]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Reading and checking an account builds hundreds of thousands of objects that hold no reference cycles,
    and CPython's cyclic garbage collector would traverse them all, again and again, while they are built
    (a fifth of the scan's time in benchmarks/bench_scan.py). It is paused for one account and restored
    after; nothing is lost, since reference counting frees all of it. The account must be freed before the
    collector is restored: the first collection after would otherwise traverse all of it once more."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _severity_order(finding: Finding) -> tuple[object, ...]:
    return (-finding.severity.rank, finding.account, finding.rule, finding.resource)


@frozen
class _Outcome:
    """What checking one account gave: small enough to send back from a worker process."""

    label: str
    account: str
    findings: list[Finding]
    notes: list[str]
    checked: dict[str, tuple[str, ...]]


@frozen
class _Failure:
    """An account that could not be checked: ``scan`` set (ScanError: the scan goes on) or bad input."""

    message: str
    account: str = ""
    kind: str = "input"  # "scan", "policy" or "input": which error it was; "bug": a traceback

    def raise_it(self) -> None:
        if self.kind == "scan":
            raise ScanError(self.account, self.message)
        if self.kind == "bug":
            raise RuntimeError(f"a worker process of the scan failed:\n{self.message}")
        raise (PolicyError if self.kind == "policy" else InputError)(self.message)


def scan(
    rules: RuleSet,
    sources: Iterable[AccountSource],
    *,
    now: datetime | None = None,
    today: date | None = None,
    require_all: bool = True,
) -> Report:
    """Check every account the sources yield against the rules.

    A source that fails with ScanError becomes an error entry (the scan is then incomplete); InputError
    (a malformed file) propagates. With ``require_all``, each account the rules name but no source
    provided is an error entry too.
    """
    moment = now or utc_now()
    seen: dict[str, str] = {}

    def outcomes() -> Iterator[_Outcome | ScanError]:
        for source in sources:
            with collector_paused():
                try:
                    outcome: _Outcome | ScanError = _read_and_check(source, lambda: rules, seen, moment, today)
                except ScanError as exc:
                    outcome = exc
            yield outcome

    return _merge(rules, outcomes(), require_all, seen)


def scan_snapshots(
    rules: RuleSet | Callable[[], RuleSet],
    paths: Iterable[str | Path],
    *,
    jobs: int = 1,
    now: datetime | None = None,
    today: date | None = None,
    require_all: bool = True,
    prepare: Callable[[Finding], object] | None = None,
) -> Report:
    """``scan`` of snapshot files.

    With ``jobs`` above 1 the files are read and checked by that many processes at once: this one and
    ``jobs - 1`` forked from it (where the platform forks and no other thread is running; otherwise one
    after the other). ``rules`` may be a function that returns them: it is called in this process while
    the others already read their files. The report, and the error for bad input, are the same either way.

    ``prepare`` is called once on each finding, in this process. With helpers, as soon as this process has no
    file left of its own: on its findings, then on the helpers' as they send them, file by file, while they
    finish their last files; in one process, once the scan is done. For work on findings that need not wait
    for the last file, such as :attr:`Finding.json_text`.
    """
    files = [str(p) for p in paths]
    jobs = min(jobs, len(files))
    moment = now or utc_now()
    queue = _queue(_heaviest_first(files)) if jobs > 1 and _can_fork() else None
    if queue is None:
        ruleset = rules() if callable(rules) else rules
        report = scan(ruleset, snapshot_sources(files), now=moment, today=today, require_all=require_all)
        _prepared(report.findings, prepare)
        return report
    ruleset, results = _in_processes(rules, files, queue, moment, today, jobs, prepare)
    seen: dict[str, str] = {}

    def outcomes() -> Iterator[_Outcome | ScanError]:
        for result in results:  # in the order of the paths, as one process would have met them
            if isinstance(result, _Failure):
                result.raise_it()
            else:
                _claim(ruleset, result.account, result.label, seen)
                yield result

    return _merge(ruleset, outcomes(), require_all, seen)


def _claim(rules: RuleSet, account_id: str, label: str, seen: dict[str, str]) -> None:
    if account_id in seen:
        raise InputError(f"{label}: account {account_id} is also in {seen[account_id]}")
    if account_id not in rules.accounts and not rules.organization:
        raise InputError(f"{label}: account {account_id} is neither the login account nor a project "
                         "account of the rules")
    seen[account_id] = label


def _read_and_check(source: AccountSource, rules: Callable[[], RuleSet], seen: dict[str, str], moment: datetime,
                    today: date | None) -> _Outcome:
    """One account read, claimed (in ``seen``) and checked. ``rules`` is asked for only once the account is
    read (a worker receives them while it reads). The account is freed on return, while the collector is
    still paused (:func:`collector_paused`)."""
    account = source.load()
    ruleset = rules()
    _claim(ruleset, account.id, source.label, seen)  # before checking: a duplicate fails early
    return _checked(ruleset, account, source.label, moment, today)


def _checked(rules: RuleSet, account: Account, label: str, moment: datetime, today: date | None) -> _Outcome:
    findings, notes, checked = check_account(rules, account, now=moment, today=today)
    return _Outcome(label, account.id, findings, notes, checked)


def _merge(rules: RuleSet, outcomes: Iterable[_Outcome | ScanError], require_all: bool,
           seen: dict[str, str]) -> Report:
    findings: list[Finding] = []
    errors: list[ErrorEntry] = []
    checked: dict[str, int] = {}
    checked_resources: dict[str, tuple[str, ...]] = {}
    for outcome in outcomes:
        if isinstance(outcome, ScanError):
            errors.append(ErrorEntry(outcome.account, outcome.message))
            continue
        findings += outcome.findings
        errors += [ErrorEntry(outcome.account, note) for note in outcome.notes]
        for rule_id, resources in outcome.checked.items():
            checked[rule_id] = checked.get(rule_id, 0) + len(resources)
            checked_resources[rule_id] = checked_resources.get(rule_id, ()) + resources
    if require_all:
        for account_id in rules.accounts:
            if account_id not in seen and not any(e.account == account_id for e in errors):
                errors.append(ErrorEntry(account_id, "no data for this account (no snapshot given, or not read)"))
    return Report(
        findings=tuple(sorted(findings, key=_severity_order)),
        errors=tuple(errors),
        accounts=tuple(sorted(seen)),
        checked=checked,
        checked_resources=checked_resources,
        rules=rules.rules,
    )


# --- several processes ------------------------------------------------------------------------------
#
# Plain os.fork and pipes: the multiprocessing package (its import, a shared counter, its pipes) cost a
# scan of the benchmark world a twentieth of its time before the first file was read.


def _can_fork() -> bool:
    """Forking is safe here: Linux, and no other thread running (a forked child has only the forking
    thread; a lock another thread held would stay locked)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def default_jobs(paths: Sequence[str | Path]) -> int:
    """How many processes ``xtrust scan`` uses for these snapshot files: one per CPU available to it, at most
    one per file, and one for small inputs, where starting a process costs more than it saves."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        size = sum(os.path.getsize(p) for p in paths)
    except OSError:
        return 1  # a file that cannot be read: one process reports it, as ever
    return max(1, min(cpus, len(paths))) if size >= _PARALLEL_BYTES else 1


_PARALLEL_BYTES = 4 << 20  # below this much JSON a scan takes a few tenths of a second in one process
_INDEX = 4  # bytes per file index in the queue


def _in_processes(rules: RuleSet | Callable[[], RuleSet], paths: list[str], queue: int, moment: datetime,
                  today: date | None, jobs: int,
                  prepare: Callable[[Finding], object] | None) -> tuple[RuleSet, list[_Outcome | _Failure]]:
    """Every file read and checked by this process and ``jobs - 1`` forked helpers, each taking the next
    index from ``queue`` (:func:`_queue`, which this closes); the results in the order of ``paths``.

    The helpers are forked first, so that they read and parse while this process loads the rules (which
    they then receive through a pipe). Only results cross between processes: each holds one account at a
    time."""
    helpers: list[_Helper] = []
    try:
        for _ in range(jobs - 1):
            helpers.append(_Helper.fork(paths, queue, moment, today, helpers))
        ruleset = rules() if callable(rules) else rules
        sent = pickle.dumps(ruleset, pickle.HIGHEST_PROTOCOL)
        for helper in helpers:
            helper.send(sent)
        results: dict[int, _Outcome | _Failure] = dict(_work(paths, queue, lambda: ruleset, moment, today))
        # What is left is the helpers' last files: meanwhile this process prepares the findings it has, its
        # own and those the helpers sent as they went
        _prepared(_found(results.values()), prepare)
        for helper in helpers:
            results.update(helper.results(prepare))
    finally:  # after an error here (bad rules, an interrupt): the helpers still running are stopped
        os.close(queue)
        for helper in helpers:
            helper.stop()
    return ruleset, [results[i] for i in range(len(paths))]


def _queue(order: list[int]) -> int | None:
    """The files to take, for processes that share them: a pipe that holds their indices in ``order`` (the
    heaviest first, :func:`_heaviest_first`, so that no process is left with a long one at the end), its
    writing end closed. Each process reads the next index from it, a read of a few bytes from a pipe being
    atomic, until it is empty. The read end is returned; None when the pipe cannot hold them all."""
    read, write = os.pipe()
    data = b"".join(index.to_bytes(_INDEX, "little") for index in order)
    try:
        if len(data) > _PIPE_BUFFER:  # Linux pipes hold 64 KiB unless told otherwise (16,384 files)
            import fcntl

            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, len(data))
        _write_all(write, data)
    except OSError:  # more than /proc/sys/fs/pipe-max-size allows
        os.close(read)
        return None
    finally:
        os.close(write)
    return read


_PIPE_BUFFER = 1 << 16


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class _Helper:
    """A forked helper process, seen from the parent: its pid, the pipe that takes it the rules and the pipe
    its results come back on (-1 once closed)."""

    def __init__(self, pid: int, rules_out: int, results_in: int) -> None:
        self.pid, self.rules_out, self.results_in = pid, rules_out, results_in
        self.running = True

    @classmethod
    def fork(cls, paths: list[str], queue: int, moment: datetime, today: date | None,
             others: list[_Helper]) -> _Helper:
        rules_in, rules_out = os.pipe()
        results_in, results_out = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: it never returns from here
            code = 1
            try:
                # the parent's ends of these pipes and the others': their readers must see EOF when the parent
                # closes them, not wait on a copy held here
                for fd in (rules_out, results_in, *(fd for h in others for fd in (h.rules_out, h.results_in))):
                    if fd >= 0:
                        os.close(fd)
                _helper(paths, queue, rules_in, results_out, moment, today)
                code = 0
            finally:
                os._exit(code)
        os.close(rules_in)
        os.close(results_out)
        return cls(pid, rules_out, results_in)

    def send(self, rules: bytes) -> None:
        with suppress(BrokenPipeError):  # a helper that found no file left has no use for them
            _write_all(self.rules_out, rules)
        os.close(self.rules_out)
        self.rules_out = -1

    def results(self, prepare: Callable[[Finding], object] | None) -> list[tuple[int, _Outcome | _Failure]]:
        """What the helper found, file by file as it sends them (:class:`_Sender`), each prepared as it comes;
        its end is None, or a traceback as text."""
        received: list[tuple[int, _Outcome | _Failure]] = []
        end: str | None = None
        cut_short = False
        with os.fdopen(self.results_in, "rb") as stream:
            self.results_in = -1
            while True:
                try:
                    item: tuple[int, _Outcome | _Failure] | str | None = pickle.load(stream)
                except Exception:  # nothing more, or cut short, before the end: the helper died on the way
                    cut_short = True
                    break
                if item is None or isinstance(item, str):
                    end = item
                    break
                _prepared(_found((item[1],)), prepare)
                received.append(item)
        _, status = os.waitpid(self.pid, 0)
        self.running = False
        if cut_short:
            raise XtrustError(f"a worker process of the scan ended without its results (exit code "
                              f"{os.waitstatus_to_exitcode(status)}); run with --jobs 1 to scan in one "
                              "process") from None
        if end is not None:
            raise RuntimeError(f"a worker process of the scan failed:\n{end}")
        return received

    def stop(self) -> None:
        for fd in (self.rules_out, self.results_in):
            if fd >= 0:
                os.close(fd)
        self.rules_out = self.results_in = -1
        if self.running:
            import signal

            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
            self.running = False


def _helper(paths: list[str], queue: int, rules_in: int, results_out: int, moment: datetime,
            today: date | None) -> None:
    """A forked helper: files from the queue until none is left, each one's result sent to the parent as soon
    as it is known, then None; a traceback as text for a bug (never raised here)."""
    import signal  # here and where helpers are stopped: the module costs a scan in one process for nothing

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is the parent's to handle: it stops the helpers
    received: list[RuleSet] = []

    def rules() -> RuleSet:
        if not received:
            with os.fdopen(rules_in, "rb") as stream:
                received.append(pickle.load(stream))  # EOFError when the parent gave up (bad rules): just stop
        return received[0]

    sender = _Sender(results_out)
    try:
        for item in _work(paths, queue, rules, moment, today):
            sender.send(item)
        sender.send(None)
    except EOFError:
        return
    except Exception:  # a bug: the parent shows it
        import traceback

        sender.send(traceback.format_exc())
    finally:
        sender.close()


class _Sender:
    """Sends a helper's results to the parent, in order, from a thread of its own: a result is larger than a
    pipe holds, and the parent reads only once its own files are done, so that writing in the helper's
    thread would stop it until then."""

    def __init__(self, fd: int) -> None:
        import queue

        self._fd = fd
        self._pending: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._write, name="xtrust-results", daemon=True)
        self._thread.start()

    def send(self, item: object) -> None:
        self._pending.put(pickle.dumps(item, pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        """Once all that was sent is written: the parent reads to the end, so it need not wait for the exit."""
        self._pending.put(None)
        self._thread.join()
        os.close(self._fd)

    def _write(self) -> None:
        with suppress(BrokenPipeError):  # the parent gave up (an interrupt, another helper's failure)
            while (data := self._pending.get()) is not None:
                _write_all(self._fd, data)


def _work(paths: list[str], queue: int, rules: Callable[[], RuleSet], moment: datetime,
          today: date | None) -> Iterator[tuple[int, _Outcome | _Failure]]:
    """Take the next file from the queue, read it, check it against ``rules()``; until none is left.
    Bad input comes back as a value."""
    sources = snapshot_sources(paths)
    while taken := os.read(queue, _INDEX):
        index = int.from_bytes(taken, "little")
        with collector_paused():
            try:
                # a worker sees only its own files: the parent finds an account given twice
                result: _Outcome | _Failure = _read_and_check(sources[index], rules, {}, moment, today)
            except ScanError as exc:
                result = _Failure(exc.message, exc.account, "scan")
            except XtrustError as exc:
                result = _Failure(str(exc), kind="policy" if isinstance(exc, PolicyError) else "input")
            except Exception:  # a bug: raised by the parent where it meets this file, as one process would
                import traceback

                result = _Failure(traceback.format_exc(), kind="bug")
        yield index, result


def _prepared(findings: Iterable[Finding], prepare: Callable[[Finding], object] | None) -> None:
    if prepare is not None:
        for finding in findings:
            prepare(finding)


def _found(results: Iterable[_Outcome | _Failure]) -> Iterator[Finding]:
    for result in results:
        if isinstance(result, _Outcome):
            yield from result.findings


def _heaviest_first(paths: list[str]) -> list[int]:
    """The order to take the files in: those whose first part lists many users and groups (a login account:
    identity checks weigh most per entry), then the largest. Only the speed depends on it."""
    return sorted(range(len(paths)), key=lambda i: (-_identities_near_start(paths[i]), -_size(paths[i]), i))


def _identities_near_start(path: str) -> int:
    if not os.path.isfile(path):
        return 0  # a pipe (<(aws iam …)) is read once, by the process that checks it
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return 0
    return head.count(b'"UserName"') + head.count(b'"GroupName"')


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
