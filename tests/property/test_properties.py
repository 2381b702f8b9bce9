"""Hypothesis properties of the policy model and the evaluator.

- parse → to_json → parse is stable, and to_json gives back the document as written;
- adding a Deny statement never turns a denial into an allow;
- adding an Allow statement never turns an allow into a denial;
- replacing an action of an Allow statement by ``*`` never denies more;
- on a fragment without conditions or Not… elements, the evaluator agrees with a small reference
  evaluator written here from the rules of reference_policies_evaluation-logic(-cross-account) and
  reference_policies_elements_principal / _action / _resource.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_model import assert_as_constructed
from xtrust import can_assume, parse_policy

from . import strategies as s

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _allowed(caller: str, role: str, trust: Any, identities: list[Any], context: dict[str, Any]) -> bool:
    return can_assume(caller, role, trust_policy=trust, identity_policies=identities, context=context)


# --- parse / serialise -------------------------------------------------------------------------------

any_document = st.one_of(s.trust_policies(), s.identity_policies())


@FAST
@given(any_document)
def test_parse_to_json_parse_is_stable(document: dict[str, Any]) -> None:
    policy = parse_policy(document)
    assert parse_policy(policy.to_json()) == policy
    assert parse_policy(policy.to_text()) == policy
    assert parse_policy(quote(policy.to_text())) == policy
    assert_as_constructed(policy)


@FAST
@given(any_document)
def test_to_json_is_the_document_as_written(document: dict[str, Any]) -> None:
    assert json.dumps(parse_policy(document).to_json()) == json.dumps(document)


# --- monotonicity ------------------------------------------------------------------------------------

request = st.tuples(s.callers, s.target_roles, s.trust_policies(), st.lists(s.identity_policies(), max_size=2),
                    s.contexts())


def _add(draw: st.DrawFn, trust: dict[str, Any], identities: list[dict[str, Any]], effect: str
         ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Add one statement of ``effect`` to the trust policy, to an identity policy, or as a new one."""
    where = draw(st.sampled_from(("trust", "identity", "new")))
    if where == "trust":
        return s.with_statement(trust, draw(s.trust_statements(effect=effect))), identities
    statement = draw(s.identity_statements(effect=effect))
    if where == "identity" and identities:
        i = draw(st.integers(0, len(identities) - 1))
        return trust, [*identities[:i], s.with_statement(identities[i], statement), *identities[i + 1:]]
    return trust, [*identities, {"Version": "2012-10-17", "Statement": [statement]}]


@FAST
@given(request, st.data())
def test_adding_a_deny_never_allows_more(req: Any, data: st.DataObject) -> None:
    caller, role, trust, identities, context = req
    before = _allowed(caller, role, trust, identities, context)
    trust2, identities2 = _add(data.draw, trust, identities, "Deny")
    after = _allowed(caller, role, trust2, identities2, context)
    assert before or not after


@FAST
@given(request, st.data())
def test_adding_an_allow_never_denies_more(req: Any, data: st.DataObject) -> None:
    caller, role, trust, identities, context = req
    before = _allowed(caller, role, trust, identities, context)
    trust2, identities2 = _add(data.draw, trust, identities, "Allow")
    after = _allowed(caller, role, trust2, identities2, context)
    assert after or not before


def _star_one_action(draw: st.DrawFn, trust: dict[str, Any], identities: list[dict[str, Any]]
                     ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    docs = [copy.deepcopy(trust)] + [copy.deepcopy(d) for d in identities]
    places = [(i, j) for i, doc in enumerate(docs) for j, st_ in enumerate(s.statements_of(doc))
              if st_["Effect"] == "Allow" and "Action" in st_]
    if not places:
        return trust, identities
    i, j = draw(st.sampled_from(places))
    doc = docs[i]
    statements = s.statements_of(doc)
    statement = dict(statements[j])
    if isinstance(statement["Action"], list):
        k = draw(st.integers(0, len(statement["Action"]) - 1))
        statement["Action"] = [*statement["Action"][:k], "*", *statement["Action"][k + 1:]]
    else:
        statement["Action"] = "*"
    statements[j] = statement
    docs[i] = {**doc, "Statement": statements if isinstance(doc["Statement"], list) else statement}
    return docs[0], docs[1:]


@FAST
@given(request, st.data())
def test_replacing_an_allowed_action_by_star_never_denies_more(req: Any, data: st.DataObject) -> None:
    caller, role, trust, identities, context = req
    before = _allowed(caller, role, trust, identities, context)
    trust2, identities2 = _star_one_action(data.draw, trust, identities)
    after = _allowed(caller, role, trust2, identities2, context)
    assert after or not before


# --- agreement with a reference evaluator on a fragment ------------------------------------------------

def _glob(pattern: str, value: str, ignore_case: bool) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, (re.IGNORECASE if ignore_case else 0) | re.DOTALL) is not None


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _caller(arn: str) -> dict[str, str]:
    account = arn.split(":")[4]
    resource = arn.split(":", 5)[5]
    if resource.startswith("user/"):
        return {"kind": "user", "account": account, "name": resource.rsplit("/", 1)[1], "arn": arn}
    _, role, _session = resource.split("/")
    return {"kind": "session", "account": account, "name": role, "arn": arn}


def _names(value: str, caller: dict[str, str]) -> str:
    """'direct', 'account' or '' — how one AWS principal value covers the caller."""
    if value == "*":
        return "direct"
    if re.fullmatch(r"\d{12}", value):
        return "account" if value == caller["account"] else ""
    if not value.startswith("arn:"):
        return ""  # a unique ID: a deleted principal, nobody
    account, resource = value.split(":")[4], value.split(":", 5)[5]
    if account != caller["account"]:
        return ""
    if resource == "root":
        return "account"
    # IAM names are unique in an account whatever the path, so the name identifies the user or role.
    if resource.startswith("user/") and caller["kind"] == "user":
        return "direct" if resource.rsplit("/", 1)[1] == caller["name"] else ""
    if resource.startswith("role/") and caller["kind"] == "session":
        return "direct" if resource.rsplit("/", 1)[1] == caller["name"] else ""
    if resource.startswith("assumed-role/"):
        return "direct" if value == caller["arn"] else ""
    return ""


def reference_decision(caller_arn: str, role: str, trust: dict[str, Any], identities: list[dict[str, Any]]) -> bool:
    caller = _caller(caller_arn)
    action = "sts:AssumeRole"
    trust_allows: list[str] = []
    for statement in s.statements_of(trust):
        block = statement["Principal"]
        values = ["*"] if block == "*" else _as_list(block.get("AWS", []))
        via = max((_names(v, caller) for v in values), key=["", "account", "direct"].index, default="")
        if not via or not any(_glob(p, action, True) for p in _as_list(statement["Action"])):
            continue
        if statement["Effect"] == "Deny":
            return False
        trust_allows.append(via)
    identity_allows = False
    for doc in identities:
        for statement in s.statements_of(doc):
            if not any(_glob(p, action, True) for p in _as_list(statement["Action"])):
                continue
            if not any(_glob(p, role, False) for p in _as_list(statement["Resource"])):
                continue
            if statement["Effect"] == "Deny":
                return False
            identity_allows = True
    if not trust_allows:
        return False
    same_account = caller["account"] == role.split(":")[4]
    return (same_account and "direct" in trust_allows) or identity_allows


fragment = st.tuples(
    s.iam_callers,
    s.target_roles,
    s.documents(s.trust_statements(with_conditions=False, with_not=False)),
    st.lists(s.documents(s.identity_statements(with_conditions=False, with_not=False)), max_size=2),
)


@FAST
@given(fragment)
def test_agrees_with_reference_on_the_unconditional_fragment(req: Any) -> None:
    caller, role, trust, identities = req
    assert _allowed(caller, role, trust, identities, {}) == reference_decision(caller, role, trust, identities)
