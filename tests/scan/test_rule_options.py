"""Rule extensions at scan time: scopes, per-role and per-principal allow lists, exemptions with expiry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xtrust.rules import parse_rules
from xtrust.scan import scan_snapshots

ROOT = Path(__file__).resolve().parents[2]
WORLD = sorted(str(p) for p in (ROOT / "examples" / "world").glob("*.json"))
SEED = (ROOT / "rules" / "seed.yaml").read_text()


def resources(text: str, today: date = date(2026, 6, 1)) -> dict[str, str]:
    report = scan_snapshots(parse_rules(text, "r.yaml"), WORLD, today=today)
    return {f.resource.rsplit(":", 1)[1]: f.exempt for f in report.findings}


def test_seed_rules_on_the_example_world() -> None:
    assert resources(SEED) == {
        "role/ReadOnly": "", "role/Deployer": "", "role/OrgReader": "", "group/Admins": "",
        "policy/AssumeDevRoles": "", "user/contractors/contractor": "",
    }


def test_scope_exclude_and_names() -> None:
    text = SEED.replace("    allow:\n      principals:", '    scope:\n      exclude: ["Deploy*"]\n    allow:\n      principals:')
    assert "role/Deployer" not in resources(text)
    text = SEED.replace("    allow:\n      principals:", '    scope:\n      names: ["Read*"]\n    allow:\n      principals:')
    assert {r for r in resources(text) if r.startswith("role/")} == {"role/ReadOnly"}


def test_per_role_allow_list() -> None:
    text = SEED.replace('      services: ["*"]', '      services: ["*"]\n      roles:\n        ReadOnly: ["444455556666"]')
    assert "role/ReadOnly" not in resources(text)


def test_per_principal_allow_list_and_wildcards() -> None:
    text = SEED.replace('      roles: ["arn:aws:iam::123456789012:role/Admin"]',
                        '      roles: ["arn:aws:iam::123456789012:role/Admin"]\n'
                        '      principals:\n        Developers: ["arn:aws:iam::123456789012:role/*"]')
    assert "policy/AssumeDevRoles" not in resources(text)


def test_exemption_until_expiry() -> None:
    text = SEED.replace("    allow:\n      principals:", '''    exemptions:
      - resource: "arn:aws:iam::123456789012:role/ReadOnly"
        reason: "vendor audit, SEC-123"
        expires: "2026-12-31"
    allow:
      principals:''')
    assert resources(text, date(2026, 12, 31))["role/ReadOnly"] == "vendor audit, SEC-123 (until 2026-12-31)"
    report = scan_snapshots(parse_rules(text, "r.yaml"), WORLD, today=date(2027, 1, 1))
    expired = next(f for f in report.findings if f.resource.endswith("role/ReadOnly"))
    assert expired.exempt == "" and "an exemption expired on 2026-12-31: vendor audit, SEC-123" in expired.message
