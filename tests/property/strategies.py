"""Shared Hypothesis strategies: policies, principals, actions, resources and request contexts.

Every strategy draws from a small vocabulary around the hub-and-spoke accounts (L = login 987654321098,
D = project 123456789012, X = an outsider 555555555555), so that random policies and random requests
actually meet: the same names, paths and account IDs appear on both sides.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

L, D, X = "987654321098", "123456789012", "555555555555"
ACCOUNTS = (L, D, X)
USER_NAMES = ("alice", "bob")
ROLE_NAMES = ("Admin", "Deployer", "ReadOnly")
PATHS = ("/", "/team/", "/ops/")
SESSION_NAMES = ("alice", "ci")
SERVICES = ("ec2.amazonaws.com", "lambda.amazonaws.com")

accounts = st.sampled_from(ACCOUNTS)
paths = st.sampled_from(PATHS)


@st.composite
def user_arns(draw: st.DrawFn, account: str | None = None) -> str:
    return f"arn:aws:iam::{account or draw(accounts)}:user{draw(paths)}{draw(st.sampled_from(USER_NAMES))}"


@st.composite
def role_arns(draw: st.DrawFn, account: str | None = None) -> str:
    return f"arn:aws:iam::{account or draw(accounts)}:role{draw(paths)}{draw(st.sampled_from(ROLE_NAMES))}"


@st.composite
def session_arns(draw: st.DrawFn) -> str:
    role, name = draw(st.sampled_from(ROLE_NAMES)), draw(st.sampled_from(SESSION_NAMES))
    return f"arn:aws:sts::{draw(accounts)}:assumed-role/{role}/{name}"


# --- principals ------------------------------------------------------------------------------------

aws_principal_values = st.one_of(
    st.just("*"),
    accounts,
    accounts.map(lambda a: f"arn:aws:iam::{a}:root"),
    user_arns(),
    role_arns(),
    session_arns(),
    st.sampled_from(("AIDAJQABLZS4A3QDU576Q", "AROADBQP57FF2AEXAMPLE")),
)


def _one_or_many(values: st.SearchStrategy[str], max_size: int = 3) -> st.SearchStrategy[Any]:
    return st.one_of(values, st.lists(values, min_size=1, max_size=max_size))


@st.composite
def principal_blocks(draw: st.DrawFn, aws_values: st.SearchStrategy[str] = aws_principal_values) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return "*"
    block: dict[str, Any] = {}
    kinds = draw(st.lists(st.sampled_from(("AWS", "Service")), min_size=1, max_size=2, unique=True))
    for kind in kinds:
        block[kind] = draw(_one_or_many(aws_values if kind == "AWS" else st.sampled_from(SERVICES)))
    return block


# --- actions and resources -------------------------------------------------------------------------

ACTION_PATTERNS = (
    "sts:AssumeRole", "STS:ASSUMEROLE", "sts:assumerole", "sts:Assume*", "sts:*", "*", "sts:AssumeRol?",
    "sts:TagSession", "sts:AssumeRoleWithSAML", "iam:*", "s3:GetObject", "sts:Get*",
)
actions = st.sampled_from(ACTION_PATTERNS)
action_elements = _one_or_many(actions)


@st.composite
def resource_patterns(draw: st.DrawFn) -> str:
    account = draw(st.sampled_from((D, X, "*")))
    name = draw(st.sampled_from(("Admin", "Adm*", "*", "Admi?", "ReadOnly", "team/Admin", "team/*", "*Admin")))
    return f"arn:aws:iam::{account}:role/{name}"


resource_elements = st.one_of(st.just("*"), _one_or_many(resource_patterns()))

# The roles requests are made against.
target_roles = st.sampled_from((
    f"arn:aws:iam::{D}:role/Admin", f"arn:aws:iam::{D}:role/team/Admin", f"arn:aws:iam::{D}:role/ReadOnly",
    f"arn:aws:iam::{X}:role/Admin",
))

# --- conditions and contexts -----------------------------------------------------------------------

CONDITION_BLOCKS: tuple[dict[str, Any], ...] = (
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}},
    {"StringEquals": {"sts:ExternalId": ["abc", "xyz"]}},
    {"StringNotEquals": {"sts:ExternalId": "abc"}},
    {"StringLike": {"sts:ExternalId": "a*"}},
    {"StringEquals": {"aws:PrincipalAccount": L}},
    {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/*"}},
    {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{X}:*"}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}},
    {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
    {"DateLessThan": {"aws:CurrentTime": "9999-12-31T23:59:59Z"}},
    {"DateGreaterThan": {"aws:EpochTime": "2030-01-01T00:00:00Z"}},
    {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "12345678901234567890123456781111"}},
    {"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "3600"}},
    {"NumericNotEquals": {"aws:MultiFactorAuthAge": ["100", "7200"]}},
    {"DateLessThanEqualsIfExists": {"aws:TokenIssueTime": "2025-06-01T12:00:00Z"}},
    {"DateGreaterThanEquals": {"aws:CurrentTime": "2031-01-01T00:00:00Z"}},
    {"StringEquals": {"aws:EpochTime": "1900000000"}},
    {"Null": {"aws:TokenIssueTime": "true"}},
    {"ForAnyValue:StringEquals": {"aws:CalledVia": ["a", "b"]}},
    {"ForAllValues:StringLike": {"aws:CalledVia": "a*"}},
    {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    {"StringEquals": {"sts:RoleSessionName": "${aws:username}"}},
    {"StringNotLike": {"aws:PrincipalAccount": ["5*", "1*"]}},
    {"NumericGreaterThanEquals": {"aws:PrincipalAccount": L}},
    {"StringEquals": {"aws:ResourceAccount": D}},
    {"StringNotEquals": {"aws:ResourceAccount": D}},
    {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}},
    {"StringEquals": {"aws:username": "bob"}},
)
conditions = st.sampled_from(CONDITION_BLOCKS)


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, Any]:
    """Caller-supplied context keys, each present or absent."""
    choices: dict[str, st.SearchStrategy[Any]] = {
        "aws:MultiFactorAuthPresent": st.sampled_from(("true", "false")),
        "sts:ExternalId": st.sampled_from(("abc", "xyz", "ABC", "other")),
        "aws:SourceIp": st.sampled_from(("203.0.113.5", "198.51.100.1", "2001:db8::1")),
        "aws:MultiFactorAuthAge": st.sampled_from(("100", "7200", "12345678901234567890123456781112")),
        "aws:CurrentTime": st.sampled_from(("2025-06-01T12:00:00Z", "2031-01-01T00:00:00Z", "9999-12-31T23:59:59Z")),
        "aws:EpochTime": st.sampled_from(("1780000000", "1900000000")),
        "aws:TokenIssueTime": st.sampled_from(("2025-06-01T12:00:00Z", "2025-06-01T12:00:01Z")),
        "aws:CalledVia": st.lists(st.sampled_from(("a", "ab", "b", "c")), max_size=3),
        "aws:PrincipalOrgID": st.sampled_from(("o-abc123", "o-other")),
        "sts:RoleSessionName": st.sampled_from(("alice", "bob")),
        "aws:RequestTag/team": st.sampled_from(("blue",)),
    }
    keys = draw(st.lists(st.sampled_from(sorted(choices)), unique=True, max_size=4))
    return {key: draw(choices[key]) for key in keys}


# --- statements and policies ---------------------------------------------------------------------

@st.composite
def trust_statements(
    draw: st.DrawFn,
    effect: str | None = None,
    with_conditions: bool = True,
    with_not: bool = True,
    aws_values: st.SearchStrategy[str] = aws_principal_values,
) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    if draw(st.booleans()):
        statement["Sid"] = draw(st.sampled_from(("", "A", "FromLogin")))
    statement["Effect"] = effect or draw(st.sampled_from(("Allow", "Deny")))
    principal_key = "NotPrincipal" if with_not and draw(st.integers(0, 5)) == 0 else "Principal"
    statement[principal_key] = draw(principal_blocks(aws_values))
    action_key = "NotAction" if with_not and draw(st.integers(0, 5)) == 0 else "Action"
    statement[action_key] = draw(action_elements)
    if with_conditions and draw(st.booleans()):
        block: dict[str, Any] = {}
        for entry in draw(st.lists(conditions, min_size=1, max_size=2)):
            for operator, keys in entry.items():
                block.setdefault(operator, {}).update(keys)
        statement["Condition"] = block
    return statement


@st.composite
def identity_statements(draw: st.DrawFn, effect: str | None = None, with_conditions: bool = True,
                        with_not: bool = True) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(("Allow", "Deny")))}
    action_key = "NotAction" if with_not and draw(st.integers(0, 5)) == 0 else "Action"
    statement[action_key] = draw(action_elements)
    resource_key = "NotResource" if with_not and draw(st.integers(0, 5)) == 0 else "Resource"
    statement[resource_key] = draw(resource_elements)
    if with_conditions and draw(st.integers(0, 3)) == 0:
        statement["Condition"] = draw(conditions)
    return statement


@st.composite
def documents(draw: st.DrawFn, statements: st.SearchStrategy[dict[str, Any]], max_size: int = 4) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    version = draw(st.sampled_from(("2012-10-17", "2012-10-17", "2008-10-17", None)))
    if version is not None:
        doc["Version"] = version
    items = draw(st.lists(statements, min_size=1, max_size=max_size))
    doc["Statement"] = items[0] if len(items) == 1 and draw(st.booleans()) else items
    return doc


def trust_policies(**kw: Any) -> st.SearchStrategy[dict[str, Any]]:
    return documents(trust_statements(**kw))


def identity_policies(**kw: Any) -> st.SearchStrategy[dict[str, Any]]:
    return documents(identity_statements(**kw))


# --- callers -------------------------------------------------------------------------------------

callers = st.one_of(user_arns(), role_arns(), session_arns(), st.sampled_from(SERVICES))
iam_callers = st.one_of(user_arns(), session_arns())


def statements_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    raw = doc["Statement"]
    return [raw] if isinstance(raw, dict) else list(raw)


def with_statement(doc: dict[str, Any], statement: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` with one more statement at the end."""
    return {**doc, "Statement": [*statements_of(doc), statement]}
