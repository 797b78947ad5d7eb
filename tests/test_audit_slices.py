"""The audit reads the store a slice of documents at a time: what it reports does not depend on the slices."""

from __future__ import annotations

from sqlmodel import Session, select

import toolkit.audit.run
from toolkit.audit import audit_store
from toolkit.export import Filters
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, EvidenceLink, Footnote
from toolkit.views import find_version

ARTICLE = ("# {title}\n\nThe envoy arrived in London.<sup>1</sup> He left in May.<sup>2</sup> "
           "Nobody noticed him.<sup>3</sup>\n\n1. PRO F.O. 371/{file}/1.\n\n2. Ibid.\n\n"
           "3. Smith, *A Book* (London, 1930), p. 4.\n\n4. A note whose marker is gone.\n")


def _store(engine, tmp_path):
    """Two articles; in the second, an annotator's claim rests on a note of the first (the toolkit never links
    across documents, a store may all the same), another is disputed by an Ibid. note."""
    for name, file in (("first", 3300), ("second", 3301)):
        (tmp_path / f"{name}.md").write_text(ARTICLE.format(title=name.title(), file=file), "utf-8")
    assert ingest_paths(engine, [tmp_path / "first.md", tmp_path / "second.md"]).ok
    with Session(engine) as session:
        first, second = find_version(session, "first"), find_version(session, "second")
        notes = {(f.version_id, f.label): f.id for f in session.exec(select(Footnote))}
        for claim_id, start in (("across", 0), ("disputed", 30)):
            session.add(Claim(id=claim_id, version_id=second.id, start=start, end=start + 20, source_start=start,
                              source_end=start + 20, text=second.text[start:start + 20], origin="annotator",
                              annotator="ada"))
        session.flush()
        session.add(EvidenceLink(claim_id="across", footnote_id=notes[(first.id, "4")], link="explicit"))
        session.add(EvidenceLink(claim_id="across", footnote_id=notes[(first.id, "1")], link="explicit"))
        session.add(EvidenceLink(claim_id="disputed", footnote_id=notes[(second.id, "2")], stance="disputes",
                                 link="explicit"))
        session.commit()


def _audit(engine, **filters):
    with Session(engine) as session:
        return audit_store(session, Filters(**filters))


def test_one_slice_or_a_slice_a_document_the_same_audit(engine, tmp_path, monkeypatch):
    _store(engine, tmp_path)
    for filters in ({"include_suggested": True}, {}, {"annotator": "ada"}, {"documents": ["second"]}):
        whole = _audit(engine, **filters)
        monkeypatch.setattr(toolkit.audit.run, "SLICE_CLAIMS", 1)
        monkeypatch.setattr(toolkit.audit.run, "SLICE_VERSIONS", 1)
        sliced = _audit(engine, **filters)
        monkeypatch.undo()
        assert sliced.to_json() == whole.to_json(), filters

    report = _audit(engine, include_suggested=True)
    found = {(f.code, f.document, f.claim, f.note) for f in report.findings}
    # the first article's note 4 has no marker, and a claim of the second article rests on it: used
    assert ("A107", "first", None, "4") in found and ("A108", "first", None, "4") not in found
    assert ("A107", "second", None, "4") in found and ("A108", "second", None, "4") in found
    # the note disputing the claim is an Ibid.: both findings, for the same note
    assert {("A104", "second", "disputed", "2"), ("A103", "second", "disputed", "2")} <= found
    second = next(d for d in report.documents if d["document"] == "second")
    # the claim resting on the first article's note reaches its archive, counted in the second article
    assert any(a["archive"] == "PRO" and a["claims"] >= 1 for a in second["archives"])
    only_ada = _audit(engine, annotator="ada")
    assert only_ada.claims == 2 and only_ada.support == {"archival": 2, "published": 0, "none": 0}


def test_the_garbage_collector_is_left_as_it_was(engine, tmp_path):
    import gc

    _store(engine, tmp_path)
    before = gc.get_threshold()
    assert _audit(engine, include_suggested=True).claims == 8
    assert gc.isenabled() and gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_what_the_session_has_not_written_yet_is_audited(engine, tmp_path):
    _store(engine, tmp_path)
    with Session(engine) as session:
        second = find_version(session, "second")
        session.add(Claim(id="pending", version_id=second.id, start=0, end=10, source_start=0, source_end=10,
                          text=second.text[:10], origin="annotator", annotator="ada"))
        report = audit_store(session, Filters())
    assert report.claims == 3
    assert [f.claim for f in report.findings if f.code == "A101"] == ["pending"]  # no evidence at all
