"""Parsing policy documents into frozen values (xtrust.model).

Grammar and element rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html; the raw API form
(URL-encoded JSON) is described under GetAccountAuthorizationDetails / GetRolePolicy.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any
from urllib.parse import quote, unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xtrust import PolicyError, PolicyKind, parse_policy
from xtrust.model import Effect, Items, Policy, PrincipalForm, PrincipalKind, _percent_decoded

L = "987654321098"
D = "123456789012"
ROLE = f"arn:aws:iam::{D}:role/Admin"

SEED_TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{L}:root"}},
    ],
}


def _statement(**elements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **elements}]}


# --- input forms ------------------------------------------------------------------------------------

_SEED_TEXT = json.dumps(SEED_TRUST)
INPUT_FORMS = [
    pytest.param(SEED_TRUST, id="dict"),
    pytest.param(_SEED_TEXT, id="json-text"),
    pytest.param(_SEED_TEXT.encode(), id="json-bytes"),
    pytest.param(json.dumps(SEED_TRUST, indent=4), id="json-text-indented"),
    pytest.param(quote(_SEED_TEXT), id="url-encoded"),
    pytest.param(quote(json.dumps(SEED_TRUST, indent=2)), id="url-encoded-indented"),
    pytest.param(quote(_SEED_TEXT, safe=""), id="url-encoded-all-reserved"),
]


@pytest.mark.parametrize("document", INPUT_FORMS)
def test_every_input_form_parses_to_the_same_policy(document: Any) -> None:
    assert parse_policy(document) == parse_policy(SEED_TRUST)


def test_a_parsed_policy_passes_through() -> None:
    policy = parse_policy(SEED_TRUST)
    assert parse_policy(policy) is policy
    assert parse_policy(policy, source="x.json").source == "x.json"


# --- normalisation: forms that mean the same ----------------------------------------------------------

EQUIVALENT = [
    pytest.param(
        {"Version": "2012-10-17",
         "Statement": {"Effect": "Allow", "Principal": {"AWS": L}, "Action": "sts:AssumeRole"}},
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"AWS": L}, "Action": "sts:AssumeRole"}]},
        id="statement-object-vs-list",
    ),
    pytest.param(
        _statement(Principal={"AWS": L}, Action="sts:AssumeRole"),
        _statement(Principal={"AWS": [L]}, Action=["sts:AssumeRole"]),
        id="string-vs-list",
    ),
    pytest.param(
        _statement(Principal="*", Action="sts:AssumeRole"),
        _statement(Principal={"AWS": "*"}, Action="sts:AssumeRole"),
        id="star-vs-aws-star",
    ),
    pytest.param(
        _statement(Principal={"AWS": L}, Action="sts:AssumeRole"),
        _statement(Principal={"AWS": f"arn:aws:iam::{L}:root"}, Action="sts:AssumeRole"),
        id="bare-account-vs-root-arn",
    ),
]


def _decisions(document: Any) -> list[bool]:
    from xtrust import can_assume

    callers = [f"arn:aws:iam::{L}:user/alice", f"arn:aws:iam::{L}:role/ops/Deployer", f"arn:aws:iam::{D}:user/bob",
               "arn:aws:iam::555555555555:user/eve"]
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
    return [can_assume(c, ROLE, trust_policy=document, identity_policies=[allow]) for c in callers]


@pytest.mark.parametrize(("left", "right"), EQUIVALENT)
def test_equivalent_forms_decide_alike(left: Any, right: Any) -> None:
    assert _decisions(left) == _decisions(right)


@pytest.mark.parametrize(("left", "right"), EQUIVALENT)
def test_equivalent_forms_keep_their_written_form(left: Any, right: Any) -> None:
    assert parse_policy(left).to_json() == left
    assert parse_policy(right).to_json() == right


PRINCIPAL_VALUES = [
    # value, form, account, canonical
    pytest.param("*", PrincipalForm.ANY, "", "*", id="star"),
    pytest.param(L, PrincipalForm.ACCOUNT, L, f"arn:aws:iam::{L}:root", id="bare-account-id"),
    pytest.param(f"arn:aws:iam::{L}:root", PrincipalForm.ACCOUNT, L, f"arn:aws:iam::{L}:root", id="root-arn"),
    pytest.param(f"arn:aws:iam::{L}:user/alice", PrincipalForm.USER, L, f"arn:aws:iam::{L}:user/alice", id="user"),
    pytest.param(f"arn:aws:iam::{L}:user/eng/alice", PrincipalForm.USER, L, f"arn:aws:iam::{L}:user/eng/alice",
                 id="user-with-path"),
    pytest.param(f"arn:aws:iam::{L}:role/Ops", PrincipalForm.ROLE, L, f"arn:aws:iam::{L}:role/Ops", id="role"),
    pytest.param(f"arn:aws:iam::{L}:role/team/a/Ops", PrincipalForm.ROLE, L, f"arn:aws:iam::{L}:role/team/a/Ops",
                 id="role-with-path"),
    pytest.param(f"arn:aws:sts::{L}:assumed-role/Ops/alice", PrincipalForm.SESSION, L,
                 f"arn:aws:sts::{L}:assumed-role/Ops/alice", id="assumed-role-session"),
    pytest.param(f"arn:aws:sts::{L}:federated-user/bob", PrincipalForm.FEDERATED_USER, L,
                 f"arn:aws:sts::{L}:federated-user/bob", id="federated-user"),
    pytest.param("AIDAJQABLZS4A3QDU576Q", PrincipalForm.UNIQUE_ID, "", "AIDAJQABLZS4A3QDU576Q", id="unique-id-user"),
    pytest.param("AROADBQP57FF2AEXAMPLE", PrincipalForm.UNIQUE_ID, "", "AROADBQP57FF2AEXAMPLE", id="unique-id-role"),
]


@pytest.mark.parametrize(("value", "form", "account", "canonical"), PRINCIPAL_VALUES)
def test_aws_principal_values_are_classified(value: str, form: PrincipalForm, account: str, canonical: str) -> None:
    statement = parse_policy(_statement(Principal={"AWS": value}, Action="sts:AssumeRole")).statements[0]
    assert statement.principal is not None
    (principal,) = statement.principal.principals
    assert (principal.kind, principal.form, principal.account, principal.canonical) == (
        PrincipalKind.AWS, form, account, canonical)


REFUSED_PRINCIPALS = [
    # value, what the error says
    pytest.param(f"arn:aws:iam::{L[:5]}:root", "principal ARN without a 12-digit account ID", id="short-account"),
    pytest.param(f"arn:aws:iam::{L}0:root", "principal ARN without a 12-digit account ID", id="13-digit-account"),
    pytest.param("arn:aws:iam::aws:policy/ReadOnlyAccess", "principal ARN without a 12-digit account ID",
                 id="aws-as-account"),
    pytest.param("arn:aws:iam:::root", "principal ARN without a 12-digit account ID", id="no-account"),
    pytest.param(L[:11], "not an account ID, ARN", id="11-digits"),
    pytest.param(L + "0", "not an account ID, ARN", id="13-digits"),
    pytest.param("aidajqablzs4a3qdu576q", "not an account ID, ARN", id="unique-id-in-lower-case"),
    pytest.param("AIDA123", "not an account ID, ARN", id="unique-id-too-short"),
    pytest.param(f"arn:aws:iam::{L}:group/Ops", "not a principal IAM accepts", id="group"),
    pytest.param(f"arn:aws:sts::{L}:assumed-role/Ops", "not a principal IAM accepts", id="session-without-name"),
    pytest.param(f"arn:aws:iam::{L}:user/*", "partial wildcards", id="wildcard"),
]


@pytest.mark.parametrize(("value", "message"), REFUSED_PRINCIPALS)
def test_principal_values_iam_refuses(value: str, message: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(message)) as caught:
        parse_policy(_statement(Principal={"AWS": value}, Action="sts:AssumeRole"))
    assert caught.value.pointer == "/Statement/0/Principal/AWS"


@pytest.mark.parametrize(
    ("block", "kinds"),
    [
        pytest.param({"Service": "ec2.amazonaws.com"}, [PrincipalKind.SERVICE], id="service"),
        pytest.param({"Federated": f"arn:aws:iam::{D}:saml-provider/Okta"}, [PrincipalKind.FEDERATED], id="saml"),
        pytest.param({"Federated": "accounts.google.com"}, [PrincipalKind.FEDERATED], id="oidc"),
        pytest.param({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, [PrincipalKind.CANONICAL_USER],
                     id="canonical-user"),
        pytest.param({"AWS": L, "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
                     [PrincipalKind.AWS, PrincipalKind.SERVICE, PrincipalKind.SERVICE], id="mixed-kinds-kept-apart"),
    ],
)
def test_principal_kinds_are_kept_apart(block: dict[str, Any], kinds: list[PrincipalKind]) -> None:
    statement = parse_policy(_statement(Principal=block, Action="sts:AssumeRole")).statements[0]
    assert statement.principal is not None
    assert [p.kind for p in statement.principal.principals] == kinds


@pytest.mark.parametrize(
    ("version", "substitutes"),
    [
        pytest.param("2012-10-17", True, id="2012-10-17"),
        pytest.param("2008-10-17", False, id="2008-10-17"),
        pytest.param(None, False, id="absent"),
    ],
)
def test_version(version: str | None, substitutes: bool) -> None:
    doc: dict[str, Any] = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
    if version is not None:
        doc = {"Version": version, **doc}
    policy = parse_policy(doc)
    assert policy.version == version
    assert policy.substitutes_variables is substitutes
    assert policy.to_json() == doc


def test_elements_become_frozen_values() -> None:
    policy = parse_policy({"Version": "2012-10-17", "Id": "trust", "Statement": [
        {"Sid": "A", "Effect": "Deny", "NotPrincipal": {"AWS": L}, "NotAction": "iam:*", "NotResource": ["x", "y"],
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": False},
                       "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}},
    ]})
    (statement,) = policy.statements
    assert policy.id == "trust"
    assert (statement.sid, statement.effect, statement.index) == ("A", Effect.DENY, 0)
    assert statement.not_action == Items(("iam:*",), scalar=True)
    assert statement.not_resource == Items(("x", "y"))
    assert [(c.operator.base.name, c.key, c.values) for c in statement.conditions] == [
        ("Bool", "aws:MultiFactorAuthPresent", ("false",)),
        ("NumericLessThan", "aws:MultiFactorAuthAge", ("3600",)),
    ]
    with pytest.raises(AttributeError):
        statement.sid = "B"  # type: ignore[misc]


# --- invalid documents: one PolicyError with a JSON pointer --------------------------------------------

_A = {"Effect": "Allow", "Principal": {"AWS": L}, "Action": "sts:AssumeRole"}

INVALID = [
    pytest.param({"Version": "2012-10-17", "Statement": [_A], "Extra": 1}, PolicyKind.ANY, "/Extra",
                 id="unknown-policy-element"),
    pytest.param({"Statement": [{**_A, "Principals": {"AWS": L}}]}, PolicyKind.ANY, "/Statement/0/Principals",
                 id="unknown-statement-element"),
    pytest.param({"Statement": [{**_A, "effect": "Allow"}]}, PolicyKind.ANY, "/Statement/0/effect",
                 id="element-names-are-case-sensitive"),
    pytest.param({"Statement": [_A, {**_A, "Effect": "Permit"}]}, PolicyKind.ANY, "/Statement/1/Effect",
                 id="effect-permit"),
    pytest.param({"Statement": [{**_A, "Effect": "allow"}]}, PolicyKind.ANY, "/Statement/0/Effect",
                 id="effect-lower-case"),
    pytest.param({"Statement": [{**_A, "Effect": True}]}, PolicyKind.ANY, "/Statement/0/Effect", id="effect-boolean"),
    pytest.param({"Statement": [{**_A, "Effect": ["Allow"]}]}, PolicyKind.ANY, "/Statement/0/Effect", id="effect-list"),
    pytest.param({"Statement": {**_A, "NotPrincipal": {"AWS": L}}}, PolicyKind.ANY, "/Statement/NotPrincipal",
                 id="principal-and-notprincipal"),
    pytest.param({"Statement": [{**_A, "NotAction": "iam:*"}]}, PolicyKind.ANY, "/Statement/0/NotAction",
                 id="action-and-notaction"),
    pytest.param({"Statement": [{**_A, "Resource": "*", "NotResource": ROLE}]}, PolicyKind.ANY,
                 "/Statement/0/NotResource", id="resource-and-notresource"),
    pytest.param({"Statement": [{**_A, "Condition": {"StringEqualz": {"aws:username": "a"}}}]}, PolicyKind.ANY,
                 "/Statement/0/Condition/StringEqualz", id="unknown-condition-operator"),
    pytest.param({"Statement": [{**_A, "Condition": {"ForAnyValues:StringEquals": {"aws:TagKeys": "a"}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/ForAnyValues:StringEquals", id="misspelt-ForAnyValues"),
    pytest.param({"Statement": [{**_A, "Condition": {"ForAllValue:StringEquals": {"aws:TagKeys": "a"}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/ForAllValue:StringEquals", id="misspelt-ForAllValue"),
    pytest.param({"Statement": [{**_A, "Condition": {"NullIfExists": {"aws:TagKeys": "true"}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/NullIfExists", id="null-has-no-ifexists"),
    pytest.param({"Statement": [{**_A, "Condition": {"NumericEquals": {"aws:MultiFactorAuthAge": "soon"}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/NumericEquals/aws:MultiFactorAuthAge",
                 id="numeric-value-not-a-number"),
    pytest.param({"Statement": [{**_A, "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/Bool/aws:SecureTransport", id="bool-value-not-boolean"),
    pytest.param({"Statement": [{**_A, "Condition": {"Bool": {"aws:PrincipalTag/on~call": "yes"}}}]}, PolicyKind.ANY,
                 "/Statement/0/Condition/Bool/aws:PrincipalTag~1on~0call", id="bad-value-pointer-escapes-the-key"),
    pytest.param({"Statement": [{**_A, "Condition": {"StringEquals": {"aws:PrincipalTag/t": [{"v": 1}]}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1t/0",
                 id="bad-value-in-a-list-pointer-escapes-the-key"),
    pytest.param({"Statement": [{**_A, "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/IpAddress/aws:SourceIp", id="ip-value-not-an-address"),
    pytest.param({"Statement": [{**_A, "Condition": {"DateLessThan": {"aws:CurrentTime": "tomorrow"}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/DateLessThan/aws:CurrentTime", id="date-value-not-a-date"),
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": f"arn:aws:iam::{L}:role/*"}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS", id="partial-wildcard-role"),
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": ["arn:aws:iam::*:root"]}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS/0", id="partial-wildcard-account"),
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": [L, "98765432109?"]}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS/1", id="partial-wildcard-question-mark"),
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": "alice"}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS", id="principal-not-an-arn"),
    pytest.param({"Statement": [{**_A, "Principal": {"Service": "*"}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/Service", id="service-star"),
    pytest.param({"Statement": [{**_A, "Principal": {"Users": L}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/Users", id="unknown-principal-type"),
    pytest.param({"Statement": [{**_A, "Principal": {}}]}, PolicyKind.ANY, "/Statement/0/Principal",
                 id="empty-principal"),
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": 987654321098}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS", id="principal-number"),
    pytest.param({"Statement": [{**_A, "Action": 7}]}, PolicyKind.ANY, "/Statement/0/Action", id="action-number"),
    pytest.param({"Statement": [{**_A, "Action": ["sts:AssumeRole", None]}]}, PolicyKind.ANY,
                 "/Statement/0/Action/1", id="action-list-with-null"),
    pytest.param({"Statement": [{**_A, "Action": []}]}, PolicyKind.ANY, "/Statement/0/Action", id="action-empty-list"),
    pytest.param({"Statement": [{**_A, "Action": "AssumeRole"}]}, PolicyKind.ANY, "/Statement/0/Action",
                 id="action-without-service"),
    pytest.param({"Statement": [{**_A, "Resource": {"arn": ROLE}}]}, PolicyKind.ANY, "/Statement/0/Resource",
                 id="resource-object"),
    pytest.param({"Statement": [{**_A, "Sid": 3}]}, PolicyKind.ANY, "/Statement/0/Sid", id="sid-number"),
    pytest.param({"Statement": [{**_A, "Condition": {"StringEquals": {"sts:ExternalId": {"v": 1}}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/StringEquals/sts:ExternalId", id="condition-value-object"),
    pytest.param({"Statement": [{**_A, "Condition": {"StringEquals": {"sts:ExternalId": ["a", ["b"]]}}}]},
                 PolicyKind.ANY, "/Statement/0/Condition/StringEquals/sts:ExternalId/1", id="condition-value-nested"),
    pytest.param({"Statement": [{**_A, "Condition": ["StringEquals"]}]}, PolicyKind.ANY, "/Statement/0/Condition",
                 id="condition-list"),
    pytest.param({"Statement": [{**_A, "Condition": {"StringEquals": "a"}}]}, PolicyKind.ANY,
                 "/Statement/0/Condition/StringEquals", id="condition-operator-without-keys"),
    pytest.param({"Version": "2012-10-18", "Statement": [_A]}, PolicyKind.ANY, "/Version", id="unknown-version"),
    pytest.param({"Id": 1, "Statement": [_A]}, PolicyKind.ANY, "/Id", id="id-number"),
    pytest.param({"Version": "2012-10-17"}, PolicyKind.ANY, "", id="no-statement"),
    pytest.param({"Statement": "Allow"}, PolicyKind.ANY, "/Statement", id="statement-string"),
    pytest.param({"Statement": [_A, "Allow"]}, PolicyKind.ANY, "/Statement/1", id="statement-item-string"),
    pytest.param({"Statement": [{"Principal": {"AWS": L}, "Action": "sts:AssumeRole"}]}, PolicyKind.ANY,
                 "/Statement/0", id="no-effect"),
    pytest.param({"Statement": [{"Effect": "Allow", "Principal": {"AWS": L}}]}, PolicyKind.ANY, "/Statement/0",
                 id="no-action"),
    pytest.param(["Statement"], PolicyKind.ANY, "", id="document-is-a-list"),
    pytest.param({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE}]}, PolicyKind.TRUST,
                 "/Statement/0", id="trust-without-principal"),
    pytest.param({"Statement": [_A]}, PolicyKind.IDENTITY, "/Statement/0/Principal", id="identity-with-principal"),
    pytest.param({"Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": L}, "Action": "*", "Resource": "*"}]},
                 PolicyKind.IDENTITY, "/Statement/0/NotPrincipal", id="identity-with-notprincipal"),
    pytest.param({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}, PolicyKind.IDENTITY,
                 "/Statement/0", id="identity-without-resource"),
    pytest.param({"Statement": [{**_A, "Principal": {"a/b~c": L}}]}, PolicyKind.ANY, "/Statement/0/Principal/a~1b~0c",
                 id="pointer-escapes-slash-and-tilde"),
    # An account ID is twelve ASCII digits, and nothing after them: IAM refuses the rest, and so does xtrust.
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": L + "\n"}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS", id="account-id-and-a-newline"),
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": f"arn:aws:iam::{L}:root\n"}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS", id="root-arn-and-a-newline"),
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": "\u0669" * 12}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS", id="account-id-in-arabic-indic-digits"),
    pytest.param({"Statement": [{**_A, "Principal": {"AWS": "arn:aws:iam::" + "\u0661" * 12 + ":root"}}]}, PolicyKind.ANY,
                 "/Statement/0/Principal/AWS", id="arn-account-in-arabic-indic-digits"),
]


@pytest.mark.parametrize(("document", "kind", "pointer"), INVALID)
def test_invalid_documents_raise_policy_error_with_pointer(document: Any, kind: PolicyKind, pointer: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(document, kind=kind, source="policy.json")
    assert caught.value.pointer == pointer
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("policy.json")
    if pointer:
        assert pointer in str(caught.value)


@pytest.mark.parametrize(("document", "kind", "pointer"), INVALID)
def test_invalid_documents_fail_the_same_way_url_encoded(document: Any, kind: PolicyKind, pointer: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(quote(json.dumps(document)), kind=kind)
    assert caught.value.pointer == pointer


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("{", id="truncated"),
        pytest.param("", id="empty"),
        pytest.param("%7B%22Statement", id="url-encoded-truncated"),
        pytest.param("Version: 2012-10-17", id="yaml"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
    ],
)
def test_text_that_is_not_json_raises_policy_error(text: str | bytes) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, source="bad.json")
    assert caught.value.pointer == ""
    assert str(caught.value).startswith("bad.json: ")


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        pytest.param(PolicyKind.TRUST, SEED_TRUST, id="trust"),
        pytest.param(PolicyKind.IDENTITY, {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": [ROLE]}]}, id="identity"),
        pytest.param(PolicyKind.TRUST, {"Statement": [
            {"Effect": "Deny", "NotPrincipal": {"AWS": L}, "Action": "sts:AssumeRole"}]}, id="trust-notprincipal"),
    ],
)
def test_valid_documents_of_each_kind(kind: PolicyKind, document: Any) -> None:
    assert parse_policy(document, kind=kind).to_json() == document


# --- serialise round-trip ---------------------------------------------------------------------------

ROUND_TRIP = [
    pytest.param(SEED_TRUST, id="seed-trust"),
    pytest.param({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}},
                 id="statement-object-star-no-version"),
    pytest.param({"Version": "2008-10-17", "Id": "x", "Statement": [
        {"Sid": "", "Effect": "Allow", "Principal": {"AWS": [L]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]},
        id="old-version-empty-sid-lists"),
    pytest.param({"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com", "AWS": L}, "Effect": "Allow"},
        {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": True}}, "Sid": "B", "Effect": "Deny",
         "NotPrincipal": {"AWS": [f"arn:aws:iam::{L}:user/a", L]}, "NotAction": "iam:*"}]},
        id="key-order-mixed-kinds"),
    pytest.param({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": [ROLE],
         "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]},
                       "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
                       "ForAnyValue:StringLike": {"aws:TagKeys": "team*"}}}]},
        id="conditions-numbers-lists"),
]


@pytest.mark.parametrize("document", ROUND_TRIP)
def test_to_json_keeps_the_written_form(document: Any) -> None:
    policy = parse_policy(document)
    assert policy.to_json() == document
    assert json.dumps(policy.to_json()) == json.dumps(document)  # same key order too


@pytest.mark.parametrize("document", ROUND_TRIP)
def test_parse_of_to_json_is_equal(document: Any) -> None:
    policy = parse_policy(document)
    assert parse_policy(policy.to_json()) == policy
    assert parse_policy(policy.to_text()) == policy
    assert parse_policy(quote(policy.to_text(indent=2))) == policy


def assert_as_constructed(value: Any) -> None:
    """``value`` and every frozen value in it hold their fields, in their order, and nothing else, and are
    equal, in their repr too, to what their classes' constructors make of those fields: the parsers make them
    without calling the constructors (``xtrust.model._made``)."""
    pending, seen = [value], set()
    while pending:
        item = pending.pop()
        if isinstance(item, (tuple, list, frozenset)):
            pending.extend(item)
        elif isinstance(item, Mapping):
            pending.extend(item.values())
        elif dataclasses.is_dataclass(item) and not isinstance(item, type) and id(item) not in seen:
            seen.add(id(item))
            names = [f.name for f in dataclasses.fields(item)]
            cached = {name for name, attribute in vars(type(item)).items() if isinstance(attribute, cached_property)}
            assert [name for name in vars(item) if name not in cached] == names, type(item)  # in their order
            twin = type(item)(**{name: getattr(item, name) for name in names})
            assert twin == item and repr(twin) == repr(item)
            pending.extend(getattr(item, name) for name in names)


_EVERY_PRINCIPAL = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {
        "AWS": [L, f"arn:aws:iam::{L}:root", f"arn:aws:iam::{L}:user/a/b", f"arn:aws:iam::{L}:role/r",
                f"arn:aws:sts::{L}:assumed-role/r/s", f"arn:aws:sts::{L}:federated-user/f", "AIDAJQABLZS4A3QDU576Q"],
        "Service": "ec2.amazonaws.com", "Federated": "cognito-identity.amazonaws.com",
        "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
     "Action": "sts:AssumeRole"},
    {"Effect": "Deny", "Principal": "*", "NotAction": "sts:AssumeRole"},
]}


@pytest.mark.parametrize("document", [*ROUND_TRIP, pytest.param(_EVERY_PRINCIPAL, id="every-principal-form")])
def test_parsed_values_are_what_their_constructors_make(document: Any) -> None:
    policy = parse_policy(document)
    assert_as_constructed(policy)
    assert_as_constructed(policy.named("elsewhere.json"))


def test_policy_values_are_hashable_and_comparable() -> None:
    a, b = parse_policy(SEED_TRUST), parse_policy(json.dumps(SEED_TRUST))
    assert a == b and hash(a) == hash(b)
    assert isinstance(a, Policy)


# Text near percent-encoding: escapes well-formed or not, backslashes (which the decoder must keep literal),
# bytes that make bad UTF-8, non-ASCII characters and lone surrogates.
_near_percent = st.text(alphabet=st.sampled_from("%%%\\xu0aAfF9G{\"é€\ud800 "), max_size=24)


@given(st.one_of(_near_percent, st.text().map(lambda t: quote(t, safe="")), st.text()))
def test_percent_decoding_is_unquote(text: str) -> None:
    assert _percent_decoded(text) == unquote(text)


@pytest.mark.parametrize("text", ["%7B%22a%22%3A1%7D", "a%C3%A9b", "\\%41", "\\x41%41", "%zz", "%4", "%FF", "%u0041",
                                  "\\n%0A", "%25", "caf\u00e9%20x"])
def test_percent_decoding_cases(text: str) -> None:
    assert _percent_decoded(text) == unquote(text)
