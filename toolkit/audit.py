"""`toolkit audit`: which claims rest on which archive, and what deserves a second look.

Works on the dataset that `export` builds (one source of truth), so what the
audit counts is exactly what the export carries. Findings have stable codes that
scripts and tests may rely on; their wording may change, the codes do not:

    A101 warning  unsourced-claim      a claim with no evidence at all
    A102 info     published-only       a claim resting only on published works
    A103 info     ibid-chain           a claim resting on an Ibid. (and the note it finally leans on)
    A104 warning  disputing-note       a note linked to a claim disputes it
    A105 info     marker-repaired      a footnote marker misread by OCR, repaired
    A106 warning  marker-without-note  a footnote marker whose note was not found
    A107 warning  note-without-marker  a note whose marker was not found
    A108 info     unused-note          a note that no claim of its document uses
    A109 error    stale-offsets        a claim whose text is not at its offsets in the current version
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("info", "warning", "error")
CODES: dict[str, tuple[str, str]] = {
    "A101": ("unsourced-claim", "warning"),
    "A102": ("published-only", "info"),
    "A103": ("ibid-chain", "info"),
    "A104": ("disputing-note", "warning"),
    "A105": ("marker-repaired", "info"),
    "A106": ("marker-without-note", "warning"),
    "A107": ("note-without-marker", "warning"),
    "A108": ("unused-note", "info"),
    "A109": ("stale-offsets", "error"),
}


@dataclass
class Finding:
    code: str
    name: str
    severity: str
    document: str
    claim: str | None
    note: str | None
    message: str


@dataclass
class AuditReport:
    claims: int
    support: dict[str, int]  # archival / published / none, over all claims
    archives: list[dict[str, Any]]  # per archive and series, over all documents
    documents: list[dict[str, Any]]  # per document: support counts and archives
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, threshold: str) -> bool:
        """Is there a finding at `threshold` severity or above?"""
        rank = SEVERITIES.index(threshold)
        return any(SEVERITIES.index(f.severity) >= rank for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {"claims": self.claims, "support": self.support, "archives": self.archives,
                "documents": self.documents, "findings": [asdict(f) for f in self.findings],
                "counts": {s: self.count(s) for s in SEVERITIES}}


def _finding(code: str, document: str, claim: str | None, note: str | None, message: str) -> Finding:
    name, severity = CODES[code]
    return Finding(code, name, severity, document, claim, note, message)


def _excerpt(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def audit_dataset(dataset: dict[str, Any]) -> AuditReport:
    """The audit of an export dataset (see `toolkit.export.build_dataset`)."""
    docs = dataset["documents"]
    current = {d["document"]: d for d in docs if d.get("current", True)}
    claims = dataset["claims"]

    archive_claims: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    archive_refs: dict[tuple[str, str | None], set[tuple]] = defaultdict(set)
    per_doc: dict[str, dict[str, Any]] = {}
    used_notes: dict[str, set[int]] = defaultdict(set)
    findings: list[Finding] = []
    support = Counter(c["support"] for c in claims)

    for c in claims:
        doc = c["document"]
        entry = per_doc.setdefault(doc, {"document": doc, "title": c.get("title", ""), "claims": 0,
                                         "support": Counter(), "archives": defaultdict(lambda: [set(), set()])})
        entry["claims"] += 1
        entry["support"][c["support"]] += 1
        where = f"“{_excerpt(c['quote'], 50)}”"
        for e in c["evidence"]:
            if e["footnote"] is not None and c["version"] == current.get(doc, {}).get("id"):
                used_notes[doc].add(e["footnote"])
            for r in e["references"]:
                key = (r["archive"], r["series"])
                ref = (doc, r["archive"], r["series"], r["volume"], r["item"])
                archive_claims[key].add(c["id"])
                archive_refs[key].add(ref)
                entry["archives"][key][0].add(c["id"])
                entry["archives"][key][1].add(ref)
            if e["stance"] == "disputes":
                findings.append(_finding("A104", doc, c["id"], e["label"],
                                         f"note {e['label']} disputes the claim it is linked to: {where}"))
            for cit in e["citations"]:
                if cit["kind"] == "ibid" and cit["resolves_to"] is not None:
                    chain = " → ".join(str(x) for x in [e["label"], *cit["chain"]])
                    findings.append(_finding("A103", doc, c["id"], e["label"],
                                             f"{where} rests on an Ibid. (notes {chain}); it finally leans on "
                                             f"note {cit['chain'][-1] if cit['chain'] else cit['resolves_to']}"))
        if c["support"] == "none":
            findings.append(_finding("A101", doc, c["id"], None, f"{where} has no evidence"))
        elif c["support"] == "published":
            findings.append(_finding("A102", doc, c["id"], None, f"{where} rests only on published works"))
        now = current.get(doc)
        if now is not None and now["id"] != c["version"] and now["text"][c["start"]:c["end"]] != c["quote"]:
            findings.append(_finding("A109", doc, c["id"], None,
                                     f"{where} was made on version {c['version']}; the current version "
                                     f"({now['id']}) has other text at {c['start']}-{c['end']}: re-annotate it"))

    for d in current.values():
        doc = d["document"]
        for f in d["footnotes"]:
            label = f["label"]
            if "marker-repaired" in f["flags"]:
                findings.append(_finding("A105", doc, None, label,
                                         f"marker printed {f['marker']['printed']} was linked to note {label}"))
            if "marker-without-note" in f["flags"]:
                findings.append(_finding("A106", doc, None, label, f"marker {label} has no note"))
            if "note-without-marker" in f["flags"]:
                findings.append(_finding("A107", doc, None, label, f"note {label} has no marker in the text"))
            if doc in per_doc and f["text"] is not None and f["seq"] not in used_notes[doc]:
                findings.append(_finding("A108", doc, None, label,
                                         f"note {label} is used by no claim: {_excerpt(f['text'], 60)}"))

    archives = [{"archive": a, "series": s, "claims": len(archive_claims[(a, s)]),
                 "references": len(archive_refs[(a, s)])}
                for a, s in sorted(archive_claims, key=lambda k: (-len(archive_claims[k]), k[0], k[1] or ""))]
    documents = []
    for doc in sorted(per_doc):
        entry = per_doc[doc]
        documents.append({
            "document": doc, "title": entry["title"], "claims": entry["claims"],
            "support": {k: entry["support"].get(k, 0) for k in ("archival", "published", "none")},
            "archives": [{"archive": a, "series": s, "claims": len(v[0]), "references": len(v[1])}
                         for (a, s), v in sorted(entry["archives"].items(), key=lambda kv: (-len(kv[1][0]), kv[0][0]))],
        })
    order = {code: k for k, code in enumerate(CODES)}
    findings.sort(key=lambda f: (-SEVERITIES.index(f.severity), order[f.code], f.document, f.note or "", f.claim or ""))
    return AuditReport(len(claims), {k: support.get(k, 0) for k in ("archival", "published", "none")},
                       archives, documents, findings)


# -- rendering ------------------------------------------------------------------------------


def render_text(report: AuditReport, max_findings: int = 60) -> str:
    """The terminal table."""
    s = report.support
    lines = [f"{report.claims} claims: {s['archival']} rest on an archive, {s['published']} on published "
             f"works only, {s['none']} on nothing", "", "Claims per archive and series"]
    lines.append(f"  {'archive':<8} {'series':<38} {'claims':>6} {'refs':>5}")
    for a in report.archives:
        lines.append(f"  {a['archive']:<8} {(a['series'] or '-')[:38]:<38} {a['claims']:>6} {a['references']:>5}")
    if not report.archives:
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
    most = max((a["claims"] for a in report.archives), default=1) or 1
    bars = "\n".join(
        f'<div class="bar"><span class="label">{e(a["archive"])} {e(a["series"] or "")}</span>'
        f'<span class="fill" style="width:{max(1, round(60 * a["claims"] / most))}%"></span>'
        f'<span class="n">{a["claims"]}</span></div>' for a in report.archives)
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
<h2>Claims per archive</h2>
<div class="chart">
{bars or '<p>No claim reaches an archive.</p>'}
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
