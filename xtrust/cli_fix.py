"""The ``xtrust fix``, ``xtrust rollback`` and ``xtrust demo`` commands: argument parsing and output only.

``fix`` plans verified fixes and shows them (a unified diff per document, ``--format json`` for the plan, or
any other report format — html, markdown, sarif, junit — for the report with each finding's fix); with
``--apply`` it writes them through :mod:`xtrust.apply`. Exit codes: 0 nothing to fix (or everything
applied), 1 findings left (planned, manual, skipped or failed), 2 bad input, 3 an account could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

from .cli_live import add_live_options, live_options, resolve_projects
from .errors import InputError, ScanError
from .findings import Report
from .report import FORMATS, render, with_plan
from .rules import load_rules
from .snapshot import load_snapshot

if TYPE_CHECKING:  # the writer and boto3 load only when a command reaches AWS; the planner when one plans
    from .apply import Outcome
    from .collect import LiveOptions
    from .fix import Plan

__all__ = ["PLAN_FORMATS", "add_commands", "format_outcomes"]

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INCOMPLETE = 0, 1, 2, 3
# text and json are the plan's own; the other report formats show the report with the planned fixes
PLAN_FORMATS = ("text", "json", *(name for name in FORMATS if name not in ("text", "json")))


def _live(args: argparse.Namespace) -> LiveOptions | None:
    """The live options, when the command was given any (else the command works on snapshots)."""
    return live_options(args) if (args.assume_role or args.profile) else None


def format_outcomes(outcomes: Sequence[Outcome], verb: str) -> str:
    lines = [f"  {o.status:9} {o.label}" + (f": {o.detail}" if o.detail else "") for o in outcomes]
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to do"
    return "\n".join([f"{verb}: {summary}", *lines]) + "\n"


def _confirm(count: int, assume_yes: bool, stdin: TextIO) -> bool:
    if assume_yes:
        return True
    if not stdin.isatty():
        raise InputError("--apply without --yes needs a terminal to confirm on")
    sys.stderr.write(f"Apply {count} fix(es) to AWS? [y/N] ")
    sys.stderr.flush()
    return stdin.readline().strip().lower() in ("y", "yes")


def _clients(options: LiveOptions) -> Callable[[str], Any]:
    from .apply import iam_client

    @cache
    def client(account: str) -> Any:
        return iam_client(account, options)

    return client


def _cmd_fix(args: argparse.Namespace) -> int:
    from .fix import plan_for
    from .verify import Quotas

    rules = load_rules(args.rules)
    options = _live(args)
    if args.snapshot and options:
        raise InputError("give --snapshot files or live options (--assume-role, --profile), not both")
    if args.apply and options is None:
        raise InputError("--apply writes to AWS: give live options (--assume-role or --profile), not --snapshot")
    if not args.snapshot and options is None:
        raise InputError("give one --snapshot FILE per account, or live options (--assume-role, --profile)")
    quotas: dict[str, Quotas] = {}
    errors: list[Any] = []
    if options is None:
        accounts = [load_snapshot(path) for path in args.snapshot]
    else:
        from .apply import read_live

        try:
            rules = resolve_projects(rules, options)
        except ScanError as exc:
            print(f"xtrust: error: {exc}", file=sys.stderr)
            return EXIT_INCOMPLETE
        accounts, errors, quotas = read_live(rules.accounts, options)
    report, plan = plan_for(rules, accounts, errors, quotas)
    sys.stdout.write(_render_plan(report, plan, args.format))
    for error in report.errors:
        print(f"xtrust: incomplete: {error.account}: {error.message}", file=sys.stderr)
    incomplete = EXIT_INCOMPLETE if report.errors else None
    if not args.apply:
        return incomplete or (EXIT_FINDINGS if plan.fixes or plan.manual else EXIT_OK)
    if not plan.fixes:
        print("Nothing to apply.", file=sys.stderr)
        return incomplete or (EXIT_FINDINGS if plan.manual else EXIT_OK)
    assert options is not None
    if not _confirm(len(plan.fixes), args.yes, sys.stdin):
        print("Not applied.", file=sys.stderr)
        return EXIT_FINDINGS
    clients = _clients(options)
    from .apply import Journal, apply_fixes, default_journal_path

    path = args.journal or default_journal_path()
    with Journal(path) as journal:
        outcomes = apply_fixes(plan.fixes, clients, journal, quotas=lambda a: quotas.get(a, Quotas()))
    print(format_outcomes(outcomes, "Applied"), end="", file=sys.stderr)
    print(f"Journal: {path} (undo with: xtrust rollback {path})", file=sys.stderr)
    clean = all(o.status == "applied" for o in outcomes) and not plan.manual
    return incomplete or (EXIT_OK if clean else EXIT_FINDINGS)


def _render_plan(report: Report, plan: Plan, fmt: str) -> str:
    """``text``: a unified diff per document; ``json``: the plan; any other report format: the scan's report
    with each finding carrying its planned fix (:func:`xtrust.report.with_plan`)."""
    if fmt == "json":
        return json.dumps(plan.to_json(), indent=2) + "\n"
    if fmt == "text":
        from .fix import format_plan

        return format_plan(plan)
    return render(with_plan(report, plan), fmt)


def _cmd_rollback(args: argparse.Namespace) -> int:
    from .apply import read_journal, rollback
    from .collect import LiveOptions

    entries = read_journal(args.journal)
    options = _live(args) or LiveOptions()
    outcomes = rollback(entries, _clients(options))
    print(format_outcomes(outcomes, "Rolled back"), end="")
    return EXIT_FINDINGS if any(o.status == "failed" for o in outcomes) else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(lambda text: print(text, flush=True), journal_dir=args.journal_dir)


def add_commands(commands: Any, format_choices: Sequence[str] = PLAN_FORMATS) -> None:
    """Add ``fix``, ``rollback`` and ``demo`` to the subcommands of the ``xtrust`` parser."""
    sub = commands.add_parser("fix", help="plan verified fixes (a dry run with diffs); apply them with --apply")
    sub.add_argument("--rules", required=True, metavar="FILE", help="the rules file (YAML)")
    sub.add_argument("--snapshot", nargs="+", action="extend", default=[], metavar="FILE",
                     help="get-account-authorization-details JSON, one file per account (plan only)")
    sub.add_argument("--format", choices=list(format_choices), default="text",
                     help="text: a unified diff per document (default); json: the plan; "
                     f"{', '.join(f for f in format_choices if f not in ('text', 'json'))}: "
                     "the report with each finding's planned fix")
    sub.add_argument("--apply", action="store_true", help="write the fixes to AWS (live accounts only)")
    sub.add_argument("--yes", action="store_true", help="apply without asking for confirmation")
    sub.add_argument("--journal", metavar="FILE",
                     help="where to journal the old documents (default: reports/xtrust-fix-<time>.jsonl)")
    add_live_options(sub)
    sub.set_defaults(run=_cmd_fix)

    sub = commands.add_parser("rollback", help="restore every document an apply journalled")
    sub.add_argument("journal", metavar="JOURNAL", help="the journal xtrust fix --apply wrote")
    add_live_options(sub)
    sub.set_defaults(run=_cmd_rollback)

    sub = commands.add_parser("demo", help="the whole tool against a local moto server: scan, fix, apply, roll back")
    sub.add_argument("--journal-dir", metavar="DIR", default=None,
                     help="where the demo journal goes (default: a temporary directory)")
    sub.set_defaults(run=_cmd_demo)
