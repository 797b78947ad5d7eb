"""The agreement report of a team project, from the store: per label, per document, per pair.

Reads the assignments (who had which document), each annotator's active claims and
links pulled from their own project, and the suggestions they were shown; hands
spans and codes to the pure metrics of `toolkit.team.agreement`. Two annotators are
compared only on the documents both were assigned.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from toolkit.models import Claim, DoccanoProject, DocumentVersion, EvidenceLink, PushRecord
from toolkit.team.agreement import (
    NOTHING,
    cohen_kappa,
    krippendorff_alpha,
    relation_agreement,
    sentence_codes,
    span_agreement,
)
from toolkit.team.assign import annotator_project, assignments
from toolkit.terms import ClaimStatus, Origin, Stance

STANCE_LABEL = {Stance.SUPPORTS: "SUPPORTED_BY", Stance.DISPUTES: "DISPUTED_BY"}


@dataclass
class Work:
    """One annotator's work on one document version."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    links: list[tuple[int, str, str]] = field(default_factory=list)  # (span index, footnote id, stance)
    accepted: int = 0  # suggestions kept


def load_work(engine: Engine, project: str) -> tuple[dict[str, set[str]], dict[tuple[str, str], Work],
                                                      dict[str, DocumentVersion], dict[str, int]]:
    """Assigned annotators per version, each (annotator, version)'s work, the versions, and how
    many suggestions each annotator was shown."""
    pairs = assignments(engine, project)
    holders: dict[str, set[str]] = defaultdict(set)
    for annotator, version_id in pairs:
        holders[version_id].add(annotator)
    work: dict[tuple[str, str], Work] = {(a, v): Work() for a, v in pairs}
    shown: dict[str, int] = defaultdict(int)
    with Session(engine) as session:
        versions = {v.id: v for v in session.exec(select(DocumentVersion).where(
            DocumentVersion.id.in_(sorted(holders))))}  # type: ignore[attr-defined]
        owner = {}
        for p in session.exec(select(DoccanoProject)):
            for annotator in {a for a, _ in pairs}:
                if p.name == annotator_project(project, annotator):
                    owner[p.id] = annotator
        if not owner:
            return holders, work, versions, dict(shown)
        claims = session.exec(select(Claim).where(
            Claim.origin == Origin.ANNOTATOR, Claim.status == ClaimStatus.ACTIVE,
            Claim.doccano_project_id.in_(sorted(owner)))  # type: ignore[union-attr]
            .order_by(Claim.start, Claim.end, Claim.id)).all()
        index: dict[str, tuple[tuple[str, str], int]] = {}
        for c in claims:
            key = (owner[c.doccano_project_id], c.version_id)  # type: ignore[index]
            if key not in work:
                continue  # a document no longer assigned: not compared
            index[c.id] = (key, len(work[key].spans))
            work[key].spans.append((c.start, c.end))
            work[key].accepted += int(c.accepted_suggestion)
        for link in session.exec(select(EvidenceLink).where(
                EvidenceLink.claim_id.in_(sorted(index)))):  # type: ignore[attr-defined]
            key, i = index[link.claim_id]
            work[key].links.append((i, link.footnote_id, link.stance))
        suggested = defaultdict(int)
        for version_id in session.exec(select(Claim.version_id).where(
                Claim.origin == Origin.SUGGESTED, Claim.status == ClaimStatus.ACTIVE,
                Claim.version_id.in_(sorted(holders)))):  # type: ignore[attr-defined]
            suggested[version_id] += 1
        for record in session.exec(select(PushRecord).where(
                PushRecord.project_id.in_(sorted(owner)), PushRecord.suggested)):  # type: ignore[attr-defined]
            annotator = owner[record.project_id]
            if (annotator, record.version_id) in work:
                shown[annotator] += suggested[record.version_id]
    return holders, work, versions, dict(shown)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def agreement_report(engine: Engine, project: str) -> dict[str, Any]:
    """Every figure, JSON-ready. See the module docstring."""
    holders, work, versions, shown = load_work(engine, project)
    annotators = sorted({a for a, _ in work})
    by_pair: dict[tuple[str, str], dict[str, Any]] = {}
    labels = {"CLAIM": [NOTHING, NOTHING], **{lab: NOTHING for lab in STANCE_LABEL.values()}}
    relations_all = NOTHING
    units: list[list[int | None]] = []
    documents = []
    for version_id in sorted(holders, key=lambda v: (versions[v].document_id, versions[v].version)):
        version = versions[version_id]
        sentences = [tuple(s) for s in version.sentences]
        who = sorted(holders[version_id])
        codes = {a: sentence_codes(sentences, work[(a, version_id)].spans) for a in who}
        units += [[codes[a][k] if a in codes else None for a in annotators] for k in range(len(sentences))]
        doc_exact, doc_relaxed, doc_rel = NOTHING, NOTHING, NOTHING
        for a, b in combinations(who, 2):
            wa, wb = work[(a, version_id)], work[(b, version_id)]
            exact, relaxed = span_agreement(wa.spans, wb.spans), span_agreement(wa.spans, wb.spans, relaxed=True)
            rel = relation_agreement(wa.spans, wa.links, wb.spans, wb.links)
            pair = by_pair.setdefault((a, b), {"exact": NOTHING, "relaxed": NOTHING, "relations": NOTHING,
                                               "x": [], "y": [], "documents": 0})
            pair["exact"] += exact
            pair["relaxed"] += relaxed
            pair["relations"] += rel
            pair["x"] += codes[a]
            pair["y"] += codes[b]
            pair["documents"] += 1
            doc_exact, doc_relaxed, doc_rel = doc_exact + exact, doc_relaxed + relaxed, doc_rel + rel
            labels["CLAIM"] = [labels["CLAIM"][0] + exact, labels["CLAIM"][1] + relaxed]
            relations_all += rel
            for stance, name in STANCE_LABEL.items():
                labels[name] += relation_agreement(
                    wa.spans, [x for x in wa.links if x[2] == stance], wb.spans, [x for x in wb.links if x[2] == stance])
        documents.append({
            "document": version.document_id, "version": version.version, "annotators": who,
            "sentences": len(sentences),
            "claims": {a: len(work[(a, version_id)].spans) for a in who},
            "claim_exact_f1": _round(doc_exact.f1), "claim_relaxed_f1": _round(doc_relaxed.f1),
            "relation_f1": _round(doc_rel.f1),
            "alpha": _round(krippendorff_alpha([codes[a][k] for a in who] for k in range(len(sentences)))),
        })
    pairs = [{"annotators": [a, b], "documents": p["documents"], "sentences": len(p["x"]),
              "claim_exact_f1": _round(p["exact"].f1), "claim_relaxed_f1": _round(p["relaxed"].f1),
              "relation_f1": _round(p["relations"].f1), "kappa": _round(cohen_kappa(p["x"], p["y"]))}
             for (a, b), p in sorted(by_pair.items())]
    claim_exact, claim_relaxed = labels["CLAIM"]
    return {
        "project": project,
        "annotators": annotators,
        "documents_assigned": len(holders),
        "alpha": _round(krippendorff_alpha(units)),
        "labels": {
            "CLAIM": {"exact_f1": _round(claim_exact.f1), "relaxed_f1": _round(claim_relaxed.f1)},
            **{name: {"f1": _round(labels[name].f1)} for name in STANCE_LABEL.values()},  # type: ignore[attr-defined]
            "relations": {"f1": _round(relations_all.f1)},
        },
        "pairs": pairs,
        "documents": documents,
        "acceptance": {a: {"shown": shown.get(a, 0), "accepted": sum(w.accepted for (x, _), w in work.items() if x == a),
                           "rate": _round(sum(w.accepted for (x, _), w in work.items() if x == a) / shown[a])
                           if shown.get(a) else None} for a in annotators},
    }


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def render_text(report: dict[str, Any]) -> list[str]:
    lines = [f"agreement in {report['project']!r}: {len(report['annotators'])} annotators "
             f"({', '.join(report['annotators'])}), {report['documents_assigned']} documents",
             f"sentence-level claim coding, Krippendorff's alpha (nominal): {_fmt(report['alpha'])}",
             "", "per label:"]
    claim = report["labels"]["CLAIM"]
    lines.append(f"  CLAIM spans       F1 exact {_fmt(claim['exact_f1'])}   relaxed (IoU >= 0.5) {_fmt(claim['relaxed_f1'])}")
    for name in ("SUPPORTED_BY", "DISPUTED_BY", "relations"):
        lines.append(f"  {name:<17} F1 {_fmt(report['labels'][name]['f1'])}")
    lines += ["", "per pair:", f"  {'pair':<24} {'docs':>4} {'exact':>6} {'relaxed':>7} {'links':>6} {'kappa':>6}"]
    for p in report["pairs"]:
        lines.append(f"  {' / '.join(p['annotators']):<24} {p['documents']:>4} {_fmt(p['claim_exact_f1']):>6} "
                     f"{_fmt(p['claim_relaxed_f1']):>7} {_fmt(p['relation_f1']):>6} {_fmt(p['kappa']):>6}")
    lines += ["", "per document:", f"  {'document':<30} {'annotators':<20} {'exact':>6} {'relaxed':>7} {'links':>6} {'alpha':>6}"]
    for d in report["documents"]:
        lines.append(f"  {d['document'][:30]:<30} {','.join(d['annotators'])[:20]:<20} {_fmt(d['claim_exact_f1']):>6} "
                     f"{_fmt(d['claim_relaxed_f1']):>7} {_fmt(d['relation_f1']):>6} {_fmt(d['alpha']):>6}")
    lines += ["", "acceptance of the suggested claims:"]
    for a, acc in report["acceptance"].items():
        lines.append(f"  {a:<24} {acc['accepted']} of {acc['shown']} kept ({_fmt(acc['rate'])})")
    return lines


def render_html(report: dict[str, Any]) -> str:
    """One self-contained page: the figures and a heatmap of pairwise relaxed F1; all text escaped."""
    e = html.escape
    names = report["annotators"]
    cell = {tuple(p["annotators"]): p for p in report["pairs"]}

    def colour(x: float | None) -> str:
        return "#eee" if x is None else f"hsl({int(120 * x)}, 65%, 75%)"

    rows = []
    for a in names:
        tds = []
        for b in names:
            p = cell.get((a, b)) or cell.get((b, a))
            value = None if p is None else p["claim_relaxed_f1"]
            label = "" if a == b else _fmt(value)
            title = "" if p is None else f"{p['documents']} documents, kappa {_fmt(p['kappa'])}"
            tds.append(f'<td style="background:{colour(value) if a != b else "#fff"}" title="{e(title)}">{e(label)}</td>')
        rows.append(f"<tr><th>{e(a)}</th>{''.join(tds)}</tr>")
    heat = f"<table class=heat><tr><th></th>{''.join(f'<th>{e(n)}</th>' for n in names)}</tr>{''.join(rows)}</table>"
    docs = "".join(
        f"<tr><td>{e(d['document'])}</td><td>{e(', '.join(d['annotators']))}</td><td>{_fmt(d['claim_exact_f1'])}</td>"
        f"<td>{_fmt(d['claim_relaxed_f1'])}</td><td>{_fmt(d['relation_f1'])}</td><td>{_fmt(d['alpha'])}</td></tr>"
        for d in report["documents"])
    pairs = "".join(
        f"<tr><td>{e(' / '.join(p['annotators']))}</td><td>{p['documents']}</td><td>{_fmt(p['claim_exact_f1'])}</td>"
        f"<td>{_fmt(p['claim_relaxed_f1'])}</td><td>{_fmt(p['relation_f1'])}</td><td>{_fmt(p['kappa'])}</td></tr>"
        for p in report["pairs"])
    labels = "".join(f"<tr><td>{e(name)}</td><td>{_fmt(v.get('exact_f1', v.get('f1')))}</td>"
                     f"<td>{_fmt(v.get('relaxed_f1'))}</td></tr>" for name, v in report["labels"].items())
    accept = "".join(f"<tr><td>{e(a)}</td><td>{v['accepted']}</td><td>{v['shown']}</td><td>{_fmt(v['rate'])}</td></tr>"
                     for a, v in report["acceptance"].items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agreement: {e(report['project'])}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right}}th{{background:#f5f5f5}}
.heat td{{min-width:4em;text-align:center}}</style></head><body>
<h1>Agreement in {e(report['project'])}</h1>
<p>{len(names)} annotators, {report['documents_assigned']} documents. Sentence-level claim coding,
Krippendorff's alpha (nominal): <b>{_fmt(report['alpha'])}</b>.</p>
<h2>Pairwise CLAIM F1, relaxed (IoU &ge; 0.5)</h2>{heat}
<h2>Per label</h2><table><tr><th>label</th><th>F1 (exact)</th><th>F1 relaxed</th></tr>{labels}</table>
<h2>Per pair</h2><table><tr><th>pair</th><th>documents</th><th>exact</th><th>relaxed</th><th>links</th><th>kappa</th></tr>{pairs}</table>
<h2>Per document</h2><table><tr><th>document</th><th>annotators</th><th>exact</th><th>relaxed</th><th>links</th><th>alpha</th></tr>{docs}</table>
<h2>Acceptance of the suggested claims</h2><table><tr><th>annotator</th><th>kept</th><th>shown</th><th>rate</th></tr>{accept}</table>
</body></html>
"""
