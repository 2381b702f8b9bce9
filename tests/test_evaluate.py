"""The evaluator, as tables: each policy beside the decision AWS documents for it.

Groups follow the AWS IAM User Guide pages (https://docs.aws.amazon.com/IAM/latest/UserGuide/<key>.html);
each group's test names its page. L is the login account, D the project account that holds the role,
X any other account. Rows marked *inferred* pin a choice where AWS does not state the rule outright.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from xtrust import Outcome, can_assume, explain
from xtrust.cli import main

L = "987654321098"
D = "123456789012"
X = "555555555555"
DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"

ROLE = f"arn:aws:iam::{D}:role/Admin"
TEAM_ROLE = f"arn:aws:iam::{D}:role/team/Admin"
ALICE = f"arn:aws:iam::{L}:user/alice"
ALICE_PATH = f"arn:aws:iam::{L}:user/eng/alice"
BOB = f"arn:aws:iam::{L}:user/bob"
DEPLOYER = f"arn:aws:iam::{L}:role/ops/Deployer"
SESSION = f"arn:aws:sts::{L}:assumed-role/Deployer/alice"
OTHER_SESSION = f"arn:aws:sts::{L}:assumed-role/Deployer/mallory"
L_ROOT_CALLER = f"arn:aws:iam::{L}:root"
FED_USER = f"arn:aws:sts::{L}:federated-user/carol"
D_USER = f"arn:aws:iam::{D}:user/dave"
D_ROLE = f"arn:aws:iam::{D}:role/Builder"
D_SESSION = f"arn:aws:sts::{D}:assumed-role/Builder/ci"
X_USER = f"arn:aws:iam::{X}:user/eve"
SAML = f"arn:aws:iam::{D}:saml-provider/Okta"
OIDC = "token.actions.githubusercontent.com"

ALLOWED, EXPLICIT, IMPLICIT = Outcome.ALLOWED, Outcome.EXPLICIT_DENY, Outcome.IMPLICIT_DENY

L_ROOT = {"AWS": f"arn:aws:iam::{L}:root"}


def trust(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    return {"Version": version, **doc} if version else doc


identity = trust


def allow(principal: Any, action: Any = "sts:AssumeRole", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, **extra}


def deny(principal: Any, action: Any = "sts:AssumeRole", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Principal": principal, "Action": action, **extra}


def grant(resource: Any = ROLE, action: Any = "sts:AssumeRole", effect: str = "Allow", **extra: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource, **extra}


ID_ALLOW = identity(grant())  # the seed's group policy: sts:AssumeRole on the Admin role
ID_ALLOW_ALL = identity(grant("*", ["sts:AssumeRole", "sts:TagSession"]))
SEED_TRUST = trust(allow(L_ROOT))


@dataclass(frozen=True)
class Case:
    trust: Mapping[str, Any]
    expected: Outcome
    principal: str = ALICE
    identity: tuple[Mapping[str, Any], ...] = (ID_ALLOW,)
    context: Mapping[str, Any] | None = None
    role: str = ROLE
    action: str = "sts:AssumeRole"
    extra: Mapping[str, Any] = field(default_factory=dict)


def row(name: str, expected: Outcome, trust_policy: Mapping[str, Any], **kw: Any) -> Any:
    if "identity" in kw and not isinstance(kw["identity"], tuple):
        kw["identity"] = (kw["identity"],)
    return pytest.param(Case(trust_policy, expected, **kw), id=name)


def check(case: Case) -> None:
    kwargs = dict(trust_policy=case.trust, identity_policies=case.identity, context=case.context, action=case.action)
    decision = explain(case.principal, case.role, **kwargs)
    assert decision.outcome is case.expected, decision.reason
    assert decision.allowed is (case.expected is ALLOWED)
    assert can_assume(case.principal, case.role, **kwargs) is (case.expected is ALLOWED)
    # The same request, with the documents given as JSON text: parsing is not part of the meaning.
    text = dict(kwargs, trust_policy=json.dumps(case.trust), identity_policies=[json.dumps(p) for p in case.identity])
    assert explain(case.principal, case.role, **text).outcome is case.expected


# --- reference_policies_evaluation-logic ------------------------------------------------------------

EVALUATION_LOGIC = [
    row("seed-trust-and-group-policy", ALLOWED, SEED_TRUST),
    row("seed-trust-without-identity-allow", IMPLICIT, SEED_TRUST, identity=()),
    row("no-trust-statement-applies", IMPLICIT, trust(allow({"AWS": X}))),
    row("trust-deny-same-principal-wins", EXPLICIT, trust(allow(L_ROOT), deny(L_ROOT))),
    row("trust-deny-before-allow-wins", EXPLICIT, trust(deny({"AWS": ALICE}), allow(L_ROOT))),
    row("trust-deny-of-another-user-does-not-apply", ALLOWED, trust(allow(L_ROOT), deny({"AWS": BOB}))),
    row("trust-deny-star-wins", EXPLICIT, trust(allow({"AWS": ALICE}), deny("*"))),
    row("trust-deny-with-false-condition-does-not-apply", ALLOWED,
        trust(allow(L_ROOT), deny("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}})),
        context={"aws:MultiFactorAuthPresent": "true"}),
    row("trust-deny-with-true-condition-applies", EXPLICIT,
        trust(allow(L_ROOT), deny("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}})),
        context={"aws:MultiFactorAuthPresent": "false"}),
    row("identity-deny-wins", EXPLICIT, SEED_TRUST, identity=identity(grant(), grant(effect="Deny"))),
    row("identity-deny-in-another-policy-wins", EXPLICIT, SEED_TRUST,
        identity=(ID_ALLOW, identity(grant("*", "sts:*", "Deny")))),
    row("identity-deny-of-another-role-does-not-apply", ALLOWED, SEED_TRUST,
        identity=identity(grant(), grant(f"arn:aws:iam::{D}:role/ReadOnly", effect="Deny"))),
    row("identity-deny-wins-even-when-trust-names-caller-same-account", EXPLICIT, trust(allow({"AWS": D_USER})),
        principal=D_USER, identity=identity(grant("*", "*", "Deny"))),
    row("identity-deny-alone", EXPLICIT, SEED_TRUST, identity=identity(grant(effect="Deny"))),
    row("allow-in-one-identity-policy-of-many", ALLOWED, SEED_TRUST,
        identity=(identity(grant(f"arn:aws:iam::{D}:role/ReadOnly")), ID_ALLOW)),
    row("empty-identity-policy-list", IMPLICIT, SEED_TRUST, identity=()),
]


@pytest.mark.parametrize("case", EVALUATION_LOGIC)
def test_evaluation_logic(case: Case) -> None:
    """An explicit Deny in any policy wins; otherwise an Allow is needed (reference_policies_evaluation-logic)."""
    check(case)


# --- reference_policies_evaluation-logic-cross-account -----------------------------------------------

CROSS_ACCOUNT = [
    row("cross-account-both-sides-allow", ALLOWED, SEED_TRUST),
    row("cross-account-trust-only", IMPLICIT, SEED_TRUST, identity=()),
    row("cross-account-identity-only", IMPLICIT, trust(allow({"AWS": X})), identity=ID_ALLOW),
    row("cross-account-named-user-still-needs-identity", IMPLICIT, trust(allow({"AWS": ALICE})), identity=()),
    row("cross-account-named-user-with-identity", ALLOWED, trust(allow({"AWS": ALICE}))),
    row("cross-account-star-still-needs-identity", IMPLICIT, trust(allow("*")), identity=()),
    row("cross-account-star-with-identity", ALLOWED, trust(allow("*"))),
    row("outsider-account-star-with-its-identity", ALLOWED, trust(allow("*")), principal=X_USER),
    row("outsider-account-not-trusted", IMPLICIT, SEED_TRUST, principal=X_USER),
    row("identity-allows-another-role-only", IMPLICIT, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/ReadOnly"))),
    row("identity-allows-another-action-only", IMPLICIT, SEED_TRUST, identity=identity(grant(ROLE, "sts:TagSession"))),
    row("role-session-caller-cross-account", ALLOWED, SEED_TRUST, principal=SESSION),
    row("role-caller-cross-account", ALLOWED, SEED_TRUST, principal=DEPLOYER),
    row("same-account-named-user-alone", ALLOWED, trust(allow({"AWS": D_USER})), principal=D_USER, identity=()),
    row("same-account-named-role-alone", ALLOWED, trust(allow({"AWS": D_ROLE})), principal=D_SESSION, identity=()),
    row("same-account-named-session-alone", ALLOWED, trust(allow({"AWS": D_SESSION})), principal=D_SESSION,
        identity=()),
    row("same-account-root-arn-needs-identity", IMPLICIT, trust(allow({"AWS": f"arn:aws:iam::{D}:root"})),
        principal=D_USER, identity=()),
    row("same-account-root-arn-with-identity", ALLOWED, trust(allow({"AWS": f"arn:aws:iam::{D}:root"})),
        principal=D_USER),
    row("same-account-bare-id-needs-identity", IMPLICIT, trust(allow({"AWS": D})), principal=D_SESSION, identity=()),
    row("same-account-bare-id-with-identity", ALLOWED, trust(allow({"AWS": D})), principal=D_SESSION),
    # *inferred* from docs/iam-reference.md: "*" names every principal, so in the role's own account it is
    # enough alone; only callers in other accounts need their own identity Allow.
    row("same-account-star-alone", ALLOWED, trust(allow("*")), principal=D_USER, identity=()),
    row("same-account-other-user-named", IMPLICIT, trust(allow({"AWS": f"arn:aws:iam::{D}:user/other"})),
        principal=D_USER),
    row("same-account-named-plus-account-statements", ALLOWED,
        trust(allow({"AWS": D}), allow({"AWS": D_USER})), principal=D_USER, identity=()),
]


@pytest.mark.parametrize("case", CROSS_ACCOUNT)
def test_cross_account(case: Case) -> None:
    """Across accounts both the trust policy and an identity policy must allow; in the role's own account
    naming the caller is enough, naming the account is not (reference_policies_evaluation-logic-cross-account)."""
    check(case)


# --- reference_policies_elements_principal -----------------------------------------------------------

PRINCIPAL = [
    row("account-id-covers-user", ALLOWED, trust(allow({"AWS": L}))),
    row("account-id-covers-user-with-path", ALLOWED, trust(allow({"AWS": L})), principal=ALICE_PATH),
    row("account-id-covers-role-session", ALLOWED, trust(allow({"AWS": L})), principal=SESSION),
    row("account-id-list", ALLOWED, trust(allow({"AWS": [X, L]}))),
    row("root-arn-covers-user", ALLOWED, trust(allow(L_ROOT))),
    row("root-arn-of-other-account", IMPLICIT, trust(allow({"AWS": f"arn:aws:iam::{X}:root"}))),
    row("user-arn-matches-user", ALLOWED, trust(allow({"AWS": ALICE}))),
    row("user-arn-other-user", IMPLICIT, trust(allow({"AWS": BOB}))),
    row("user-arn-with-path", ALLOWED, trust(allow({"AWS": ALICE_PATH})), principal=ALICE_PATH),
    row("user-arn-does-not-cover-role-of-same-name", IMPLICIT, trust(allow({"AWS": f"arn:aws:iam::{L}:user/Deployer"})),
        principal=SESSION),
    row("role-arn-with-path-covers-its-sessions", ALLOWED, trust(allow({"AWS": DEPLOYER})), principal=SESSION),
    row("role-arn-with-path-covers-role-caller", ALLOWED, trust(allow({"AWS": DEPLOYER})), principal=DEPLOYER),
    row("role-arn-other-role", IMPLICIT, trust(allow({"AWS": f"arn:aws:iam::{L}:role/ops/Builder"})),
        principal=SESSION),
    row("role-arn-does-not-cover-user", IMPLICIT, trust(allow({"AWS": DEPLOYER}))),
    row("role-arn-same-name-other-account", IMPLICIT, trust(allow({"AWS": f"arn:aws:iam::{X}:role/ops/Deployer"})),
        principal=SESSION),
    row("session-arn-matches-that-session", ALLOWED, trust(allow({"AWS": SESSION})), principal=SESSION),
    row("session-arn-other-session-name", IMPLICIT, trust(allow({"AWS": SESSION})), principal=OTHER_SESSION),
    row("star-string", ALLOWED, trust(allow("*")), principal=X_USER),
    row("star-aws", ALLOWED, trust(allow({"AWS": "*"})), principal=SESSION),
    row("star-in-list", ALLOWED, trust(allow({"AWS": [X, "*"]}))),
    row("unique-id-user-matches-nobody", IMPLICIT, trust(allow({"AWS": "AIDAJQABLZS4A3QDU576Q"}))),
    row("unique-id-role-matches-nobody", IMPLICIT, trust(allow({"AWS": "AROADBQP57FF2AEXAMPLE"})), principal=SESSION),
    row("root-user-cannot-call", IMPLICIT, trust(allow(L_ROOT)), principal=L_ROOT_CALLER,
        identity=identity(grant("*", "*"))),
    row("root-user-cannot-call-even-with-star", IMPLICIT, trust(allow("*")), principal=L_ROOT_CALLER),
    row("federated-user-session-cannot-call", IMPLICIT, trust(allow("*")), principal=FED_USER,
        identity=identity(grant("*", "*"))),
    row("service-principal-alone", ALLOWED, trust(allow({"Service": "ec2.amazonaws.com"})),
        principal="ec2.amazonaws.com", identity=()),
    row("service-principal-in-list", ALLOWED, trust(allow({"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]})),
        principal="ec2.amazonaws.com", identity=()),
    row("service-principal-other-service", IMPLICIT, trust(allow({"Service": "ec2.amazonaws.com"})),
        principal="lambda.amazonaws.com", identity=()),
    row("service-principal-does-not-cover-iam-user", IMPLICIT, trust(allow({"Service": "ec2.amazonaws.com"}))),
    row("service-and-account-in-one-block", ALLOWED, trust(allow({"Service": "ec2.amazonaws.com", "AWS": L}))),
    row("saml-provider-with-saml-action", ALLOWED, trust(allow({"Federated": SAML}, "sts:AssumeRoleWithSAML")),
        principal=SAML, action="sts:AssumeRoleWithSAML", identity=()),
    row("saml-provider-ignores-identity-policies", ALLOWED,
        trust(allow({"Federated": SAML}, "sts:AssumeRoleWithSAML")),
        principal=SAML, action="sts:AssumeRoleWithSAML", identity=identity(grant("*", "*", "Deny"))),
    row("saml-trust-with-assumerole-action-only", IMPLICIT, trust(allow({"Federated": SAML})),
        principal=SAML, action="sts:AssumeRoleWithSAML", identity=()),
    row("other-saml-provider", IMPLICIT, trust(allow({"Federated": SAML}, "sts:AssumeRoleWithSAML")),
        principal=f"arn:aws:iam::{D}:saml-provider/Other", action="sts:AssumeRoleWithSAML", identity=()),
    row("oidc-provider-with-web-identity-action", ALLOWED,
        trust(allow({"Federated": OIDC}, "sts:AssumeRoleWithWebIdentity")),
        principal=OIDC, action="sts:AssumeRoleWithWebIdentity", identity=()),
    row("oidc-provider-with-saml-action", IMPLICIT, trust(allow({"Federated": OIDC}, "sts:AssumeRoleWithWebIdentity")),
        principal=OIDC, action="sts:AssumeRoleWithSAML", identity=()),
    row("federated-principal-does-not-cover-iam-user", IMPLICIT,
        trust(allow({"Federated": SAML}, ["sts:AssumeRole", "sts:AssumeRoleWithSAML"]))),
    row("aws-account-principal-does-not-cover-saml", IMPLICIT, trust(allow({"AWS": D}, "sts:AssumeRoleWithSAML")),
        principal=SAML, action="sts:AssumeRoleWithSAML", identity=()),
    row("oidc-with-audience-condition", ALLOWED,
        trust(allow({"Federated": OIDC}, "sts:AssumeRoleWithWebIdentity",
                    Condition={"StringEquals": {f"{OIDC}:aud": "sts.amazonaws.com"},
                               "StringLike": {f"{OIDC}:sub": "repo:acme/*"}})),
        principal=OIDC, action="sts:AssumeRoleWithWebIdentity", identity=(),
        context={f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": "repo:acme/app:ref:refs/heads/main"}),
    row("oidc-with-wrong-subject", IMPLICIT,
        trust(allow({"Federated": OIDC}, "sts:AssumeRoleWithWebIdentity",
                    Condition={"StringLike": {f"{OIDC}:sub": "repo:acme/*"}})),
        principal=OIDC, action="sts:AssumeRoleWithWebIdentity", identity=(),
        context={f"{OIDC}:sub": "repo:evil/app:ref:refs/heads/main"}),
]


@pytest.mark.parametrize("case", PRINCIPAL)
def test_principal(case: Case) -> None:
    """Who a Principal block names (reference_policies_elements_principal)."""
    check(case)


# --- reference_policies_elements_notprincipal --------------------------------------------------------

_BOB_AND_L = {"AWS": [BOB, f"arn:aws:iam::{L}:root"]}
_SESSION_ROLE_L = {"AWS": [SESSION, DEPLOYER, f"arn:aws:iam::{L}:root"]}

NOT_PRINCIPAL = [
    # Allow + NotPrincipal (found in old data): everyone except the listed (docs/iam-reference.md).
    row("allow-notprincipal-other-account-lets-caller-in", ALLOWED,
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": X},
                                                 "Action": "sts:AssumeRole"}]}),
    row("allow-notprincipal-listed-user-left-out", IMPLICIT,
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": ALICE},
                                                 "Action": "sts:AssumeRole"}]}),
    row("allow-notprincipal-unlisted-user-let-in", ALLOWED,
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": ALICE},
                                                 "Action": "sts:AssumeRole"}]}, principal=BOB),
    # *inferred*: a listed account leaves out every principal of that account, as in Principal.
    row("allow-notprincipal-listed-account-left-out", IMPLICIT,
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": L},
                                                 "Action": "sts:AssumeRole"}]}),
    # Deny + NotPrincipal: the AWS examples ("all principals except the user named Bob ... are denied").
    row("deny-notprincipal-user-and-account-exempts-user", ALLOWED,
        trust(allow("*"), {"Effect": "Deny", "NotPrincipal": _BOB_AND_L, "Action": "sts:AssumeRole"}), principal=BOB),
    row("deny-notprincipal-user-and-account-denies-other-user", EXPLICIT,
        trust(allow("*"), {"Effect": "Deny", "NotPrincipal": _BOB_AND_L, "Action": "sts:AssumeRole"})),
    row("deny-notprincipal-denies-other-account", EXPLICIT,
        trust(allow("*"), {"Effect": "Deny", "NotPrincipal": _BOB_AND_L, "Action": "sts:AssumeRole"}),
        principal=X_USER),
    # *inferred* from "you must also specify the account ARN of the not-denied principal".
    row("deny-notprincipal-user-without-account-denies-user", EXPLICIT,
        trust(allow("*"), {"Effect": "Deny", "NotPrincipal": {"AWS": BOB}, "Action": "sts:AssumeRole"}), principal=BOB),
    row("deny-notprincipal-session-role-account-exempts-session", ALLOWED,
        trust(allow("*"), {"Effect": "Deny", "NotPrincipal": _SESSION_ROLE_L, "Action": "sts:AssumeRole"}),
        principal=SESSION),
    row("deny-notprincipal-session-role-account-denies-other-session", EXPLICIT,
        trust(allow("*"), {"Effect": "Deny", "NotPrincipal": _SESSION_ROLE_L, "Action": "sts:AssumeRole"}),
        principal=OTHER_SESSION),
    row("deny-notprincipal-session-without-role-denies", EXPLICIT,
        trust(allow("*"), {"Effect": "Deny", "NotPrincipal": {"AWS": [SESSION, f"arn:aws:iam::{L}:root"]},
                           "Action": "sts:AssumeRole"}), principal=SESSION),
    row("deny-notprincipal-star-exempts-everyone", ALLOWED,
        trust(allow("*"), {"Effect": "Deny", "NotPrincipal": "*", "Action": "sts:AssumeRole"}), principal=X_USER),
    row("deny-notprincipal-service-exempts-that-service", ALLOWED,
        trust(allow({"Service": "ec2.amazonaws.com"}),
              {"Effect": "Deny", "NotPrincipal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}),
        principal="ec2.amazonaws.com", identity=()),
    row("deny-notprincipal-of-other-action-does-not-apply", ALLOWED,
        trust(allow(L_ROOT), {"Effect": "Deny", "NotPrincipal": {"AWS": X}, "Action": "sts:TagSession"})),
]


@pytest.mark.parametrize("case", NOT_PRINCIPAL)
def test_not_principal(case: Case) -> None:
    """NotPrincipal: everyone except the listed (reference_policies_elements_notprincipal)."""
    check(case)


# --- reference_policies_elements_action / _notaction -----------------------------------------------

ACTION = [
    row(f"trust-action-{name}", expected, trust(allow(L_ROOT, action)))
    for name, action, expected in [
        ("exact", "sts:AssumeRole", ALLOWED),
        ("upper-case", "STS:ASSUMEROLE", ALLOWED),
        ("lower-case", "sts:assumerole", ALLOWED),
        ("prefix-star", "sts:Assume*", ALLOWED),
        ("service-star", "sts:*", ALLOWED),
        ("star", "*", ALLOWED),
        ("question-mark", "sts:AssumeRol?", ALLOWED),
        ("question-mark-needs-one-char", "sts:AssumeRole?", IMPLICIT),
        ("other-action", "sts:GetCallerIdentity", IMPLICIT),
        ("other-service", "iam:*", IMPLICIT),
        ("saml-only", "sts:AssumeRoleWithSAML", IMPLICIT),
        ("tag-session-only", "sts:TagSession", IMPLICIT),
        ("list", ["s3:GetObject", "sts:AssumeRole"], ALLOWED),
        ("star-in-the-middle", "sts:*Role", ALLOWED),
    ]
] + [
    row(f"identity-action-{name}", expected, SEED_TRUST, identity=identity(grant(ROLE, action)))
    for name, action, expected in [
        ("upper-case", "STS:ASSUMEROLE", ALLOWED),
        ("prefix-star", "sts:assume*", ALLOWED),
        ("service-star", "sts:*", ALLOWED),
        ("star", "*", ALLOWED),
        ("question-mark", "sts:AssumeRol?", ALLOWED),
        ("other", "sts:AssumeRoleWithSAML", IMPLICIT),
    ]
] + [
    row("trust-notaction-other-service", ALLOWED,
        trust({"Effect": "Allow", "Principal": L_ROOT, "NotAction": "iam:*"})),
    row("trust-notaction-sts-star", IMPLICIT, trust({"Effect": "Allow", "Principal": L_ROOT, "NotAction": "sts:*"})),
    row("trust-notaction-tag-session", ALLOWED,
        trust({"Effect": "Allow", "Principal": L_ROOT, "NotAction": ["sts:TagSession"]})),
    row("trust-notaction-case-insensitive", IMPLICIT,
        trust({"Effect": "Allow", "Principal": L_ROOT, "NotAction": "STS:assumeROLE"})),
    row("identity-notaction-allows", ALLOWED, SEED_TRUST,
        identity=identity({"Effect": "Allow", "NotAction": "iam:*", "Resource": ROLE})),
    row("identity-deny-notaction-assumerole-does-not-apply", ALLOWED, SEED_TRUST,
        identity=identity(grant(), {"Effect": "Deny", "NotAction": "sts:AssumeRole", "Resource": "*"})),
    row("identity-deny-notaction-other-applies", EXPLICIT, SEED_TRUST,
        identity=identity(grant(), {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"})),
    row("identity-deny-action-sts-star", EXPLICIT, SEED_TRUST, identity=identity(grant(), grant("*", "sts:*", "Deny"))),
]


@pytest.mark.parametrize("case", ACTION)
def test_action(case: Case) -> None:
    """Action names match case-insensitively with * and ? wildcards; NotAction matches every other action
    (reference_policies_elements_action, reference_policies_elements_notaction)."""
    check(case)


# --- reference_policies_elements_resource / _notresource ---------------------------------------------

RESOURCE = [
    row(f"resource-{name}", expected, SEED_TRUST, identity=identity(grant(resource)), role=role)
    for name, resource, role, expected in [
        ("exact", ROLE, ROLE, ALLOWED),
        ("star", "*", ROLE, ALLOWED),
        ("role-star", f"arn:aws:iam::{D}:role/*", ROLE, ALLOWED),
        ("star-crosses-slash", f"arn:aws:iam::{D}:role/*", TEAM_ROLE, ALLOWED),
        ("any-account", "arn:aws:iam::*:role/Admin", ROLE, ALLOWED),
        ("question-mark", f"arn:aws:iam::{D}:role/Admi?", ROLE, ALLOWED),
        ("question-mark-one-char-only", f"arn:aws:iam::{D}:role/A?", ROLE, IMPLICIT),
        ("case-sensitive", f"arn:aws:iam::{D}:role/admin", ROLE, IMPLICIT),
        ("no-path-does-not-match-path", ROLE, TEAM_ROLE, IMPLICIT),
        ("path-does-not-match-no-path", TEAM_ROLE, ROLE, IMPLICIT),
        ("path-star", f"arn:aws:iam::{D}:role/team/*", TEAM_ROLE, ALLOWED),
        ("path-star-not-other-path", f"arn:aws:iam::{D}:role/team/*", ROLE, IMPLICIT),
        ("other-account", f"arn:aws:iam::{X}:role/Admin", ROLE, IMPLICIT),
        ("list", [f"arn:aws:iam::{D}:role/ReadOnly", ROLE], ROLE, ALLOWED),
        ("prefix", f"arn:aws:iam::{D}:role/Adm*", ROLE, ALLOWED),
        ("star-in-account-and-name", "arn:aws:iam::*:role/*Admin", TEAM_ROLE, ALLOWED),
    ]
] + [
    row("notresource-the-role", IMPLICIT, SEED_TRUST,
        identity=identity({"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": ROLE})),
    row("notresource-other-account", ALLOWED, SEED_TRUST,
        identity=identity({"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": f"arn:aws:iam::{X}:*"})),
    row("notresource-wildcard-covers-role", IMPLICIT, SEED_TRUST,
        identity=identity({"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": f"arn:aws:iam::{D}:role/*"})),
    row("notresource-case-sensitive", ALLOWED, SEED_TRUST,
        identity=identity({"Effect": "Allow", "Action": "sts:AssumeRole",
                           "NotResource": f"arn:aws:iam::{D}:role/ADMIN"})),
    row("deny-notresource-the-role-does-not-apply", ALLOWED, SEED_TRUST,
        identity=identity(grant("*"), {"Effect": "Deny", "Action": "*", "NotResource": [ROLE]})),
    row("deny-notresource-other-role-applies", EXPLICIT, SEED_TRUST,
        identity=identity(grant("*"), {"Effect": "Deny", "Action": "*", "NotResource": [f"arn:aws:iam::{D}:role/RO"]})),
]


@pytest.mark.parametrize("case", RESOURCE)
def test_resource(case: Case) -> None:
    """Resource ARNs match case-sensitively; * crosses /, ? is one character; NotResource matches every
    other resource (reference_policies_elements_resource, reference_policies_elements_notresource)."""
    check(case)


# --- reference_policies_variables -------------------------------------------------------------------

_BY_NAME = f"arn:aws:iam::{D}:role/${{aws:username}}"
_ALICE_ROLE = f"arn:aws:iam::{D}:role/alice"

VARIABLES = [
    row("username-in-resource", ALLOWED, SEED_TRUST, identity=identity(grant(_BY_NAME)), role=_ALICE_ROLE),
    row("username-in-resource-other-role", IMPLICIT, SEED_TRUST, identity=identity(grant(_BY_NAME))),
    row("username-key-is-case-insensitive", ALLOWED, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/${{AWS:UserName}}")), role=_ALICE_ROLE),
    row("username-absent-for-role-session", IMPLICIT, SEED_TRUST, identity=identity(grant(_BY_NAME)),
        role=f"arn:aws:iam::{D}:role/Deployer", principal=SESSION),
    row("default-value-when-absent", ALLOWED, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/${{aws:username, 'shared'}}")),
        role=f"arn:aws:iam::{D}:role/shared", principal=SESSION),
    row("default-value-unused-when-present", IMPLICIT, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/${{aws:username, 'shared'}}")),
        role=f"arn:aws:iam::{D}:role/shared"),
    row("variable-with-wildcard", ALLOWED, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/*-${{aws:username}}")),
        role=f"arn:aws:iam::{D}:role/team/dev-alice"),
    row("literal-star-variable-is-not-a-wildcard", IMPLICIT, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/Adm${{*}}"))),
    row("supplied-tag-variable", ALLOWED, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}-Admin")),
        role=f"arn:aws:iam::{D}:role/blue-Admin", context={"aws:PrincipalTag/team": "blue"}),
    row("substituted-star-is-literal", IMPLICIT, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}/Admin")),
        role=f"arn:aws:iam::{D}:role/blue/Admin", context={"aws:PrincipalTag/team": "*"}),
    # a role name has no *, a path may (/*/, API_CreateRole)
    row("substituted-star-matches-itself", ALLOWED, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}/Admin")),
        role=f"arn:aws:iam::{D}:role/*/Admin", context={"aws:PrincipalTag/team": "*"}),
    row("substituted-star-is-literal-beside-a-wildcard", IMPLICIT, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}-*")),
        role=f"arn:aws:iam::{D}:role/blue-Admin", context={"aws:PrincipalTag/team": "*"}),
    row("multi-valued-key-does-not-substitute", IMPLICIT, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/${{aws:PrincipalTag/team}}-Admin")),
        role=f"arn:aws:iam::{D}:role/blue-Admin", context={"aws:PrincipalTag/team": ["blue", "red"]}),
    row("version-2008-is-literal", IMPLICIT, SEED_TRUST, identity=identity(grant(_BY_NAME), version="2008-10-17"),
        role=_ALICE_ROLE),
    row("no-version-is-literal", IMPLICIT, SEED_TRUST, identity=identity(grant(_BY_NAME), version=None),
        role=_ALICE_ROLE),
    row("version-2008-wildcards-still-work", ALLOWED, SEED_TRUST,
        identity=identity(grant(f"arn:aws:iam::{D}:role/*"), version="2008-10-17")),
    # (the text of a variable can be a path, /${aws:username}/, never a role's name)
    row("version-2008-literal-dollar-text-matches-itself", ALLOWED, SEED_TRUST,
        identity=identity(grant(f"{_BY_NAME}/alice"), version="2008-10-17"), role=f"{_BY_NAME}/alice"),
    row("variable-in-trust-condition", ALLOWED,
        trust(allow(L_ROOT, Condition={"StringEquals": {"sts:RoleSessionName": "${aws:username}"}})),
        context={"sts:RoleSessionName": "alice"}),
    row("variable-in-trust-condition-mismatch", IMPLICIT,
        trust(allow(L_ROOT, Condition={"StringEquals": {"sts:RoleSessionName": "${aws:username}"}})),
        context={"sts:RoleSessionName": "bob"}),
    # "not present ... any attempt to match it fails and causes the statement to be invalid".
    row("unresolved-variable-in-condition-invalidates-statement", IMPLICIT,
        trust(allow(L_ROOT, Condition={"StringEquals": {"sts:RoleSessionName": "${aws:username}"}})),
        principal=SESSION, context={"sts:RoleSessionName": "alice"}),
    row("unresolved-variable-in-negated-condition-invalidates-statement", IMPLICIT,
        trust(allow(L_ROOT, Condition={"StringNotEquals": {"sts:RoleSessionName": "${aws:username}"}})),
        principal=SESSION, context={"sts:RoleSessionName": "alice"}),
    row("variable-in-condition-2008-is-literal", IMPLICIT,
        trust(allow(L_ROOT, Condition={"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}),
              version="2008-10-17"),
        context={"sts:RoleSessionName": "alice"}),
]


@pytest.mark.parametrize("case", VARIABLES)
def test_policy_variables(case: Case) -> None:
    """Policy variables are substituted under Version 2012-10-17 only (reference_policies_variables)."""
    check(case)


# --- reference_policies_elements_condition_operators ------------------------------------------------

def cond(name: str, block: dict[str, Any], context: Mapping[str, Any] | None, expected: Outcome) -> Any:
    return row(name, expected, trust(allow(L_ROOT, Condition=block)), context=context)


_EXT = "sts:ExternalId"
_MFA_AGE = "aws:MultiFactorAuthAge"
_NOW = "aws:CurrentTime"
_EPOCH = "aws:EpochTime"
_ISSUED = "aws:TokenIssueTime"  # absent for an IAM user's long-term credentials
_IP = "aws:SourceIp"
_VIA = "aws:CalledVia"  # a multi-valued key that is not a session tag

CONDITION_OPERATORS = [
    # String
    cond("StringEquals-match", {"StringEquals": {_EXT: "abc"}}, {_EXT: "abc"}, ALLOWED),
    cond("StringEquals-value-case-sensitive", {"StringEquals": {_EXT: "abc"}}, {_EXT: "ABC"}, IMPLICIT),
    cond("StringEquals-absent", {"StringEquals": {_EXT: "abc"}}, None, IMPLICIT),
    cond("StringEquals-or-across-values", {"StringEquals": {_EXT: ["x", "abc"]}}, {_EXT: "abc"}, ALLOWED),
    cond("StringEquals-star-is-literal", {"StringEquals": {_EXT: "ab*"}}, {_EXT: "abc"}, IMPLICIT),
    cond("StringEquals-star-literal-matches-star", {"StringEquals": {_EXT: "ab*"}}, {_EXT: "ab*"}, ALLOWED),
    cond("StringEquals-key-case-insensitive", {"StringEquals": {"STS:EXTERNALID": "abc"}}, {"sts:externalid": "abc"},
         ALLOWED),
    cond("StringEquals-number-value", {"StringEquals": {_EXT: 42}}, {_EXT: "42"}, ALLOWED),
    cond("StringNotEquals-other", {"StringNotEquals": {_EXT: "abc"}}, {_EXT: "xyz"}, ALLOWED),
    cond("StringNotEquals-same", {"StringNotEquals": {_EXT: "abc"}}, {_EXT: "abc"}, IMPLICIT),
    cond("StringNotEquals-absent-is-true", {"StringNotEquals": {_EXT: "abc"}}, None, ALLOWED),
    cond("StringNotEquals-any-of-values", {"StringNotEquals": {_EXT: ["x", "abc"]}}, {_EXT: "abc"}, IMPLICIT),
    cond("StringEqualsIgnoreCase-match", {"StringEqualsIgnoreCase": {_EXT: "ABC"}}, {_EXT: "abc"}, ALLOWED),
    cond("StringEqualsIgnoreCase-other", {"StringEqualsIgnoreCase": {_EXT: "ABC"}}, {_EXT: "abd"}, IMPLICIT),
    cond("StringNotEqualsIgnoreCase-match", {"StringNotEqualsIgnoreCase": {_EXT: "ABC"}}, {_EXT: "abc"}, IMPLICIT),
    cond("StringNotEqualsIgnoreCase-absent", {"StringNotEqualsIgnoreCase": {_EXT: "ABC"}}, None, ALLOWED),
    cond("StringLike-star", {"StringLike": {_EXT: "ab*"}}, {_EXT: "abcdef"}, ALLOWED),
    cond("StringLike-question-mark", {"StringLike": {_EXT: "a?c"}}, {_EXT: "abc"}, ALLOWED),
    cond("StringLike-question-mark-one-char", {"StringLike": {_EXT: "a?c"}}, {_EXT: "abbc"}, IMPLICIT),
    cond("StringLike-case-sensitive", {"StringLike": {_EXT: "AB*"}}, {_EXT: "abc"}, IMPLICIT),
    cond("StringLike-absent", {"StringLike": {_EXT: "*"}}, None, IMPLICIT),
    cond("StringNotLike-match", {"StringNotLike": {_EXT: "ab*"}}, {_EXT: "abc"}, IMPLICIT),
    cond("StringNotLike-other", {"StringNotLike": {_EXT: "ab*"}}, {_EXT: "xbc"}, ALLOWED),
    cond("StringNotLike-absent-is-true", {"StringNotLike": {_EXT: "ab*"}}, None, ALLOWED),
    cond("StringEqualsIfExists-absent", {"StringEqualsIfExists": {_EXT: "abc"}}, None, ALLOWED),
    cond("StringEqualsIfExists-present-other", {"StringEqualsIfExists": {_EXT: "abc"}}, {_EXT: "x"}, IMPLICIT),
    cond("StringLikeIfExists-present-match", {"StringLikeIfExists": {_EXT: "a*"}}, {_EXT: "abc"}, ALLOWED),
    cond("StringNotEqualsIfExists-present-same", {"StringNotEqualsIfExists": {_EXT: "a"}}, {_EXT: "a"}, IMPLICIT),
    # AND across keys and across operators
    cond("and-across-keys-both", {"StringEquals": {_EXT: "abc", "sts:RoleSessionName": "alice"}},
         {_EXT: "abc", "sts:RoleSessionName": "alice"}, ALLOWED),
    cond("and-across-keys-one-missing", {"StringEquals": {_EXT: "abc", "sts:RoleSessionName": "alice"}},
         {_EXT: "abc"}, IMPLICIT),
    cond("and-across-operators-both", {"StringEquals": {_EXT: "abc"}, "Bool": {"aws:MultiFactorAuthPresent": "true"}},
         {_EXT: "abc", "aws:MultiFactorAuthPresent": "true"}, ALLOWED),
    cond("and-across-operators-one-false", {"StringEquals": {_EXT: "abc"},
                                            "Bool": {"aws:MultiFactorAuthPresent": "true"}},
         {_EXT: "abc", "aws:MultiFactorAuthPresent": "false"}, IMPLICIT),
    # Arn (each of the six colon-separated parts on its own, with wildcards)
    cond("ArnEquals-principal-arn", {"ArnEquals": {"aws:PrincipalArn": ALICE}}, None, ALLOWED),
    cond("ArnEquals-case-sensitive", {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/Alice"}}, None,
         IMPLICIT),
    cond("ArnEquals-accepts-wildcards", {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/*"}}, None,
         ALLOWED),
    cond("ArnLike-user-star", {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:user/*"}}, None, ALLOWED),
    cond("ArnLike-account-wildcard", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/alice"}}, None, ALLOWED),
    cond("ArnLike-question-mark-in-account", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::98765432109?:user/alice"}},
         None, ALLOWED),
    cond("ArnLike-role-pattern-not-user", {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:role/*"}}, None,
         IMPLICIT),
    cond("ArnLike-other-service", {"ArnLike": {"aws:PrincipalArn": f"arn:aws:sts::{L}:*"}}, None, IMPLICIT),
    # *inferred*: the six parts are compared one by one, so a pattern with fewer parts matches nothing
    # (StringLike, which compares the whole string, matches).
    cond("ArnLike-pattern-with-fewer-parts", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*"}}, None, IMPLICIT),
    cond("StringLike-same-pattern-matches", {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*"}}, None, ALLOWED),
    cond("ArnNotLike-other-account", {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{X}:*"}}, None, ALLOWED),
    cond("ArnNotLike-own-account", {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:*"}}, None, IMPLICIT),
    cond("ArnNotEquals-absent-is-true", {"ArnNotEquals": {"aws:SourceArn": f"arn:aws:iam::{X}:role/x"}}, None,
         ALLOWED),
    cond("ArnLike-absent", {"ArnLike": {"aws:SourceArn": "arn:aws:*:*:*:*"}}, None, IMPLICIT),
    cond("ArnLikeIfExists-absent", {"ArnLikeIfExists": {"aws:SourceArn": f"arn:aws:iam::{X}:*"}}, None, ALLOWED),
    # Numeric
    cond("NumericLessThan-true", {"NumericLessThan": {_MFA_AGE: 3600}}, {_MFA_AGE: "100"}, ALLOWED),
    cond("NumericLessThan-false", {"NumericLessThan": {_MFA_AGE: "3600"}}, {_MFA_AGE: 7200}, IMPLICIT),
    cond("NumericLessThan-absent", {"NumericLessThan": {_MFA_AGE: "3600"}}, None, IMPLICIT),
    cond("NumericLessThanEquals-equal", {"NumericLessThanEquals": {_MFA_AGE: "3600"}}, {_MFA_AGE: "3600"}, ALLOWED),
    cond("NumericGreaterThan-equal", {"NumericGreaterThan": {_MFA_AGE: "10"}}, {_MFA_AGE: "10"}, IMPLICIT),
    cond("NumericGreaterThanEquals-equal", {"NumericGreaterThanEquals": {_MFA_AGE: "10"}}, {_MFA_AGE: "10"}, ALLOWED),
    cond("NumericEquals-compares-numbers", {"NumericEquals": {_MFA_AGE: "10"}}, {_MFA_AGE: "10.0"}, ALLOWED),
    cond("NumericEquals-not-a-number", {"NumericEquals": {_MFA_AGE: "10"}}, {_MFA_AGE: "ten"}, IMPLICIT),
    cond("NumericNotEquals-other", {"NumericNotEquals": {_MFA_AGE: "10"}}, {_MFA_AGE: "11"}, ALLOWED),
    cond("NumericNotEquals-absent-is-true", {"NumericNotEquals": {_MFA_AGE: "10"}}, None, ALLOWED),
    cond("NumericLessThanIfExists-absent", {"NumericLessThanIfExists": {_MFA_AGE: "3600"}}, None, ALLOWED),
    cond("NumericLessThanIfExists-present-too-old", {"NumericLessThanIfExists": {_MFA_AGE: "3600"}},
         {_MFA_AGE: "4000"}, IMPLICIT),
    # Date (ISO 8601 and epoch seconds)
    cond("DateLessThan-iso", {"DateLessThan": {_NOW: "2030-01-01T00:00:00Z"}}, {_NOW: "2025-06-01T12:00:00Z"}, ALLOWED),
    cond("DateGreaterThan-iso", {"DateGreaterThan": {_NOW: "2030-01-01T00:00:00Z"}}, {_NOW: "2025-06-01T12:00:00Z"},
         IMPLICIT),
    cond("DateLessThan-epoch-policy", {"DateLessThan": {_NOW: "1893456000"}}, {_NOW: "2025-06-01T12:00:00Z"}, ALLOWED),
    cond("DateGreaterThanEquals-epoch-request", {"DateGreaterThanEquals": {_NOW: "2030-01-01T00:00:00Z"}},
         {_NOW: "1893456000"}, ALLOWED),
    cond("DateEquals-same-instant-other-zone", {"DateEquals": {_NOW: "2025-01-01T00:00:00Z"}},
         {_NOW: "2025-01-01T01:00:00+01:00"}, ALLOWED),
    cond("DateLessThanEquals-date-only", {"DateLessThanEquals": {_NOW: "2025-01-01"}}, {_NOW: "2025-01-01T00:00:00Z"},
         ALLOWED),
    cond("DateNotEquals-absent-is-true", {"DateNotEquals": {_ISSUED: "2025-01-01T00:00:00Z"}}, None, ALLOWED),
    cond("DateLessThan-absent", {"DateLessThan": {_ISSUED: "2030-01-01T00:00:00Z"}}, None, IMPLICIT),
    # The clock is in every request (reference_policies_condition-keys#condition-keys-currenttime, -epochtime)
    cond("CurrentTime-always-present", {"DateGreaterThan": {_NOW: "2000-01-01T00:00:00Z"}}, None, ALLOWED),
    cond("EpochTime-always-present", {"NumericGreaterThan": {_EPOCH: "946684800"}}, None, ALLOWED),
    cond("CurrentTime-removed-is-absent", {"DateGreaterThan": {_NOW: "2000-01-01T00:00:00Z"}}, {_NOW: None},
         IMPLICIT),
    cond("EpochTime-follows-a-given-CurrentTime", {"DateLessThan": {_EPOCH: "1893456000"}},
         {_NOW: "2031-01-01T00:00:00Z"}, IMPLICIT),
    cond("CurrentTime-follows-a-given-EpochTime", {"DateGreaterThan": {_NOW: "2030-01-01T00:00:00Z"}},
         {_EPOCH: "1924992000"}, ALLOWED),
    cond("clock-variable-resolves", {"StringEquals": {_EXT: "${aws:EpochTime}"}},
         {_NOW: "2031-01-01T00:00:00Z", _EXT: "1924992000"}, ALLOWED),
    cond("clock-variable-other-second", {"StringEquals": {_EXT: "${aws:CurrentTime}"}},
         {_EPOCH: "1924992000", _EXT: "2031-01-01T00:00:01Z"}, IMPLICIT),
    cond("DateGreaterThanIfExists-absent", {"DateGreaterThanIfExists": {"aws:TokenIssueTime": "2025-01-01"}}, None,
         ALLOWED),
    # Bool
    cond("Bool-true", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {"aws:MultiFactorAuthPresent": "true"},
         ALLOWED),
    cond("Bool-json-true", {"Bool": {"aws:MultiFactorAuthPresent": True}}, {"aws:MultiFactorAuthPresent": True},
         ALLOWED),
    cond("Bool-false", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {"aws:MultiFactorAuthPresent": "false"},
         IMPLICIT),
    cond("Bool-absent", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, None, IMPLICIT),
    cond("Bool-false-absent", {"Bool": {"aws:MultiFactorAuthPresent": "false"}}, None, IMPLICIT),
    cond("BoolIfExists-absent", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}, None, ALLOWED),
    cond("BoolIfExists-present-false", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}},
         {"aws:MultiFactorAuthPresent": "false"}, IMPLICIT),
    # Binary
    cond("BinaryEquals-same", {"BinaryEquals": {"aws:Key": "QmluYXJ5VmFsdWU="}}, {"aws:Key": "QmluYXJ5VmFsdWU="},
         ALLOWED),
    cond("BinaryEquals-other", {"BinaryEquals": {"aws:Key": "QmluYXJ5VmFsdWU="}}, {"aws:Key": "T3RoZXI="}, IMPLICIT),
    cond("BinaryEquals-absent", {"BinaryEquals": {"aws:Key": "QmluYXJ5VmFsdWU="}}, None, IMPLICIT),
    # IpAddress / NotIpAddress, IPv4 and IPv6
    cond("IpAddress-v4-in", {"IpAddress": {_IP: "203.0.113.0/24"}}, {_IP: "203.0.113.5"}, ALLOWED),
    cond("IpAddress-v4-out", {"IpAddress": {_IP: "203.0.113.0/24"}}, {_IP: "198.51.100.1"}, IMPLICIT),
    cond("IpAddress-single-address", {"IpAddress": {_IP: "203.0.113.5"}}, {_IP: "203.0.113.5"}, ALLOWED),
    cond("IpAddress-or-across-ranges", {"IpAddress": {_IP: ["10.0.0.0/8", "203.0.113.0/24"]}}, {_IP: "10.1.2.3"},
         ALLOWED),
    cond("IpAddress-absent", {"IpAddress": {_IP: "0.0.0.0/0"}}, None, IMPLICIT),
    cond("IpAddress-v6-in", {"IpAddress": {_IP: "2001:db8::/32"}}, {_IP: "2001:db8::1"}, ALLOWED),
    cond("IpAddress-v6-out", {"IpAddress": {_IP: "2001:db8::/32"}}, {_IP: "2001:db9::1"}, IMPLICIT),
    cond("IpAddress-v4-request-v6-range", {"IpAddress": {_IP: "::/0"}}, {_IP: "203.0.113.5"}, IMPLICIT),
    cond("NotIpAddress-out", {"NotIpAddress": {_IP: "203.0.113.0/24"}}, {_IP: "198.51.100.1"}, ALLOWED),
    cond("NotIpAddress-in", {"NotIpAddress": {_IP: "203.0.113.0/24"}}, {_IP: "203.0.113.9"}, IMPLICIT),
    cond("NotIpAddress-absent-is-true", {"NotIpAddress": {_IP: "203.0.113.0/24"}}, None, ALLOWED),
    cond("NotIpAddress-v6-in", {"NotIpAddress": {_IP: "2001:db8::/32"}}, {_IP: "2001:db8:0:1::5"}, IMPLICIT),
    cond("IpAddressIfExists-absent", {"IpAddressIfExists": {_IP: "203.0.113.0/24"}}, None, ALLOWED),
    # Null
    cond("Null-true-absent", {"Null": {"aws:TokenIssueTime": "true"}}, None, ALLOWED),
    cond("Null-true-present", {"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2025-01-01"},
         IMPLICIT),
    cond("Null-false-present", {"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "2025-01-01"},
         ALLOWED),
    cond("Null-false-absent", {"Null": {"aws:TokenIssueTime": False}}, None, IMPLICIT),
]


@pytest.mark.parametrize("case", CONDITION_OPERATORS)
def test_condition_operators(case: Case) -> None:
    """Every operator family, IfExists, negation on missing keys, OR across values, AND across keys and
    operators (reference_policies_elements_condition_operators)."""
    check(case)


# --- reference_policies_condition-single-vs-multi-valued-context-keys --------------------------------

MULTI_VALUED = [
    cond("ForAnyValue-one-matches", {"ForAnyValue:StringEquals": {_VIA: ["a.amazonaws.com", "b.amazonaws.com"]}},
         {_VIA: ["b.amazonaws.com", "z.amazonaws.com"]}, ALLOWED),
    cond("ForAnyValue-none-matches", {"ForAnyValue:StringEquals": {_VIA: ["a.amazonaws.com"]}},
         {_VIA: ["z.amazonaws.com"]}, IMPLICIT),
    cond("ForAnyValue-absent-is-false", {"ForAnyValue:StringEquals": {_VIA: ["a.amazonaws.com"]}}, None, IMPLICIT),
    cond("ForAnyValue-empty-is-false", {"ForAnyValue:StringEquals": {_VIA: ["a.amazonaws.com"]}}, {_VIA: []},
         IMPLICIT),
    cond("ForAllValues-all-match", {"ForAllValues:StringEquals": {_VIA: ["a", "b"]}}, {_VIA: ["a", "b"]}, ALLOWED),
    cond("ForAllValues-one-does-not", {"ForAllValues:StringEquals": {_VIA: ["a", "b"]}}, {_VIA: ["a", "c"]},
         IMPLICIT),
    cond("ForAllValues-absent-is-true", {"ForAllValues:StringEquals": {_VIA: ["a", "b"]}}, None, ALLOWED),
    cond("ForAllValues-empty-is-true", {"ForAllValues:StringEquals": {_VIA: ["a"]}}, {_VIA: []}, ALLOWED),
    cond("ForAllValues-StringLike", {"ForAllValues:StringLike": {_VIA: "team-*"}}, {_VIA: ["team-a", "team-b"]},
         ALLOWED),
    cond("ForAnyValue-StringNotEquals-one-other", {"ForAnyValue:StringNotEquals": {_VIA: "a"}}, {_VIA: ["a", "b"]},
         ALLOWED),
    cond("ForAnyValue-StringNotEquals-all-listed", {"ForAnyValue:StringNotEquals": {_VIA: "a"}}, {_VIA: ["a"]},
         IMPLICIT),
    cond("ForAllValues-StringNotEquals-none-listed", {"ForAllValues:StringNotEquals": {_VIA: ["a", "b"]}},
         {_VIA: ["c", "d"]}, ALLOWED),
    cond("ForAllValues-StringNotEquals-one-listed", {"ForAllValues:StringNotEquals": {_VIA: ["a", "b"]}},
         {_VIA: ["c", "a"]}, IMPLICIT),
    cond("qualifier-is-case-insensitive", {"forallvalues:StringEquals": {_VIA: "a"}}, {_VIA: ["a"]}, ALLOWED),
    cond("no-qualifier-matches-any-request-value", {"StringEquals": {_VIA: "a"}}, {_VIA: ["z", "a"]}, ALLOWED),
    cond("no-qualifier-negated-any-request-value", {"StringNotEquals": {_VIA: "a"}}, {_VIA: ["z", "a"]}, IMPLICIT),
    cond("ForAnyValue-IfExists-absent", {"ForAnyValue:StringEqualsIfExists": {_VIA: "a"}}, None, ALLOWED),
]


@pytest.mark.parametrize("case", MULTI_VALUED)
def test_multi_valued_keys(case: Case) -> None:
    """ForAnyValue: / ForAllValues: over multi-valued keys; absent: ForAllValues true, ForAnyValue false
    (reference_policies_condition-single-vs-multi-valued-context-keys)."""
    check(case)


# --- reference_policies_condition-keys ----------------------------------------------------------------

def on_star(name: str, block: dict[str, Any], expected: Outcome, **kw: Any) -> Any:
    return row(name, expected, trust(allow("*", Condition=block)), **kw)


CONDITION_KEYS = [
    on_star("PrincipalAccount-derived", {"StringEquals": {"aws:PrincipalAccount": L}}, ALLOWED),
    on_star("PrincipalAccount-outsider", {"StringEquals": {"aws:PrincipalAccount": L}}, IMPLICIT, principal=X_USER),
    on_star("PrincipalAccount-of-session", {"StringEquals": {"aws:PrincipalAccount": L}}, ALLOWED, principal=SESSION),
    on_star("PrincipalArn-user", {"ArnEquals": {"aws:PrincipalArn": ALICE}}, ALLOWED),
    on_star("PrincipalArn-of-session-is-role-arn",
            {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{L}:role/Deployer"}},
            ALLOWED, principal=SESSION),
    on_star("PrincipalArn-of-session-is-not-session-arn", {"ArnEquals": {"aws:PrincipalArn": SESSION}}, IMPLICIT,
            principal=SESSION),
    on_star("PrincipalArn-of-role-caller-keeps-path", {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{L}:role/ops/*"}},
            ALLOWED, principal=DEPLOYER),
    on_star("PrincipalArn-root-arn-is-not-every-user", {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{L}:root"}},
            IMPLICIT),
    on_star("PrincipalType-user", {"StringEquals": {"aws:PrincipalType": "User"}}, ALLOWED),
    on_star("PrincipalType-session", {"StringEquals": {"aws:PrincipalType": "AssumedRole"}}, ALLOWED,
            principal=SESSION),
    on_star("PrincipalType-user-is-not-session", {"StringEquals": {"aws:PrincipalType": "AssumedRole"}}, IMPLICIT),
    on_star("username-user", {"StringEquals": {"aws:username": "alice"}}, ALLOWED),
    on_star("username-absent-for-session", {"StringEquals": {"aws:username": "alice"}}, IMPLICIT, principal=SESSION),
    on_star("username-null-for-session", {"Null": {"aws:username": "true"}}, ALLOWED, principal=SESSION),
    on_star("supplied-key-overrides-derived", {"StringEquals": {"aws:PrincipalAccount": X}}, ALLOWED,
            context={"aws:PrincipalAccount": X}),
    on_star("supplied-key-case-insensitive-override", {"StringEquals": {"aws:PrincipalAccount": X}}, ALLOWED,
            context={"AWS:PRINCIPALACCOUNT": X}),
    on_star("none-removes-derived-key", {"StringEquals": {"aws:PrincipalAccount": L}}, IMPLICIT,
            context={"aws:PrincipalAccount": None}),
    on_star("none-removes-key-negated-true", {"StringNotEquals": {"aws:PrincipalAccount": X}}, ALLOWED,
            context={"aws:PrincipalAccount": None}, principal=X_USER),
    on_star("PrincipalOrgID-supplied", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, ALLOWED,
            context={"aws:PrincipalOrgID": "o-abc123"}),
    on_star("PrincipalOrgID-absent", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, IMPLICIT),
    on_star("SourceAccount-absent-for-iam-callers", {"StringEquals": {"aws:SourceAccount": L}}, IMPLICIT),
    on_star("SourceAccount-IfExists-admits-iam-callers", {"StringEqualsIfExists": {"aws:SourceAccount": L}}, ALLOWED,
            principal=X_USER),
    on_star("PrincipalIsAWSService-false-for-user", {"Bool": {"aws:PrincipalIsAWSService": "false"}}, ALLOWED),
    row("PrincipalServiceName-for-service", ALLOWED,
        trust(allow({"Service": "ec2.amazonaws.com"},
                    Condition={"StringEquals": {"aws:PrincipalServiceName": "ec2.amazonaws.com"}})),
        principal="ec2.amazonaws.com", identity=()),
]


@pytest.mark.parametrize("case", CONDITION_KEYS)
def test_condition_keys(case: Case) -> None:
    """Context keys derived from the caller, unless supplied (reference_policies_condition-keys)."""
    check(case)


# --- id_session-tags -----------------------------------------------------------------------------

_TAGGING_TRUST = trust(allow(L_ROOT, ["sts:AssumeRole", "sts:TagSession"]))
_TAGS = {"aws:RequestTag/team": "blue", "aws:TagKeys": ["team"]}

SESSION_TAGS = [
    row("tags-need-tagsession-in-trust", IMPLICIT, SEED_TRUST, identity=ID_ALLOW_ALL, context=_TAGS),
    row("tags-with-tagsession-on-both-sides", ALLOWED, _TAGGING_TRUST, identity=ID_ALLOW_ALL, context=_TAGS),
    row("tags-need-tagsession-in-identity", IMPLICIT, _TAGGING_TRUST, identity=ID_ALLOW, context=_TAGS),
    row("request-tag-key-alone-needs-tagsession", IMPLICIT, SEED_TRUST, identity=ID_ALLOW_ALL,
        context={"aws:RequestTag/Project": "x"}),
    row("tag-keys-alone-needs-tagsession", IMPLICIT, SEED_TRUST, identity=ID_ALLOW_ALL,
        context={"aws:TagKeys": ["Project"]}),
    row("transitive-tag-keys-need-tagsession", IMPLICIT, SEED_TRUST, identity=ID_ALLOW_ALL,
        context={"sts:TransitiveTagKeys": ["Project"]}),
    row("no-tags-no-tagsession-needed", ALLOWED, SEED_TRUST, identity=ID_ALLOW_ALL),
    row("tagsession-alone-grants-no-assume", IMPLICIT, trust(allow(L_ROOT, "sts:TagSession")), identity=ID_ALLOW_ALL),
    row("tagsession-alone-with-tags-grants-no-assume", IMPLICIT, trust(allow(L_ROOT, "sts:TagSession")),
        identity=ID_ALLOW_ALL, context=_TAGS),
    row("deny-tagsession-with-tags", EXPLICIT,
        trust(allow(L_ROOT, ["sts:AssumeRole", "sts:TagSession"]), deny("*", "sts:TagSession")),
        identity=ID_ALLOW_ALL, context=_TAGS),
    row("deny-tagsession-without-tags", ALLOWED,
        trust(allow(L_ROOT, ["sts:AssumeRole", "sts:TagSession"]), deny("*", "sts:TagSession")),
        identity=ID_ALLOW_ALL),
    row("tagsession-with-tag-condition-met", ALLOWED,
        trust(allow(L_ROOT),
              allow(L_ROOT, "sts:TagSession", Condition={"StringEquals": {"aws:RequestTag/team": ["blue", "red"]}})),
        identity=ID_ALLOW_ALL, context=_TAGS),
    row("tagsession-with-tag-condition-not-met", IMPLICIT,
        trust(allow(L_ROOT),
              allow(L_ROOT, "sts:TagSession", Condition={"StringEquals": {"aws:RequestTag/team": "red"}})),
        identity=ID_ALLOW_ALL, context=_TAGS),
    row("tagsession-tagkeys-ForAllValues", ALLOWED,
        trust(allow(L_ROOT),
              allow(L_ROOT, "sts:TagSession",
                    Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}})),
        identity=ID_ALLOW_ALL, context=_TAGS),
    row("action-tagsession-asked-directly", ALLOWED, _TAGGING_TRUST, identity=ID_ALLOW_ALL, action="sts:TagSession"),
    row("action-tagsession-not-in-trust", IMPLICIT, SEED_TRUST, identity=ID_ALLOW_ALL, action="sts:TagSession"),
    row("action-tagsession-not-in-identity", IMPLICIT, _TAGGING_TRUST, identity=ID_ALLOW, action="sts:TagSession"),
    row("saml-with-tags-needs-tagsession", IMPLICIT, trust(allow({"Federated": SAML}, "sts:AssumeRoleWithSAML")),
        principal=SAML, action="sts:AssumeRoleWithSAML", identity=(), context={"aws:RequestTag/team": "blue"}),
    row("saml-with-tags-and-tagsession", ALLOWED,
        trust(allow({"Federated": SAML}, ["sts:AssumeRoleWithSAML", "sts:TagSession"])),
        principal=SAML, action="sts:AssumeRoleWithSAML", identity=(), context={"aws:RequestTag/team": "blue"}),
]


@pytest.mark.parametrize("case", SESSION_TAGS)
def test_session_tags(case: Case) -> None:
    """Passing session tags needs sts:TagSession as well, and sts:TagSession alone grants no assume
    (id_session-tags)."""
    check(case)


ALL_ROWS = (EVALUATION_LOGIC + CROSS_ACCOUNT + PRINCIPAL + NOT_PRINCIPAL + ACTION + RESOURCE + VARIABLES
            + CONDITION_OPERATORS + MULTI_VALUED + CONDITION_KEYS + SESSION_TAGS)


def test_row_ids_are_unique() -> None:
    ids = [p.id for p in ALL_ROWS]
    assert len(ids) == len(set(ids))


# --- explain(): the outcome and the deciding statements ------------------------------------------------

def test_explain_allowed_names_both_sides() -> None:
    trust_doc = trust({"Sid": "FromLogin", **allow(L_ROOT)}, allow({"AWS": X}))
    decision = explain(ALICE, ROLE, trust_policy=trust_doc, identity_policies=[ID_ALLOW])
    assert decision.outcome is Outcome.ALLOWED and bool(decision)
    (trust_ref,) = decision.trust.allows
    assert (trust_ref.index, trust_ref.sid, trust_ref.pointer, trust_ref.policy) == (
        0, "FromLogin", "/Statement/0", "trust policy")
    assert decision.trust.denies == ()
    assert decision.identity is not None
    (identity_ref,) = decision.identity.allows
    assert (identity_ref.policy, identity_ref.pointer) == ("identity policy 1", "/Statement/0")
    assert decision.deciding == (trust_ref, identity_ref)


def test_explain_explicit_deny_names_the_deny() -> None:
    trust_doc = trust(allow(L_ROOT), {"Sid": "NoAlice", **deny({"AWS": ALICE})})
    decision = explain(ALICE, ROLE, trust_policy=trust_doc, identity_policies=[ID_ALLOW])
    assert decision.outcome is Outcome.EXPLICIT_DENY and not decision
    assert [ref.sid for ref in decision.trust.denies] == ["NoAlice"]
    assert [ref.index for ref in decision.trust.allows] == [0]
    assert decision.deciding == decision.trust.denies


def test_explain_identity_deny_is_deciding() -> None:
    decision = explain(ALICE, ROLE, trust_policy=SEED_TRUST,
                       identity_policies=[ID_ALLOW, identity({"Sid": "Stop", **grant("*", "sts:*", "Deny")})])
    assert decision.outcome is Outcome.EXPLICIT_DENY
    assert decision.identity is not None
    assert [(ref.policy, ref.sid) for ref in decision.deciding] == [("identity policy 2", "Stop")]


def test_explain_implicit_deny_has_no_deciding_statement() -> None:
    decision = explain(ALICE, ROLE, trust_policy=SEED_TRUST)
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert decision.deciding == ()
    assert decision.trust.allows and decision.identity is not None and decision.identity.allows == ()


def test_explain_same_account_named_caller_needs_no_identity_statement() -> None:
    decision = explain(D_USER, ROLE, trust_policy=trust(allow({"AWS": D_USER})))
    assert decision.outcome is Outcome.ALLOWED
    assert decision.identity is not None and decision.identity.allows == ()
    assert [ref.pointer for ref in decision.deciding] == ["/Statement/0"]


@pytest.mark.parametrize(
    ("principal", "action"),
    [
        pytest.param("ec2.amazonaws.com", "sts:AssumeRole", id="service"),
        pytest.param(SAML, "sts:AssumeRoleWithSAML", id="saml"),
        pytest.param(OIDC, "sts:AssumeRoleWithWebIdentity", id="web-identity"),
    ],
)
def test_explain_no_identity_side_for_services_and_federation(principal: str, action: str) -> None:
    federation = ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]
    doc = trust(allow({"Service": "ec2.amazonaws.com"}), allow({"Federated": [SAML, OIDC]}, federation))
    decision = explain(principal, ROLE, trust_policy=doc, identity_policies=[ID_ALLOW], action=action)
    assert decision.outcome is Outcome.ALLOWED
    assert decision.identity is None


def test_explain_reports_the_tag_session_decision() -> None:
    decision = explain(ALICE, ROLE, trust_policy=SEED_TRUST, identity_policies=[ID_ALLOW_ALL], context=_TAGS)
    assert decision.outcome is Outcome.IMPLICIT_DENY
    (tag,) = decision.also
    assert tag.request.action == "sts:TagSession" and tag.outcome is Outcome.IMPLICIT_DENY
    assert "sts:TagSession" in decision.reason


def test_explain_request_carries_the_context() -> None:
    decision = explain(SESSION, ROLE, trust_policy=SEED_TRUST, identity_policies=[ID_ALLOW],
                       context={"aws:SourceIp": "203.0.113.5"})
    context = decision.request.context
    assert context["aws:principalarn"] == (f"arn:aws:iam::{L}:role/Deployer",)
    assert context["aws:principaltype"] == ("AssumedRole",)
    assert context["aws:sourceip"] == ("203.0.113.5",)
    assert "aws:username" not in context
    assert decision.request.to_json()["principal"] == SESSION


def test_the_request_is_made_at_now() -> None:
    """aws:CurrentTime and aws:EpochTime hold the second of ``now``, the current time by default."""
    at = datetime(2031, 1, 1, 0, 0, 0, 750000, tzinfo=timezone.utc)
    context = explain(SESSION, ROLE, trust_policy=SEED_TRUST, identity_policies=[ID_ALLOW], now=at).request.context
    assert context["aws:currenttime"] == ("2031-01-01T00:00:00Z",)
    assert context["aws:epochtime"] == ("1924992000",)
    naive = explain(SESSION, ROLE, trust_policy=SEED_TRUST, identity_policies=[ID_ALLOW], now=at.replace(tzinfo=None))
    assert naive.request.context["aws:epochtime"] == ("1924992000",)  # a naive time is UTC
    before = datetime.now(timezone.utc).replace(microsecond=0)
    stamp = explain(SESSION, ROLE, trust_policy=SEED_TRUST, identity_policies=[ID_ALLOW]).request.context
    seen = datetime.fromisoformat(stamp["aws:currenttime"][0].replace("Z", "+00:00"))
    assert before <= seen <= datetime.now(timezone.utc)
    assert stamp["aws:epochtime"] == (str(int(seen.timestamp())),)


@pytest.mark.parametrize(("now", "allowed"), [
    (datetime(2030, 1, 1, 0, 0, 0, tzinfo=timezone.utc), False),  # DateGreaterThan: not at the second itself
    (datetime(2030, 1, 1, 0, 0, 0, 999999, tzinfo=timezone.utc), False),  # compared to the second
    (datetime(2030, 1, 1, 0, 0, 1, tzinfo=timezone.utc), True),
    (datetime(2029, 12, 31, 23, 59, 59) + timedelta(seconds=2), True),
])
def test_a_grant_that_opens_later(now: datetime, allowed: bool) -> None:
    opens = trust(allow({"AWS": f"arn:aws:iam::{L}:root"}, Condition={"DateGreaterThan": {_NOW: "2030-01-01T00:00:00Z"}}))
    assert can_assume(ALICE, ROLE, trust_policy=opens, identity_policies=[ID_ALLOW], now=now) is allowed
    early = {"aws:EpochTime": "1893455999"}  # a time given in the context wins over now, and the clock follows it
    assert not can_assume(ALICE, ROLE, trust_policy=opens, identity_policies=[ID_ALLOW], context=early, now=now)


def test_root_caller_is_refused_with_a_reason() -> None:
    decision = explain(L_ROOT_CALLER, ROLE, trust_policy=trust(allow("*")), identity_policies=[ID_ALLOW])
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert "root" in decision.reason


# --- xtrust explain on the command line ------------------------------------------------------------

def _write(tmp_path: Path, name: str, document: Any) -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def _explain_args(tmp_path: Path, trust_doc: Any = SEED_TRUST, identity_docs: tuple[Any, ...] = (ID_ALLOW,),
                  principal: str = ALICE, extra: tuple[str, ...] = ()) -> list[str]:
    args = ["explain", "--principal", principal, "--role", ROLE, "--trust", _write(tmp_path, "trust.json", trust_doc)]
    for i, doc in enumerate(identity_docs):
        args += ["--identity", _write(tmp_path, f"identity{i}.json", doc)]
    return args + list(extra)


def test_cli_allowed_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_explain_args(tmp_path)) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ALLOWED") and err == ""
    assert "trust.json /Statement/0" in out and "identity0.json /Statement/0" in out


def test_cli_denied_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_explain_args(tmp_path, identity_docs=())) == 1
    out, err = capsys.readouterr()
    assert out.startswith("DENIED") and err == ""


def test_cli_explicit_deny_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = trust(allow(L_ROOT), {"Sid": "NoAlice", **deny({"AWS": ALICE})})
    assert main(_explain_args(tmp_path, trust_doc=doc)) == 1
    out, _ = capsys.readouterr()
    assert "explicitly denied" in out and "NoAlice" in out


def test_cli_context_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = trust(allow(L_ROOT, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"},
                                         "ForAllValues:StringEquals": {"aws:CalledVia": ["a", "b"]}}))
    assert main(_explain_args(tmp_path, trust_doc=doc, extra=("--context", "aws:MultiFactorAuthPresent=true",
                                                              "--context", "aws:CalledVia=a",
                                                              "--context", "aws:CalledVia=b"))) == 0
    assert main(_explain_args(tmp_path, trust_doc=doc, extra=("--context", "aws:MultiFactorAuthPresent=false"))) == 1
    capsys.readouterr()


def test_cli_url_encoded_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from urllib.parse import quote

    assert main(_explain_args(tmp_path, trust_doc=quote(json.dumps(SEED_TRUST)))) == 0
    capsys.readouterr()


BAD_INPUT = [
    # (how to break the arguments, what the one line must contain)
    pytest.param("missing-file", ("missing.json",), id="missing-file"),
    pytest.param("invalid-json", ("trust.json", "not valid JSON"), id="invalid-json"),
    pytest.param("bad-effect", ("trust.json", "/Statement/0/Effect"), id="bad-effect"),
    pytest.param("bad-identity", ("identity0.json", "/Statement/0/Principal"), id="identity-with-principal"),
    pytest.param("trust-without-principal", ("trust.json", "/Statement/0"), id="trust-without-principal"),
    pytest.param("bad-operator", ("trust.json", "/Statement/0/Condition/ForAnyValues:StringEquals"),
                 id="misspelt-operator"),
    pytest.param("bad-principal-arn", ("not-an-arn",), id="bad-principal-arn"),
    pytest.param("bad-role-arn", ("not a role ARN",), id="bad-role-arn"),
    pytest.param("bad-context", ("--context", "KEY=VALUE"), id="bad-context"),
]


@pytest.mark.parametrize(("breakage", "needles"), BAD_INPUT)
def test_cli_bad_input_exits_2_with_one_line(breakage: str, needles: tuple[str, ...], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    args = _explain_args(tmp_path)
    trust_path = args[args.index("--trust") + 1]
    if breakage == "missing-file":
        args[args.index("--trust") + 1] = str(tmp_path / "missing.json")
    elif breakage == "invalid-json":
        Path(trust_path).write_text('{"Statement": [')
    elif breakage == "bad-effect":
        Path(trust_path).write_text(json.dumps(trust({**allow(L_ROOT), "Effect": "Permit"})))
    elif breakage == "bad-identity":
        _write(tmp_path, "identity0.json", identity(allow(L_ROOT)))
    elif breakage == "trust-without-principal":
        Path(trust_path).write_text(json.dumps(ID_ALLOW))
    elif breakage == "bad-operator":
        Path(trust_path).write_text(json.dumps(trust(allow(
            L_ROOT, Condition={"ForAnyValues:StringEquals": {"aws:PrincipalOrgID": "o-1"}}))))
    elif breakage == "bad-principal-arn":
        args[args.index("--principal") + 1] = "not-an-arn"
    elif breakage == "bad-role-arn":
        args[args.index("--role") + 1] = f"arn:aws:iam::{D}:user/Admin"
    elif breakage == "bad-context":
        args += ["--context", "no-equals-sign"]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]
