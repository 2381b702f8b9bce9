"""xtrust: audit and repair AWS cross-account trust.

``can_assume`` and ``explain`` decide one ``sts:AssumeRole`` request with IAM's evaluation logic;
``parse_policy`` turns a policy document into frozen values.
"""

from .errors import InputError, PolicyError, RulesError, ScanError, XtrustError
from .evaluate import Decision, Outcome, can_assume, explain
from .model import Policy, PolicyKind, parse_policy

__version__ = "0.1.0"

__all__ = [
    "can_assume",
    "explain",
    "parse_policy",
    "Decision",
    "Outcome",
    "Policy",
    "PolicyKind",
    "XtrustError",
    "PolicyError",
    "InputError",
    "RulesError",
    "ScanError",
    "__version__",
]
