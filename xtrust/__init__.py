"""xtrust: audit and repair AWS cross-account trust.

``can_assume`` and ``explain`` decide one ``sts:AssumeRole`` request with IAM's evaluation logic;
``parse_policy`` turns a policy document into frozen values. ``load_rules``, ``check_trust_policy``,
``check_identity_policy`` and ``check_snapshots`` (see :mod:`xtrust.api`) check documents and snapshots
against a rules file and return :class:`Finding` values, each with the request that proves it.
"""

from .api import check_identity_policy, check_snapshots, check_trust_policy, load_rules, rules_from_text
from .errors import InputError, PolicyError, RulesError, ScanError, XtrustError
from .evaluate import Decision, Outcome, can_assume, explain
from .findings import Counterexample, Finding, Report
from .model import Policy, PolicyKind, parse_policy

__version__ = "0.1.0"

__all__ = [
    "Counterexample",
    "Decision",
    "Finding",
    "InputError",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyKind",
    "Report",
    "RulesError",
    "ScanError",
    "XtrustError",
    "__version__",
    "can_assume",
    "check_identity_policy",
    "check_snapshots",
    "check_trust_policy",
    "explain",
    "load_rules",
    "parse_policy",
    "rules_from_text",
]
