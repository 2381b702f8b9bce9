"""The ``xtrust`` command: argument parsing, calls into the library, exit codes — nothing else.

Exit codes: 0 allowed / no findings; 1 denied / findings; 2 bad usage or bad input (one line, no
traceback); 3 an incomplete scan.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from ._printable import one_line
from .actions import unknown_actions
from .cli_fix import add_commands as add_fix_commands
from .cli_live import add_live_options, live_options, live_sources, positive_count, resolve_projects
from .errors import PolicyError, RulesError, ScanError, XtrustError
from .evaluate import explain
from .findings import ErrorEntry, Finding, Report
from .model import PolicyKind, load_document, parse_policy
from .progress import progress_for
from .render import format_decision
from .report import FORMATS, render, report_filename, with_plan, write_all, write_atomically
from .rules import RuleSet, Severity, load_rules
from .scan import collector_paused, default_jobs, scan, scan_snapshots, snapshot_sources

if TYPE_CHECKING:
    from .fix import AccountsKept
    from .suppress import Suppression

__all__ = ["EXIT_BAD_INPUT", "EXIT_FINDINGS", "EXIT_INCOMPLETE", "EXIT_OK", "main"]

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INCOMPLETE = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2, like every other bad input
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _read_policy(path: str, kind: PolicyKind) -> Any:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise XtrustError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return parse_policy(load_document(text, path), kind=kind, source=path)
    except PolicyError as exc:
        raise exc.within(path) from None


def _context(pairs: Sequence[str]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise XtrustError(f"--context {pair!r}: expected KEY=VALUE")
        if key in context:  # a key given twice is multi-valued
            previous = context[key]
            context[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            context[key] = value
    return context


def _cmd_explain(args: argparse.Namespace) -> int:
    trust = _read_policy(args.trust, PolicyKind.TRUST)
    identity = [_read_policy(path, PolicyKind.IDENTITY) for path in args.identity]
    decision = explain(
        args.principal,
        args.role,
        trust_policy=trust,
        identity_policies=identity,
        context=_context(args.context),
        action=args.action,
    )
    print(format_decision(decision))
    for policy in (trust, *identity):
        for pointer, action in unknown_actions(policy):
            print(f"  note: {policy.source} {pointer}: {action!r} matches no known IAM action "
                  "(a misspelling, or newer than xtrust's catalogue): it allows or denies nothing")
    return EXIT_OK if decision.allowed else EXIT_FINDINGS


def _exit_code(report: Report, fail_on: Severity = Severity.INFO) -> int:
    """3 when incomplete; otherwise 1 when a finding no exemption or suppression covers is at ``fail_on`` or above."""
    if not report.complete:
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if any(f.severity.rank >= fail_on.rank for f in report.active) else EXIT_OK


def _format_list(value: str) -> list[str]:
    """``--format json,sarif`` (or the option repeated): each name from the format table."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or repr(value)} "
                                         f"(choose from {', '.join(FORMATS)})")
    return names


def _write_reports(report: Report, formats: Sequence[str], output: str | None, output_dir: str | None) -> None:
    formats = list(dict.fromkeys(formats or ["text"]))
    if output and output_dir:
        raise XtrustError("give --output FILE or --output-dir DIR, not both")
    if output_dir:
        try:
            Path(output_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise XtrustError(f"{output_dir}: cannot create: {exc.strerror or exc}") from None
        # every report made before any is written: a set of files from one scan, or none of them
        texts = [(str(Path(output_dir) / report_filename(fmt)), render(report, fmt)) for fmt in formats]
        try:
            write_all(texts)
        except OSError as exc:
            raise XtrustError(f"{exc.filename or output_dir}: cannot write: {exc.strerror or exc}") from None
        return
    if len(formats) > 1:
        raise XtrustError(f"{len(formats)} formats need --output-dir DIR (one file each)")
    _emit(render(report, formats[0]), output)


def _emit(text: str, output: str | None) -> None:
    if output:
        try:
            write_atomically(output, text)
        except OSError as exc:
            raise XtrustError(f"{output}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)  # what UTF-8 cannot hold is escaped (main)


def _live_report(rules: RuleSet, args: argparse.Namespace, kept: AccountsKept | None) -> tuple[RuleSet, Report]:
    options = live_options(args)
    try:
        rules = resolve_projects(rules, options)
    except ScanError as exc:
        return rules, Report(errors=(ErrorEntry(exc.account, exc.message),))
    sources = live_sources(rules.accounts, options, progress_for(quiet=args.quiet))
    return rules, scan(rules, kept.sources(sources) if kept else sources)


def _cmd_scan(args: argparse.Namespace) -> int:
    if args.snapshot and (args.assume_role or args.profile):
        raise XtrustError("give --snapshot files or live options (--assume-role, --profile), not both")
    if args.snapshot:
        # Snapshot files make no reference cycles worth collecting (boto3 clients, in a live scan, do): the
        # collector's passes over all the scan holds, while it loads the rules and writes the report, would
        # free next to nothing. It is paused, and left so when the process ends right after: resuming it
        # would cost one last pass.
        if args.ending:
            gc.disable()
            return _scan_command(args)
        with collector_paused():
            return _scan_command(args)
    return _scan_command(args)


def _scan_command(args: argparse.Namespace) -> int:
    suppressions: tuple[Suppression, ...] = ()

    def load() -> RuleSet:  # the rules, then the suppressions: the first bad file is the one reported
        nonlocal suppressions
        rules = load_rules(args.rules)
        if args.suppressions:
            from .suppress import load_suppressions

            suppressions = load_suppressions(args.suppressions)
        return rules

    kept = None
    if args.plan_fixes:
        from .fix import AccountsKept

        kept = AccountsKept()
    rules: RuleSet | None = None
    if args.snapshot and kept is None:
        # The rules are loaded while other processes already read the snapshot files.
        jobs = args.jobs if args.jobs is not None else default_jobs(args.snapshot)
        # The JSON report's text of each finding is written by the process that found it (Finding.json_text)
        prepare = _json_text if "json" in (args.format or ()) else None
        report = scan_snapshots(load, args.snapshot, jobs=jobs, prepare=prepare)
    elif args.snapshot and kept is not None:  # the accounts are kept for planning: one process
        rules = load()
        report = scan(rules, kept.sources(snapshot_sources(args.snapshot)))
    else:
        rules, report = _live_report(load(), args, kept)
    if args.suppressions:
        from .suppress import apply_suppressions

        report = apply_suppressions(report, suppressions, datetime.now(timezone.utc).date())
    if kept is not None and rules is not None:  # planned, never applied: nothing is written
        from .fix import plan_fixes

        report = with_plan(report, plan_fixes(rules, kept.accounts, report.active))
    _write_reports(report, args.format, args.output, args.output_dir)
    return _exit_code(report, Severity(args.fail_on))


def _json_text(finding: Finding) -> str:
    return finding.json_text


def _cmd_snapshot(args: argparse.Namespace) -> int:
    rules = load_rules(args.rules)
    options = live_options(args)
    try:
        rules = resolve_projects(rules, options)
    except ScanError as exc:
        print(f"xtrust: error: {exc}", file=sys.stderr)
        return EXIT_INCOMPLETE
    try:
        Path(args.output).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise XtrustError(f"{args.output}: cannot create: {exc.strerror or exc}") from None
    from .collect import read_accounts, write_snapshots

    reads = read_accounts(rules.accounts, options, progress_for(quiet=args.quiet))
    written = write_snapshots(reads, args.output)
    for path in written:
        print(path)
    failed = [read for read in reads if read.error is not None]
    for read in failed:
        print(f"xtrust: error: {read.error}", file=sys.stderr)
    return EXIT_INCOMPLETE if failed else EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    from .diff import diff_reports, load_report_json, render_diff  # only for this command

    difference = diff_reports(load_report_json(args.old), load_report_json(args.new))
    _emit(render_diff(difference, args.format), args.output)
    return EXIT_FINDINGS if difference.failing else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xtrust", description="Audit and repair AWS cross-account trust.")
    parser.add_argument("--version", action="version", version=f"xtrust {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    sub = commands.add_parser("explain", help="decide one sts:AssumeRole request and say why")
    sub.add_argument("--principal", required=True, metavar="ARN", help="the caller: a user, role or session ARN")
    sub.add_argument("--role", required=True, metavar="ARN", help="the role to assume")
    sub.add_argument("--trust", required=True, metavar="FILE", help="the role's trust policy (JSON)")
    sub.add_argument("--identity", action="append", default=[], metavar="FILE",
                     help="an identity policy of the caller (JSON); repeat for each")
    sub.add_argument("--context", action="append", default=[], metavar="KEY=VALUE",
                     help="a request context value; repeat a key for several values")
    sub.add_argument("--action", default="sts:AssumeRole", help="the action asked for (default sts:AssumeRole)")
    sub.set_defaults(run=_cmd_explain)

    sub = commands.add_parser("scan", help="check accounts against the rules and report findings")
    sub.add_argument("--rules", required=True, metavar="FILE", help="the rules file (YAML)")
    sub.add_argument("--snapshot", nargs="+", action="extend", default=[], metavar="FILE",
                     help="get-account-authorization-details JSON, one file per account")
    sub.add_argument("--format", type=_format_list, action="extend", default=[], metavar="FORMAT[,FORMAT…]",
                     help=f"report format(s): {', '.join(FORMATS)} (default text); several need --output-dir")
    sub.add_argument("--output", metavar="FILE", help="write the report here instead of standard output")
    sub.add_argument("--output-dir", metavar="DIR",
                     help="write each format to DIR/xtrust-report.<ext> (txt, json, sarif, xml, md, html)")
    sub.add_argument("--fail-on", choices=[s.value for s in Severity], default=Severity.INFO.value,
                     metavar="SEVERITY", help="exit 1 only for findings at this severity or above "
                     f"({', '.join(s.value for s in Severity)}; default info: any finding)")
    sub.add_argument("--suppressions", metavar="FILE",
                     help="accepted exceptions (YAML): finding id or resource pattern, reason, expiry date")
    sub.add_argument("--plan-fixes", action="store_true",
                     help="plan a verified fix for each finding and show it in the report (the JSON \"fix\" "
                     "field; diffs in html and markdown); nothing is written to AWS")
    sub.add_argument("--jobs", type=positive_count, metavar="N",
                     help="snapshot files read and checked at once, each in a process of its own (default: one "
                     "per CPU for inputs of several MB, else 1; the report is the same)")
    add_live_options(sub)
    sub.set_defaults(run=_cmd_scan)

    sub = commands.add_parser("snapshot", help="read accounts live and write one snapshot file per account")
    sub.add_argument("--rules", required=True, metavar="FILE", help="the rules file (YAML): which accounts")
    sub.add_argument("--output", required=True, metavar="DIR", help="write <account>.json files here")
    add_live_options(sub)
    sub.set_defaults(run=_cmd_snapshot)

    sub = commands.add_parser("diff", help="compare two JSON reports: new, resolved and unchanged findings")
    sub.add_argument("old", metavar="OLD.json", help="the earlier report (xtrust scan --format json)")
    sub.add_argument("new", metavar="NEW.json", help="the later report")
    sub.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                     help="text (default), json or markdown")
    sub.add_argument("--output", metavar="FILE", help="write the difference here instead of standard output")
    sub.set_defaults(run=_cmd_diff)

    add_fix_commands(commands)  # fix, rollback, demo
    return parser


def main(argv: Sequence[str] | None = None, *, ending: bool = False) -> int:
    """Run one ``xtrust`` command; its exit code. ``ending``: the process ends right after (as in :func:`run`),
    so what would only matter to a process that goes on is skipped."""
    for stream in (sys.stdout, sys.stderr):
        # A lone surrogate (from a \\udc80 escape in the input) is written as that escape, not as an error, nor
        # (where the locale asks for surrogateescape) as a byte that is not UTF-8.
        with suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    args = build_parser().parse_args(argv)
    args.ending = ending
    try:
        return int(args.run(args))
    except RulesError as exc:
        for problem in exc.problems:
            print(f"xtrust: error: {one_line(problem)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except XtrustError as exc:
        print(f"xtrust: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("xtrust: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of standard output went away (``| head``): the rest goes nowhere
        _silence_stdout()
        print("xtrust: error: standard output was closed before all of it was written", file=sys.stderr)
        return EXIT_BAD_INPUT


def _silence_stdout() -> None:
    """Point standard output at the null device, so that what is still buffered for it is dropped without
    another error (https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    with suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def run() -> NoReturn:
    """The ``xtrust`` command: :func:`main`, then exit with its code. Once what it printed is flushed, the
    process ends at once (``os._exit``): what it still holds goes back to the system whole, instead of being
    freed object by object as the interpreter shuts down (for a scan, its caches and the accounts' values:
    a twentieth of the instructions of a scan of the benchmark world). Every file it wrote was closed
    before :func:`main` returned."""
    code = main(ending=True)
    try:
        sys.stdout.flush()
    except OSError as exc:  # a closed pipe, a full disk: the output is lost, which is not a clean exit
        _silence_stdout()
        code = EXIT_BAD_INPUT
        with suppress(OSError):
            print(f"xtrust: error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
    with suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
