"""An audit report for people: the terminal table and one self-contained HTML page with charts."""

from __future__ import annotations

import html
from typing import Any

from toolkit.audit.report import PRIMARY, SCHOLARSHIP, SEVERITIES, AuditReport


def render_text(report: AuditReport, max_findings: int = 60) -> str:
    """The terminal table: scholarship and primary sources apart, then per document and findings."""
    s = report.support
    lines = [f"{report.claims} claims: {s['archival']} rest on an archive, {s['published']} on published "
             f"works only, {s['none']} on nothing"]
    for key, heading in ((SCHOLARSHIP, "Claims made in scholarship"), (PRIMARY, "Statements inside primary sources")):
        group = report.groups.get(key)
        if not group or not group["claims"]:
            continue
        g = group["support"]
        lines += ["", f"{heading}: {group['claims']} ({g['archival']} archival, {g['published']} published only, "
                      f"{g['none']} none), per archive and series"]
        lines.append(f"  {'archive':<8} {'series':<38} {'claims':>6} {'refs':>5}")
        for a in group["archives"]:
            lines.append(f"  {a['archive']:<8} {(a['series'] or '-')[:38]:<38} {a['claims']:>6} {a['references']:>5}")
        if not group["archives"]:
            lines.append("  (no claim reaches an archive)")
    lines += ["", "Per document"]
    for d in report.documents:
        sup = d["support"]
        lines.append(f"  {d['document']}: {d['claims']} claims ({sup['archival']} archival, "
                     f"{sup['published']} published only, {sup['none']} none)")
        for a in d["archives"][:6]:
            lines.append(f"      {a['archive']} {a['series'] or ''}: {a['claims']} claims, {a['references']} references")
    plural = {"error": "errors", "warning": "warnings", "info": "notes"}
    counts = ", ".join(f"{report.count(sev)} {plural[sev]}" for sev in reversed(SEVERITIES))
    lines += ["", f"Findings ({counts})"]
    for f in report.findings[:max_findings]:
        target = f"claim {f.claim}" if f.claim else f"note {f.note}"
        lines.append(f"  {f.code} {f.severity:<7} {f.document} {target}: {f.message}")
    if len(report.findings) > max_findings:
        lines.append(f"  … and {len(report.findings) - max_findings} more (--json or --html for all)")
    return "\n".join(lines) + "\n"


def render_html(report: AuditReport, title: str = "Audit of claims and their evidence") -> str:
    """One self-contained page: tables, a bar chart of claims per archive; all text escaped."""
    e = html.escape

    def chart(rows: list[dict[str, Any]]) -> str:
        most = max((a["claims"] for a in rows), default=1) or 1
        return "\n".join(
            f'<div class="bar"><span class="label">{e(a["archive"])} {e(a["series"] or "")}</span>'
            f'<span class="fill" style="width:{max(1, round(60 * a["claims"] / most))}%"></span>'
            f'<span class="n">{a["claims"]}</span></div>' for a in rows)

    scholarship = report.groups.get(SCHOLARSHIP, {"claims": 0, "archives": []})
    primary = report.groups.get(PRIMARY, {"claims": 0, "archives": []})
    bars = chart(scholarship["archives"])
    primary_bars = chart(primary["archives"])
    archive_rows = "\n".join(
        f"<tr><td>{e(a['archive'])}</td><td>{e(a['series'] or '-')}</td><td>{a['claims']}</td>"
        f"<td>{a['references']}</td></tr>" for a in report.archives)
    doc_rows = "\n".join(
        f"<tr><td>{e(d['document'])}</td><td>{e(d['title'])}</td><td>{d['claims']}</td>"
        f"<td>{d['support']['archival']}</td><td>{d['support']['published']}</td><td>{d['support']['none']}</td></tr>"
        for d in report.documents)
    finding_rows = "\n".join(
        f'<tr class="{e(f.severity)}"><td>{e(f.code)}</td><td>{e(f.severity)}</td><td>{e(f.name)}</td>'
        f"<td>{e(f.document)}</td><td>{'<br>'.join(e(x) for x in (f.claim, f'note {f.note}' if f.note else None) if x)}</td>"
        f"<td>{e(f.message)}</td></tr>" for f in report.findings)
    s = report.support
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font: 15px/1.45 Georgia, serif; margin: 2em auto; max-width: 72em; color: #222; padding: 0 1em; }}
h1 {{ font-size: 1.6em; }} h2 {{ font-size: 1.2em; margin-top: 2em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.92em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }}
th {{ background: #f4f1ea; }}
.bar {{ display: flex; align-items: center; margin: 0.25em 0; }}
.bar .label {{ width: 22em; }}
.bar .fill {{ display: inline-block; height: 1em; background: #8c5a2b; margin-right: 0.5em; }}
tr.error td {{ background: #fbe3e1; }} tr.warning td {{ background: #fdf3dc; }}
.summary {{ font-size: 1.05em; }}
</style>
</head>
<body>
<h1>{e(title)}</h1>
<p class="summary">{report.claims} claims: <b>{s['archival']}</b> rest on an archive, <b>{s['published']}</b>
on published works only, <b>{s['none']}</b> on nothing.
Findings: {report.count('error')} errors, {report.count('warning')} warnings, {report.count('info')} notes.</p>
<h2>Claims made in scholarship, per archive ({scholarship['claims']} claims)</h2>
<div class="chart">
{bars or '<p>No claim made in scholarship reaches an archive.</p>'}
</div>
<h2>Statements inside primary sources, per archive ({primary['claims']} statements)</h2>
<div class="chart primary">
{primary_bars or '<p>No statement of a primary source is audited.</p>'}
</div>
<table><thead><tr><th>Archive</th><th>Series</th><th>Claims</th><th>References</th></tr></thead>
<tbody>
{archive_rows}
</tbody></table>
<h2>Per document</h2>
<table><thead><tr><th>Document</th><th>Title</th><th>Claims</th><th>Archival</th><th>Published only</th><th>None</th></tr></thead>
<tbody>
{doc_rows}
</tbody></table>
<h2>Findings</h2>
<table><thead><tr><th>Code</th><th>Severity</th><th>Kind</th><th>Document</th><th>Claim / note</th><th>Message</th></tr></thead>
<tbody>
{finding_rows}
</tbody></table>
</body>
</html>
"""
