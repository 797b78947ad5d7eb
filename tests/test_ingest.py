"""Ingest into a real store: idempotence, versions, bad input, transactions."""

from __future__ import annotations

import os
import shutil

import pytest
from sqlmodel import Session, func, select

from toolkit.ingest import ADDED, FAILED, NEW_VERSION, UNCHANGED, ingest_paths
from toolkit.models import (
    ArchivalReference, Citation, Claim, Document, DocumentVersion, EvidenceLink, Footnote,
)
from toolkit.views import document_view, find_version

TABLES = (Document, DocumentVersion, Footnote, Citation, ArchivalReference, Claim, EvidenceLink)


def counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {t.__name__: s.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def test_seeds_go_in_once(engine, seeds):
    report = ingest_paths(engine, [seeds])
    assert report.ok and [r.status for r in report.results] == [ADDED] * 3
    first = counts(engine)
    assert first["Document"] == 3 and first["Footnote"] == 67
    again = ingest_paths(engine, [seeds / "debo-litvinov-kamenev.txt", seeds])
    assert [r.status for r in again.results] == [UNCHANGED] * 3  # the file named twice counts once
    assert counts(engine) == first


def test_inspect_shape_for_debo_and_the_telegram(engine, seeds):
    ingest_paths(engine, [seeds])
    with Session(engine) as s:
        debo = document_view(s, find_version(s, "debo-litvinov-kamenev"))
        tel = document_view(s, find_version(s, "frus-1918-russia-861.00-763"))
        abstract = document_view(s, find_version(s, "karakhan-abstract"))
    source = (seeds / "debo-litvinov-kamenev.txt").read_text("utf-8")
    assert debo["kind"] == "article" and debo["title"].startswith("Litvinov and Kamenev")
    assert len(debo["source"]["sha256"]) == 64 and debo["version_id"] == debo["source"]["sha256"][:16]
    n35 = debo["footnotes"][34]
    assert (n35["number"], n35["marker"]["printed"], n35["flags"]) == (35, "85", ["marker-repaired"])
    for f in debo["footnotes"]:
        m = f["marker"]
        assert source[m["source_start"]:m["source_end"]] == f"<sup>{m['printed']}</sup>"
        assert set(f) >= {"number", "marker", "text", "flags", "citations", "references"}
    assert debo["footnotes"][6]["citations"][0]["resolves_to"] == 6
    assert debo["footnotes"][6]["references"] == [
        {"archive": "PRO", "series": "FO 371", "volume": "3298", "item": "2689", "raw": "PRO F.O. 371/3298/2689",
         "kind": "archival", "repository": "The National Archives (Kew)"}]
    assert tel["file_numbers"] == ["861.00/763"]
    assert [(r["archive"], r["series"], r["item"]) for r in tel["references"]] == [("NARA", "RG 59", "861.00/763")]
    assert [p["label"] for p in tel["pages"]] == ["282", "283"]
    assert tel["text"][tel["pages"][1]["start"]:].startswith("upon explanations")
    assert abstract["footnotes"] == [] and abstract["kind"] == "abstract"


def test_a_changed_file_becomes_a_new_version(engine, seeds, tmp_path):
    path = tmp_path / "article.txt"
    shutil.copy(seeds / "debo-litvinov-kamenev.txt", path)
    assert ingest_paths(engine, [path]).results[0].status == ADDED
    path.write_text(path.read_text("utf-8").replace("In November 1917", "In late November 1917"), "utf-8")
    result = ingest_paths(engine, [path]).results[0]
    assert (result.status, result.version) == (NEW_VERSION, 2)
    with Session(engine) as s:
        versions = s.exec(select(DocumentVersion).order_by(DocumentVersion.version)).all()
        assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
        assert find_version(s, "article").version == 2
        assert find_version(s, "article", 1).text.startswith("RICHARD KENT DEBO\n\nLitvinov")
        assert s.exec(select(func.count()).select_from(Footnote)).one() == 134  # the old one kept


def test_bad_inputs_fail_alone_and_leave_nothing(engine, seeds, tmp_path):
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "blank.md").write_text("  \n\n ", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("Line one\nCaf\xe9 au lait\n".encode("latin-1"))
    shutil.copy(seeds / "karakhan-abstract.txt", tmp_path / "good.txt")
    report = ingest_paths(engine, [tmp_path, tmp_path / "missing.txt"])
    by_name = {os.path.basename(r.path): r for r in report.results}
    assert not report.ok
    assert by_name["good.txt"].status == ADDED
    assert "is empty" in by_name["empty.txt"].error and "empty.txt" in by_name["empty.txt"].error
    assert "is empty" in by_name["blank.md"].error
    assert "binary" in by_name["binary.txt"].error
    assert "not valid UTF-8 (byte 0xe9 at line 2, column 4" in by_name["latin1.txt"].error
    assert "iconv" in by_name["latin1.txt"].error
    assert "no such file" in by_name["missing.txt"].error
    assert counts(engine)["Document"] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(engine, tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("Some text.", "utf-8")
    path.chmod(0)
    result = ingest_paths(engine, [path]).results[0]
    assert result.status == FAILED and "permission denied" in result.error


def test_a_document_whose_notes_make_no_sense_is_stored_flagged(engine, tmp_path):
    path = tmp_path / "muddled.txt"
    path.write_text("Claim.<sup>1</sup> Claim.<sup>2</sup> Claim.<sup>3</sup> Claim.<sup>4</sup>\n\n"
                    "7. A note.\n\n8. Another.\n\n9. And another.\n", "utf-8")
    report = ingest_paths(engine, [path])
    result = report.results[0]
    assert result.status == ADDED and result.flags == {"marker-without-note": 4}
    assert result.problems == ["4 of 4 footnote markers have no note (first: marker 1)"]
    assert report.ok and not report.clean  # stored, but the run says not everything was understood
    with Session(engine) as s:
        assert find_version(s, "muddled").problems == result.problems


def test_a_failure_while_writing_leaves_nothing(engine, seeds, monkeypatch):
    import toolkit.writer as writer_module

    real = writer_module.insert_rows

    def explode(session, *args, **kwargs):
        real(session, *args, **kwargs)  # everything is written, then the disk "fails"
        raise OSError("disk full")

    monkeypatch.setattr(writer_module, "insert_rows", explode)
    with pytest.raises(OSError):
        ingest_paths(engine, [seeds / "debo-litvinov-kamenev.txt"])
    assert set(counts(engine).values()) == {0}


def test_suggested_claims_are_stored_with_their_evidence(engine, seeds):
    ingest_paths(engine, [seeds])
    with Session(engine) as s:
        dv = find_version(s, "debo-litvinov-kamenev")
        claims = s.exec(select(Claim).where(Claim.version_id == dv.id)).all()
        links = s.exec(select(EvidenceLink).join(Claim).where(Claim.version_id == dv.id)).all()
        source = (seeds / "debo-litvinov-kamenev.txt").read_text("utf-8")
        assert len(links) == 67 and all(l.link == "implicit" and l.stance == "supports" for l in links)
        for c in claims:
            assert c.origin == "suggested" and dv.text[c.start:c.end] == c.text
            # the source slice holds the same words (markers appear there as <sup>N</sup>)
            plain = source[c.source_start:c.source_end]
            assert plain.split()[0] == c.text.split()[0]


def test_files_with_the_same_name_get_distinct_document_names(engine, tmp_path):
    for folder, text in (("a", "One claim here."), ("b", "Another claim here."), ("c", "A third one.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "notes.txt").write_text(text, "utf-8")
    first = ingest_paths(engine, [tmp_path / "a", tmp_path / "b"])
    later = ingest_paths(engine, [tmp_path / "c"])
    assert [r.document for r in first.results + later.results] == ["notes", "notes-2", "notes-3"]
