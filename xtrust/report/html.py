"""One self-contained HTML page: inline CSS and JavaScript, no network, nothing to install.

A summary, then a table of findings sortable by any column (click a header; ``#sort=<column>`` or
``#sort=<column>:desc`` in the address sorts on load; ``#open=first`` unfolds the first row), each row
unfolding to its proof: the counterexample request, the other requests that get through, the statements
that grant the access, and a planned fix as a diff when one is given. Exempt and suppressed findings are
shown struck through with their reason. When the script has run, ``<body>`` carries ``data-rendered``
with the number of finding rows.
"""

from __future__ import annotations

import html
import json
from string import Template

from ..findings import Finding, Report
from ._common import fix_diffs, headline, ordered, statements_label, status, status_reason, summary_line

__all__ = ["COLUMNS", "format_html"]

COLUMNS = ("severity", "status", "rule", "account", "resource", "finding", "id")

_CSS = """
:root { --bg:#fff; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --head:#f6f8fa;
  --critical:#8b0000; --high:#cf222e; --medium:#bc4c00; --low:#9a6700; --info:#0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg);
  background: var(--bg); margin: 0; padding: 24px 32px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.meta, .muted { color: var(--muted); }
.cards { display: flex; gap: 12px; margin: 16px 0; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.card b { display: block; font-size: 20px; }
.warn { border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
input[type=search] { padding: 6px 10px; width: 360px; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; margin-top: 12px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--head); position: sticky; top: 0; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort=ascending] button::after { content: " \\25B2"; }
th[aria-sort=descending] button::after { content: " \\25BC"; }
td.resource, td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
td.resource { word-break: break-all; min-width: 16em; } td.id { white-space: nowrap; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 12px; }
.sev.critical { color: var(--critical); } .sev.high { color: var(--high); } .sev.medium { color: var(--medium); }
.sev.low { color: var(--low); } .sev.info { color: var(--info); }
tr.accepted td { color: var(--muted); } tr.accepted td .sev { text-decoration: line-through; }
details summary { cursor: pointer; }
dl { margin: 6px 0 0; } dt { font-weight: 600; margin-top: 6px; } dd { margin: 0 0 0 12px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre { background: var(--head); padding: 8px; border-radius: 6px; overflow-x: auto; }
pre.diff .add { color: #116329; background: #dafbe1; display: block; }
pre.diff .del { color: #82071e; background: #ffebe9; display: block; }
pre.diff .hunk { color: var(--muted); display: block; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
"""

_JS = """
(function () {
  var table = document.getElementById("findings");
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function value(row, key) {
    var v = row.getAttribute("data-" + key) || "";
    return key === "severity" ? Number(v) : v.toLowerCase();
  }
  function sortBy(key, descending) {
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, key), y = value(b, key);
      var c = x < y ? -1 : x > y ? 1 : 0;
      if (c === 0) { c = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order")); return c; }
      return descending ? -c : c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (th) {
      th.setAttribute("aria-sort", th.getAttribute("data-key") === key
        ? (descending ? "descending" : "ascending") : "none");
    });
    table.setAttribute("data-sorted", key + (descending ? ":desc" : ""));
  }
  heads.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      var descending = th.getAttribute("aria-sort") === "ascending"
        || (key === "severity" && th.getAttribute("aria-sort") !== "descending");
      sortBy(key, descending);
    });
  });
  var filter = document.getElementById("filter");
  filter.addEventListener("input", function () {
    var needle = filter.value.toLowerCase();
    Array.prototype.forEach.call(body.rows, function (row) {
      row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
    });
  });
  var match = /sort=([a-z]+)(:desc)?/.exec(window.location.hash);
  if (match) { sortBy(match[1], Boolean(match[2])); }
  if (/open=first/.test(window.location.hash) && body.rows.length) {
    body.rows[0].querySelector("details").open = true;
  }
  document.body.setAttribute("data-rendered", String(body.rows.length));
})();
"""

_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>$title</title>
<style>$css</style>
</head>
<body>
<h1>$title</h1>
<div class="meta">$meta</div>
<div class="cards">$cards</div>
$errors
$content
<footer>xtrust $version · finding ids are stable from run to run
(use them in a suppression file or with <code>xtrust diff</code>)</footer>
<script>$js</script>
</body>
</html>
""")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _diff_html(diff: str) -> str:
    lines = []
    for line in diff.splitlines():
        kind = ("hunk" if line.startswith("@@") else "add" if line.startswith("+") and not line.startswith("+++")
                else "del" if line.startswith("-") and not line.startswith("---") else "")
        lines.append(f'<span class="{kind}">{_e(line)}</span>' if kind else _e(line))
    return '<pre class="diff">' + "\n".join(lines) + "</pre>"


def _proof(finding: Finding) -> str:
    parts = ["<details><summary>proof</summary><dl>"]
    if finding.counterexample.principal:
        parts.append("<dt>counterexample</dt><dd><pre>"
                     + _e(json.dumps(finding.counterexample.to_json(), indent=2)) + "</pre></dd>")
    if finding.others:
        parts.append("<dt>also gets through</dt>"
                     + "".join(f"<dd><code>{_e(c.in_words())}</code></dd>" for c in finding.others))
    if finding.subjects and list(finding.subjects) != [finding.resource]:
        parts.append("<dt>affects</dt>" + "".join(f"<dd><code>{_e(s)}</code></dd>" for s in finding.subjects))
    if finding.statements:
        parts.append(f"<dt>{statements_label(finding)}</dt>"
                     + "".join(f"<dd><code>{_e(s)}</code></dd>" for s in finding.statements))
    if finding.accepted:
        parts.append(f"<dt>{_e(status(finding))}</dt><dd>{_e(status_reason(finding))}</dd>")
    for summary, diff in fix_diffs(finding.fix):
        parts.append(f"<dt>planned fix: {_e(summary)}</dt><dd>{_diff_html(diff)}</dd>")
    parts.append("</dl></details>")
    return "".join(parts)


def _row(finding: Finding, order: int) -> str:
    short = headline(finding)
    data = {"severity": finding.severity.rank, "status": status(finding), "rule": finding.rule,
            "account": finding.account, "resource": finding.resource, "finding": short, "id": finding.id}
    attrs = " ".join(f'data-{k}="{_e(v)}"' for k, v in data.items())
    css = ' class="accepted"' if finding.accepted else ""
    sev = finding.severity.value
    return (f'<tr{css} data-order="{order}" {attrs}>'
            f'<td><span class="sev {sev}">{sev}</span></td><td>{_e(status(finding))}</td>'
            f"<td>{_e(finding.rule)}</td><td>{_e(finding.account)}</td>"
            f'<td class="resource">{_e(finding.resource)}</td>'
            f"<td>{_e(short)}{_proof(finding)}</td><td class=\"id\">{_e(finding.id)}</td></tr>")


def format_html(report: Report) -> str:
    from .. import __version__
    findings = ordered(report.findings)
    title = "xtrust scan: " + summary_line(report)
    checked = ", ".join(f"{_e(rule)}: {n}" for rule, n in sorted(report.checked.items())) or "nothing"
    meta = f"accounts {_e(', '.join(report.accounts) or 'none')} · resources checked per rule: {checked}"
    cards = "".join(f'<div class="card"><b>{n}</b>{_e(label)}</div>' for label, n in (
        ("open findings", len(report.active)),
        ("suppressed or exempt", len(report.findings) - len(report.active)),
        ("accounts", len(report.accounts)),
        ("resources checked", sum(report.checked.values())),
    ))
    errors = ""
    if report.errors:
        errors = ('<div class="warn"><b>The scan is incomplete.</b> These could not be checked:<ul>'
                  + "".join(f"<li><code>{_e(e.account)}</code>: {_e(e.message)}</li>" for e in report.errors)
                  + "</ul></div>")
    heads = "".join(f'<th data-key="{c}" aria-sort="none"><button type="button">{c}</button></th>' for c in COLUMNS)
    rows = "\n".join(_row(f, i) for i, f in enumerate(findings))
    content = ('<input type="search" id="filter" placeholder="filter findings" aria-label="filter findings">'
               f'<table id="findings"><thead><tr>{heads}</tr></thead><tbody>\n{rows}\n</tbody></table>')
    if not findings:
        content += '<p class="muted">No findings: every checked role and identity keeps to the rules.</p>'
    return _PAGE.substitute(title=_e(title), css=_CSS, meta=meta, cards=cards, errors=errors, content=content,
                            version=_e(__version__), js=_JS)
