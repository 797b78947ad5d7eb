"""Where citations lead: cross-references, TEI targets, file numbers and telegrams resolved to stored documents."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import Session, select

from conftest import corpus_path
from toolkit.audit import audit_store
from toolkit.export import Filters, build_dataset, validate_export
from toolkit.ingest import ingest_paths
from toolkit.views import document_view, find_version
from toolkit.leads import citations_to_resolve, stored_documents, update_leads
from toolkit.models import Citation, DocumentVersion, Footnote, Lead
from toolkit.parsing.leads import Cited, Stored, resolve_leads, sibling_volume

VOLUME = "frus1918Russiav03"


def _stored(part: str, pages: tuple[str, ...], **kw) -> Stored:
    return Stored(f"v-{part}", part, VOLUME, part, pages, **kw)


def test_page_cross_references_and_volumes() -> None:
    docs = [_stored("d1", ("1", "2")), _stored("d2", ("2", "3")), _stored("d3", ("3",)),
            _stored("d4", ("4",), file_numbers=("861.00/763",), date="1918-12-01T10:00:00",
                    opening="File No. 861.00/763\n\n[Telegram]\n\nPetrograd, December 1, 1918.\n\n2050. Text."),
            Stored("v-other", "d9", "frus1918Russiav02", "d9", ("28",))]
    c = [Cited("c1", "Ante, p. 3", "cross-reference", "v-d4", VOLUME, "Ante, p. 3."),
         Cited("c2", "Post, pp. 2, 3, and 4", "cross-reference", "v-d1", VOLUME),
         Cited("c3", "Vol. ii, p. 28", "cross-reference", "v-d1", VOLUME),
         Cited("c4", "Vol. i, p. 28", "cross-reference", "v-d1", VOLUME),
         Cited("c5", "File No. 861.00/763", "archival", "v-x", None),
         Cited("c6", "Francis to Lansing, telegram No. 2050, December 1, 1918", "printed-primary", "v-x", None),
         Cited("c7", "Ante, p. 3", "cross-reference", "v-d4", VOLUME, targets=("#d2",))]
    got = {(x.citation_id, x.version_id, x.how) for x in resolve_leads(c, docs)}
    # p. 3 holds d2 (continued) and d3 (begins there): the one beginning there, before the citing d4
    assert ("c1", "v-d3", "page") in got
    assert {("c2", "v-d2", "page"), ("c2", "v-d3", "page"), ("c2", "v-d4", "page")} <= got
    assert ("c3", "v-other", "page") in got
    assert not any(x[0] == "c4" for x in got)  # vol. i is not in the store
    assert ("c5", "v-d4", "file-number") in got
    assert ("c6", "v-d4", "telegram") in got
    assert ("c7", "v-d2", "tei-target") in got
    assert sibling_volume(VOLUME, "ii") == "frus1918Russiav02"


def test_never_leads_to_itself() -> None:
    docs = [_stored("d1", ("5",), file_numbers=("861.00/1",))]
    assert resolve_leads([Cited("c", "File No. 861.00/1", "archival", "v-d1", VOLUME)], docs) == []


def _article(tmp_path, body: str, note: str):
    path = tmp_path / "article.txt"
    path.write_text(f"Title\n\n{body}<sup>1</sup>\n\n1. {note}\n", encoding="utf-8")
    return path


def test_a_volume_ingested_after_the_article_is_led_to(engine, tmp_path) -> None:
    """The article first, then the telegram it cites: the lead appears with the second ingest."""
    article = _article(tmp_path, "Francis thought the Bolsheviks would fall.",
                       "Francis to Lansing, December 1, 1917, File No. 861.00/763.")
    ingest_paths(engine, [article])
    with Session(engine) as s:
        assert s.exec(select(Lead)).all() == []
    ingest_paths(engine, [corpus_path("seeds", "frus-1918-russia-861.00-763.txt")])
    with Session(engine) as s:
        leads = s.exec(select(Lead)).all()
        assert [(x.how, x.detail) for x in leads] == [("file-number", "861.00/763")]
        target = s.get(DocumentVersion, leads[0].version_id)
        assert target is not None and "861.00/763" in target.file_numbers
        # and a second run does not double them
        update_leads(s)
        assert len(s.exec(select(Lead)).all()) == 1

        # inspect --json and the export show it; the audit counts the source cited
        view = document_view(s, find_version(s, "article"))
        assert view["footnotes"][0]["citations"][0]["leads_to"] == [
            {"version_id": target.id, "document": target.document_id, "part": None, "how": "file-number",
             "detail": "861.00/763"}]
        dataset = build_dataset(s, Filters(include_suggested=True))
        assert validate_export(dataset, "json") == []
        report = audit_store(s, Filters(include_suggested=True)).to_json()
        assert [(r["document"], r["citations"], r["citing_documents"]) for r in report["cited_sources"]] == [
            (target.document_id, 1, 1)]


def _pages_of_documents(xml: bytes) -> dict[str, set[str]]:
    """From the TEI itself (not the reader): for each page, the documents with text on it."""
    from lxml import etree

    tei = "{http://www.tei-c.org/ns/1.0}"
    xid = "{http://www.w3.org/XML/1998/namespace}id"
    root = etree.fromstring(xml)
    on_page: dict[str, set[str]] = {}
    page = None
    stack: list[str | None] = [None]
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "start":
            if el.tag == f"{tei}pb":
                page = el.get("n")
            doc = el.get(xid) if el.tag == f"{tei}div" and el.get("type") == "document" else stack[-1]
            stack.append(doc)
            if doc and page and (el.text or "").strip():
                on_page.setdefault(page, set()).add(doc)
        else:
            stack.pop()
            if stack[-1] and page and (el.tail or "").strip():
                on_page.setdefault(page, set()).add(stack[-1])
    return on_page


@pytest.mark.corpus
def test_frus_cross_references_lead_to_the_right_document(engine) -> None:
    """Every frus-dev footnote whose TEI <ref> points inside the volume: does a citation of the
    stored note lead to a document printed on that page? With the TEI targets, and from the text alone."""
    xml_path = corpus_path("formats", "tei", f"{VOLUME}.xml")
    keys = corpus_path("frus-dev", "russia-1918-v3")
    ingest_paths(engine, [xml_path])
    truth = _pages_of_documents(xml_path.read_bytes())
    with Session(engine) as s:
        parts = {dv.part: dv.id for dv in s.exec(select(DocumentVersion).where(DocumentVersion.is_current))}
        part_of = {v: p for p, v in parts.items()}
        led: dict[str, set[str]] = {}
        for lead, fid in s.execute(select(Lead, Citation.footnote_id).join(Citation)):
            led.setdefault(fid, set()).add(part_of[lead.version_id])
        docs, info = stored_documents(s)
        cited = citations_to_resolve(s, info)
        notes = {f.id: (f.version_id, f.seq, f.note_text) for f in s.exec(select(Footnote))}
    text_only: dict[str, set[str]] = {}
    bare = [Cited(c.citation_id, c.raw, c.kind, c.version_id, c.volume, c.note, (), c.single) for c in cited]
    for lead in resolve_leads(bare, docs):
        text_only.setdefault(lead.citation_id.rsplit("-", 1)[0], set()).add(part_of[lead.version_id])

    total = right = right_text = ambiguous = 0
    misses = []
    for key_path in sorted(keys.glob("d*.json")):
        key = json.loads(key_path.read_text(encoding="utf-8"))
        vid = parts[key["doc_id"]]
        for seq, fn in enumerate(key["footnotes"], start=1):
            fid = f"{vid}-{seq}"
            assert re.sub(r"\s+", " ", notes[fid][2] or "").strip()[:20] == \
                re.sub(r"\s+", " ", fn["text"]).strip()[:20], (key_path.name, seq)
            for target in fn.get("ref_targets") or []:
                volume, _, anchor = target.partition("#")
                if volume not in ("", VOLUME) or not anchor.startswith("pg_"):
                    continue
                page = anchor[3:]
                total += 1
                ambiguous += len(truth.get(page, set()) - {key["doc_id"]}) > 1
                if led.get(fid, set()) & truth.get(page, set()):
                    right += 1
                else:
                    misses.append(f"{key['doc_id']} note {seq} {target}: {sorted(led.get(fid, set()))}")
                right_text += bool(text_only.get(fid, set()) & truth.get(page, set()))
    print(f"\nref_targets inside {VOLUME}: {right}/{total} lead to a document printed on the page "
          f"({right / total:.3f}); from the note's text alone {right_text}/{total} ({right_text / total:.3f}); "
          f"{ambiguous} pages hold more than one other document")
    assert total >= 60
    assert right / total >= 0.95, misses[:10]
    assert right_text / total >= 0.95


def _quoting(tmp_path, name: str, claim: str, note: str):
    path = tmp_path / f"{name}.txt"
    path.write_text(f"Title\n\n{claim}<sup>1</sup>\n\n1. {note}\n", encoding="utf-8")
    return path


def test_quotes_checked_in_the_document_cited(engine, tmp_path) -> None:
    """A claim quoting the telegram it cites by file number: found (also with OCR-like slips);
    a misquotation is A110; words found on another page than the note cites are A111."""
    note = "Francis to Lansing, December 2, 1917, File No. 861.00/763{}."
    articles = [
        _quoting(tmp_path, "right", "Judson told Trotsky that “the time for protests and threats addressed to "
                 "the Soviet authority is over.”", note.format("")),
        _quoting(tmp_path, "noisy", "Judson told Trotsky that “the tyme for protests and threats adressed to "
                 "the Soviet authority was over.”", note.format("")),
        _quoting(tmp_path, "wrong", "Judson told Trotsky that “the time for peace and friendship with the "
                 "Soviet people has come.”", note.format("")),
        _quoting(tmp_path, "paged", "Trotsky found that “the formal side of the matter is not interesting.”",
                 note.format(", p. 282")),
        _quoting(tmp_path, "paged-right", "Trotsky found that “the formal side of the matter is not interesting.”",
                 note.format(", p. 283")),
    ]
    ingest_paths(engine, articles + [corpus_path("seeds", "frus-1918-russia-861.00-763.txt")])
    with Session(engine) as s:
        report = audit_store(s, Filters(include_suggested=True))
    got = sorted((f.document, f.code) for f in report.findings if f.code in ("A110", "A111"))
    assert got == [("paged", "A111"), ("wrong", "A110")], [f for f in report.findings if f.code >= "A110"]
