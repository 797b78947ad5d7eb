"""Pull's checks on spans, without a server: what doccano hands back is validated before it is stored."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import Session

from toolkit.doccano.load import load_payloads
from toolkit.doccano.pull import PullContext, PulledExample, PullPlan, PullReport, plan_example, pulled_claim_id
from toolkit.ingest import ingest_paths
from toolkit.views import find_version

TEXT = "# Emoji 🙂\n\nThe 𝔄 claim is made here.<sup>1</sup> Another one.<sup>2</sup>\n\n1. PRO F.O. 371/1/2.\n\n2. Ibid.\n"


@pytest.fixture
def payload(engine, tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(TEXT, "utf-8")
    assert ingest_paths(engine, [path]).ok
    with Session(engine) as session:
        return load_payloads(session, [find_version(session, "doc")], suggest=True)[0]


def span(id, start16, end16, label, user="ada"):
    return {"id": id, "start_offset": start16, "end_offset": end16, "label": label, "user": user,
            "created_at": "2026-11-01T10:00:00Z", "updated_at": "2026-11-02T10:00:00Z"}


def pre_annotations(payload):
    """What the import made: every pre-annotation, by the admin, with the lowest ids."""
    u = payload.layout.utf16
    return [span(k, u.to_utf16(p.start), u.to_utf16(p.end), p.label, user="admin")
            for k, p in enumerate(payload.spans, start=1)]


def plan_for(payload, spans, relations=()):
    plan, report = PullPlan(), PullReport("http://x", "p")
    plan_example(plan, report, PullContext("http://x", 7),
                 PulledExample(42, "ex", payload, list(spans), list(relations), suggestions_sent=True))
    return plan, report


def test_spans_that_fail_a_check_are_reported(payload):
    u = payload.layout.utf16
    text = payload.layout.text
    a = text.index("claim is made")
    emoji16 = u.to_utf16(text.index("𝔄"))
    plan, report = plan_for(payload, [
        span(1, u.to_utf16(a), u.to_utf16(a) - 3, "CLAIM"),  # inverted
        span(2, u.length16 - 2, u.length16 + 5, "CLAIM"),  # past the end
        span(3, emoji16 + 1, emoji16 + 6, "CLAIM"),  # starts inside 𝔄's surrogate pair
        span(4, u.to_utf16(payload.layout.body_end - 3), u.to_utf16(payload.layout.body_end + 8), "CLAIM"),
        span(5, u.to_utf16(payload.layout.notes[0].start), u.to_utf16(payload.layout.notes[0].end), "CLAIM"),
    ])
    assert plan.upsert_claims == {}
    problems = "\n".join(report.problems)
    assert "span 1 " in problems and "span 2 " in problems and "outside the text" in problems
    assert "span 3 " in problems and "splits a character" in problems
    assert "span 4 " in problems and "runs across the end of the body" in problems
    assert "span 5 " in problems and "lies in the Notes section" in problems


def test_a_claim_its_evidence_and_its_time(payload):
    u = payload.layout.utf16
    text = payload.layout.text
    a = text.index("The 𝔄 claim")
    b = text.index("here.¹") + len("here.¹")
    note = payload.layout.notes[0]
    plan, report = plan_for(payload, pre_annotations(payload) + [
        span(100, u.to_utf16(a), u.to_utf16(b), "CLAIM"),  # the same words as a suggestion, but ada's
        span(101, u.to_utf16(note.start), u.to_utf16(note.end), "EVIDENCE"),
        span(102, u.to_utf16(text.index("Another")), u.to_utf16(text.index("one.²") + 5), "CLAIM", user="bea"),
    ], [{"id": 1, "from_id": 101, "to_id": 100, "type": "DISPUTED_BY", "user": "ada"}])  # drawn backwards
    assert report.problems == []
    first = plan.upsert_claims[pulled_claim_id("http://x", 7, 100)]
    assert first["text"] == "The 𝔄 claim is made here.¹" and first["annotator"] == "ada"
    assert first["created_at"] == datetime(2026, 11, 1, 10, tzinfo=timezone.utc)
    assert [(r["stance"], r["link"]) for r in plan.links[first["id"]]] == [("disputes", "explicit")]
    second = pulled_claim_id("http://x", 7, 102)
    assert [(r["footnote_id"].rsplit("-", 1)[1], r["link"]) for r in plan.links[second]] == [("2", "implicit")]
    assert plan.annotators == {"ada", "bea"}
    # the admin's suggestions are recognized as such, not as anybody's claims
    assert {u["doccano_span_id"] for u in plan.suggested_updates} == {
        k for k, p in enumerate(payload.spans, start=1) if p.label == "CLAIM"}
