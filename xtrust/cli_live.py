"""Command-line options for reading accounts live, shared by every command that reads accounts."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from .errors import ScanError
from .inventory import Account
from .progress import Progress
from .rules import RuleSet
from .scan import AccountSource
from .snapshot import parse_snapshot

if TYPE_CHECKING:  # boto3 is imported only by commands that reach AWS: a scan of files never loads it
    from .collect import AccountRead, LiveOptions

__all__ = ["add_live_options", "live_options", "live_sources", "positive_count", "resolve_projects"]


def _profile(value: str) -> tuple[str, str]:
    account, sep, profile = value.partition("=")
    if not sep or not account or not profile:
        raise argparse.ArgumentTypeError(f"expected ACCOUNT=PROFILE, not {value!r}")
    return account, profile


def positive_count(value: str) -> int:
    """argparse type of a count of workers or processes: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {value!r}")
    return number


def add_live_options(sub: argparse.ArgumentParser) -> None:
    group = sub.add_argument_group(
        "live accounts (instead of --snapshot; credentials from the default boto3 chain, "
        "endpoint from boto3's own configuration such as AWS_ENDPOINT_URL)")
    group.add_argument("--assume-role", metavar="NAME",
                       help="assume arn:aws:iam::<account>:role/NAME in every account (session name xtrust)")
    group.add_argument("--external-id", metavar="ID", help="the ExternalId to pass when assuming it")
    group.add_argument("--profile", type=_profile, action="append", default=[], metavar="ACCOUNT=PROFILE",
                       help="the AWS profile whose credentials reach ACCOUNT; repeat per account")
    group.add_argument("--region", metavar="REGION", help="the region to sign STS and IAM calls for")
    group.add_argument("--max-workers", type=positive_count, default=4, metavar="N",
                       help="accounts read at once (default 4)")
    group.add_argument("--quiet", action="store_true", help="no progress on the terminal")


def live_options(args: argparse.Namespace) -> LiveOptions:
    from .collect import LiveOptions

    return LiveOptions(assume_role=args.assume_role, external_id=args.external_id, profiles=dict(args.profile),
                       region=args.region, max_workers=args.max_workers)


def resolve_projects(rules: RuleSet, options: LiveOptions) -> RuleSet:
    """With ``projects: organization``, the organization's active accounts (other than the login account)
    become the project accounts; raises ScanError when the organization cannot be listed."""
    if not rules.organization:
        return rules
    import boto3

    from .collect import discover_organization_accounts

    session = boto3.session.Session(region_name=options.region)
    return rules.with_projects(discover_organization_accounts(session, options))



def live_sources(account_ids: Iterable[str], options: LiveOptions,
                 progress: Progress | None = None) -> Iterator[AccountSource]:
    """Accounts read live, in a bounded pool, each handed over as soon as it is read (so a scan holds only a
    few accounts at a time); an account that could not be read raises its ScanError when loaded."""
    from .collect import iter_account_reads

    for read in iter_account_reads(account_ids, options, progress):
        yield AccountSource(f"account {read.account} (live)", partial(_loaded, read))


def _loaded(read: AccountRead) -> Account:
    if read.error is not None or read.data is None:
        raise read.error or ScanError(read.account, "no data")
    return parse_snapshot(read.data, f"account {read.account} (live)")
