"""Pull against the in-memory doccano (tests/fakes.py): claims, links, annotators, every
span check, retraction, one server under two spellings; in milliseconds."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.fakes import FakeDoccano, FakeDoccanoState, annotator
from toolkit.doccano.pull import pull_annotations, pulled_claim_id
from toolkit.doccano.push import push_documents
from toolkit.doccano.utf16 import Utf16Offsets
from toolkit.errors import ProjectNotFoundError
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, DoccanoProject, EvidenceLink

TEXT = ("# Emoji 🙂\n\nThe 𝔄 claim is made here.<sup>1</sup> Another one.<sup>2</sup>\n\n"
        "1. PRO F.O. 371/1/2.\n\n2. Ibid.\n")


@pytest.fixture
def pushed(engine, tmp_path):
    """A store with one document pushed (with its suggested claims) to a fake server, and an annotator."""
    (tmp_path / "doc.md").write_text(TEXT, "utf-8")
    assert ingest_paths(engine, [tmp_path / "doc.md"]).ok
    state = FakeDoccanoState()
    push_documents(engine, FakeDoccano(state), project="p", suggest=True, scratch=tmp_path / "scratch")
    annotator(state, "ada")
    example = state.example_of(state.project_id("p"), "doc")
    return engine, state, example


def pull(engine, state, tmp_path, url="http://127.0.0.1:8765"):
    return pull_annotations(engine, FakeDoccano(state, url), project="p", annotations_dir=tmp_path / "ann")


def at(example, words: str, occurrence: int = 0) -> tuple[int, int]:
    """UTF-16 offsets of `words` in the example, as the web UI counts them."""
    start = -1
    for _ in range(occurrence + 1):
        start = example["text"].index(words, start + 1)
    u = Utf16Offsets(example["text"])
    return u.to_utf16(start), u.to_utf16(start + len(words))


def annotator_claims(engine) -> list[Claim]:
    with Session(engine) as s:
        return list(s.exec(select(Claim).where(Claim.origin == "annotator").order_by(Claim.start)))


def test_an_untouched_example_needs_no_fetch(pushed, tmp_path):
    engine, state, _ = pushed
    report = pull(engine, state, tmp_path)
    assert report.untouched == 1 and report.fetched == 0 and report.problems == []
    assert "list_spans" not in state.calls
    assert annotator_claims(engine) == []


def test_a_claim_its_evidence_its_annotator_and_time(pushed, tmp_path):
    engine, state, example = pushed
    claim = state.add_span(example["id"], *at(example, "Another one."), "CLAIM", "ada")
    note = state.add_span(example["id"], *at(example, "Ibid."), "EVIDENCE", "ada")
    state.add_relation(example["id"], claim, note, "DISPUTED_BY", "ada")
    report = pull(engine, state, tmp_path)
    assert report.problems == [] and report.fetched == 1 and report.annotators == ["ada"]
    assert report.claims_added == 1 and report.raw_file is not None
    (stored,) = annotator_claims(engine)
    assert stored.id == pulled_claim_id("http://127.0.0.1:8765", state.project_id("p"), claim)
    assert stored.text == "Another one." and stored.annotator == "ada" and stored.status == "active"
    assert stored.created_at.isoformat().startswith("2026-11-01")
    with Session(engine) as s:
        links = s.exec(select(EvidenceLink).where(EvidenceLink.claim_id == stored.id)).all()
    assert [(link.stance, link.link, link.footnote_id.rsplit("-", 1)[1]) for link in links] == [
        ("disputes", "explicit", "2")]
    again = pull(engine, state, tmp_path)
    assert again.unchanged == 1 and again.claims_added == again.claims_updated == 0


def test_a_deleted_claim_is_retracted(pushed, tmp_path):
    engine, state, example = pushed
    claim = state.add_span(example["id"], *at(example, "Another one."), "CLAIM", "ada")
    pull(engine, state, tmp_path)
    state.delete_span(claim)
    report = pull(engine, state, tmp_path)
    assert report.claims_retracted == 1
    assert [c.status for c in annotator_claims(engine)] == ["retracted"]


def test_one_server_under_two_spellings_gives_one_set_of_claims(pushed, tmp_path):
    engine, state, example = pushed
    state.add_span(example["id"], *at(example, "Another one."), "CLAIM", "ada")
    first = pull(engine, state, tmp_path, "http://localhost:8765")
    second = pull(engine, state, tmp_path, "http://127.0.0.1:8765/")
    third = pull(engine, state, tmp_path, "http://admin:pw@LOCALHOST:8765")
    assert first.claims_added == 1 and second.claims_added == third.claims_added == 0
    assert len(annotator_claims(engine)) == 1 and annotator_claims(engine)[0].status == "active"
    with Session(engine) as s:
        assert [p.url for p in s.exec(select(DoccanoProject))] == ["http://127.0.0.1:8765"]


def test_a_store_that_kept_the_url_as_typed_keeps_its_project(pushed, tmp_path):
    engine, state, example = pushed
    with Session(engine) as s:  # as an older store wrote it
        (project,) = s.exec(select(DoccanoProject)).all()
        project.url = "http://localhost:8765"
        s.add(project)
        s.commit()
    state.add_span(example["id"], *at(example, "Another one."), "CLAIM", "ada")
    pull(engine, state, tmp_path, "http://LOCALHOST:8765")
    with Session(engine) as s:
        assert [p.url for p in s.exec(select(DoccanoProject))] == ["http://127.0.0.1:8765"]


def test_every_span_that_fails_a_check_is_reported_and_not_stored(pushed, tmp_path):
    engine, state, example = pushed
    u = Utf16Offsets(example["text"])
    text = example["text"]
    body_end = text.index("\n\nNotes")
    emoji16 = u.to_utf16(text.index("𝔄"))
    claim_start, _ = at(example, "claim is made")
    bad = {
        "inverted": state.add_span(example["id"], claim_start, claim_start - 3, "CLAIM", "ada"),
        "past the end": state.add_span(example["id"], u.length16 - 2, u.length16 + 5, "CLAIM", "ada"),
        "surrogate": state.add_span(example["id"], emoji16 + 1, emoji16 + 6, "CLAIM", "ada"),
        "across": state.add_span(example["id"], u.to_utf16(body_end - 3), u.to_utf16(body_end + 8), "CLAIM", "ada"),
        "notes": state.add_span(example["id"], *at(example, "PRO F.O. 371/1/2."), "CLAIM", "ada"),
    }
    claim = state.add_span(example["id"], *at(example, "Another one."), "CLAIM", "ada")
    other = state.add_span(example["id"], *at(example, "The 𝔄 claim"), "CLAIM", "ada")
    plain = state.add_span(example["id"], *at(example, "Emoji"), "EVIDENCE", "ada")  # covers no footnote
    bad["claim to claim"] = state.add_relation(example["id"], claim, other, "SUPPORTED_BY", "ada")
    bad["no footnote"] = state.add_relation(example["id"], claim, plain, "SUPPORTED_BY", "ada")
    report = pull(engine, state, tmp_path)
    problems = {p.split(": ", 1)[1] for p in report.problems}
    expected = {
        f"CLAIM span {bad['inverted']} at {claim_start}-{claim_start - 3} lies outside the text or does not "
        "start before it ends; not stored",
        f"CLAIM span {bad['past the end']} at {u.length16 - 2}-{u.length16 + 5} lies outside the text or does "
        "not start before it ends; not stored",
    }
    assert expected <= problems
    joined = "\n".join(report.problems)
    assert f"span {bad['surrogate']} " in joined and "splits a character" in joined
    assert f"span {bad['across']} " in joined and "runs across the end of the body" in joined
    assert f"CLAIM span {bad['notes']} lies in the Notes section" in joined
    assert f"relation {bad['claim to claim']} (SUPPORTED_BY) does not join a CLAIM to an EVIDENCE span" in joined
    assert f"relation {bad['no footnote']} points at EVIDENCE span {plain}, which covers no footnote" in joined
    assert len(report.problems) == 7
    stored = {c.doccano_span_id for c in annotator_claims(engine)}
    assert stored == {claim, other}  # the good claims only; no bad span became a claim
    with Session(engine) as s:
        ids = [c.id for c in annotator_claims(engine)]
        links = s.exec(select(EvidenceLink).where(EvidenceLink.claim_id.in_(ids))).all()  # type: ignore[attr-defined]
    assert all(link.doccano_relation_id is None for link in links)  # only implicit links, from markers


def test_a_project_missing_on_the_server_is_its_own_error(pushed, tmp_path):
    engine, state, _ = pushed
    with pytest.raises(ProjectNotFoundError, match="there is no project 'nowhere' at http://127.0.0.1:8765.*"
                                                   "toolkit push --project nowhere"):
        pull_annotations(engine, FakeDoccano(state), project="nowhere", annotations_dir=tmp_path)
