"""Teams against the in-memory doccano: balanced deterministic assignment, one project per
annotator, each annotator's own claims, kept suggestions, links with who and when, done states."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from tests.fakes import FakeDoccano, FakeDoccanoState
from toolkit.doccano.utf16 import Utf16Offsets
from toolkit.errors import ConfigError
from toolkit.ingest import ingest_paths
from toolkit.models import Assignment, Claim, DoccanoExample, DocumentVersion, EvidenceLink
from toolkit.team.assign import annotator_project, assignments, plan_assignment, pull_team, push_team

IDS = [f"{k:016x}" for k in range(20)]


def test_overlap_2_over_20_documents_and_3_annotators_is_balanced_and_deterministic():
    plan = plan_assignment(IDS, ["carol", "alice", "bob"], 2)
    per_doc = Counter(v for _, v in plan)
    assert set(per_doc) == set(IDS) and set(per_doc.values()) == {2}  # each document to exactly 2
    assert all(a != b for (a, v), (b, w) in zip(plan, plan[1:]) if v == w)  # two different people
    loads = Counter(a for a, _ in plan)
    assert sorted(loads.values()) == [13, 13, 14]  # 40 slots over 3: differ by at most 1
    assert plan_assignment(list(reversed(IDS)), ["bob", "alice", "carol"], 2) == plan  # same result twice


def test_later_annotators_and_documents_get_only_what_is_new():
    first = plan_assignment(IDS, ["alice", "bob", "carol"], 2)
    assert plan_assignment(IDS, ["alice", "bob", "carol", "dave"], 2, first) == []  # nothing moves
    more = [f"{k:016x}" for k in range(20, 26)]
    new = plan_assignment(IDS + more, ["alice", "bob", "carol", "dave"], 2, first)
    assert {v for _, v in new} == set(more) and Counter(v for _, v in new) == Counter({v: 2 for v in more})
    # dave (load 0) takes one of each new document; the other goes to the least loaded.
    assert Counter(a for a, _ in new)["dave"] == 6
    assert plan_assignment(IDS + more, ["alice", "bob", "carol", "dave"], 2, first + new) == []


def test_overlap_larger_than_the_team_is_one_line():
    with pytest.raises(ConfigError, match="--overlap 3 needs at least 3 annotators"):
        plan_assignment(IDS, ["alice", "bob"], 3)


TEXT = "# Doc {k}\n\nThe first claim of doc {k} is here.<sup>1</sup> A plain sentence.\n\n1. PRO F.O. 371/{k}.\n"


@pytest.fixture
def team(engine, tmp_path):
    """Three documents pushed with suggestions to alice, bob and carol, overlap 2."""
    for k in range(3):
        (tmp_path / f"doc{k}.md").write_text(TEXT.format(k=k), "utf-8")
    assert ingest_paths(engine, [tmp_path / f"doc{k}.md" for k in range(3)]).ok
    state = FakeDoccanoState()
    admin = FakeDoccano(state)
    for name in ("alice", "bob", "carol"):
        admin.create_user(name, "password-123")
    report = push_team(engine, admin, annotators=["alice", "bob", "carol"], overlap=2, project="p",
                       suggest=True, scratch=tmp_path / "scratch")
    return engine, state, report


def at(example, words: str) -> tuple[int, int]:
    u = Utf16Offsets(example["text"])
    start = example["text"].index(words)
    return u.to_utf16(start), u.to_utf16(start + len(words))


def test_a_missing_account_is_one_line_with_the_fix(engine, tmp_path):
    (tmp_path / "doc.md").write_text(TEXT.format(k=1), "utf-8")
    ingest_paths(engine, [tmp_path / "doc.md"])
    with pytest.raises(ConfigError, match=r"no account for zoe at .*toolkit annotators add zoe"):
        push_team(engine, FakeDoccano(), annotators=["zoe"], overlap=1, project="p")


def test_each_annotator_gets_a_project_of_their_own(team):
    engine, state, report = team
    assert sorted(report.pushes) == ["alice", "bob", "carol"] and len(report.new_assignments) == 6
    for name in ("alice", "bob", "carol"):
        pid = state.project_id(annotator_project("p", name))
        docs = {e["meta"]["document"] for e in state.examples.values() if e["project"] == pid}
        with Session(engine) as s:
            assigned = s.exec(select(Assignment).where(Assignment.annotator == name)).all()
        assert len(docs) == len(assigned) == 2
        members = {state.users[m["user"]]["username"] for m in state.members if m["project"] == pid}
        assert members == {"admin", name}
        labels = {lab["text"] for lab in state.labels.values() if lab["project"] == pid}
        assert "SUGGESTED_CLAIM" in labels
        spans = [s for s in state.spans.values() if state.examples[s["example"]]["project"] == pid]
        suggested = [s for s in spans if state.labels[s["label"]]["text"] == "SUGGESTED_CLAIM"]
        assert len(suggested) == 2
        # Pre-linked to the marker inside the claim only, never to the note at the end.
        for rel in state.relations.values():
            if state.examples[rel["example"]]["project"] == pid:
                target = state.spans[rel["to_id"]]
                text = state.examples[rel["example"]]["text"]
                assert text[target["start_offset"]:target["end_offset"]] == "¹"
    # Pushing again assigns and sends nothing new.
    again = push_team(engine, FakeDoccano(state), annotators=["alice", "bob", "carol"], overlap=2, project="p",
                      suggest=True)
    assert again.new_assignments == [] and all(p.imported == 0 for p in again.pushes.values())
    assert len(assignments(engine, "p")) == 6


def test_pull_per_annotator(team, tmp_path):
    engine, state, _ = team
    projects = {n: state.project_id(annotator_project("p", n)) for n in ("alice", "bob", "carol")}
    a_ex = next(e for e in state.examples.values() if e["project"] == projects["alice"])
    b_ex = next(e for e in state.examples.values() if e["project"] == projects["bob"])
    c_ex = next(e for e in state.examples.values() if e["project"] == projects["carol"])
    # alice accepts the suggestion by relabelling it, and draws a claim of her own linked to the note.
    sugg = next(s for s in state.spans_of(a_ex["id"]) if state.labels[s["label"]]["text"] == "SUGGESTED_CLAIM")
    state.relabel_span(sugg["id"], "CLAIM")
    own = state.add_span(a_ex["id"], *at(a_ex, "A plain sentence."), "CLAIM", "alice")
    note = next(s for s in state.spans_of(a_ex["id"]) if a_ex["text"][s["start_offset"]:].startswith("PRO"))
    state.add_relation(a_ex["id"], own, note["id"], "SUPPORTED_BY", "alice")
    # bob leaves the suggestion in place and marks the example done; carol does nothing yet.
    state.confirm(b_ex["id"], "bob")
    report = pull_team(engine, FakeDoccano(state), project="p", annotations_dir=tmp_path / "ann")
    assert report.problems == [] and report.missing == []
    with Session(engine) as s:
        claims = s.exec(select(Claim).where(Claim.origin == "annotator")).all()
        by = {(c.annotator, c.text, c.accepted_suggestion) for c in claims}
        assert by == {("alice", f"The first claim of doc {a_ex['meta']['document'][-1]} is here.¹", True),
                      ("alice", "A plain sentence.", False),
                      ("bob", f"The first claim of doc {b_ex['meta']['document'][-1]} is here.¹", True)}
        links = s.exec(select(EvidenceLink).join(Claim).where(Claim.origin == "annotator")).all()
        assert {(link.annotator, link.link) for link in links} == {("alice", "implicit"), ("alice", "explicit"),
                                                                  ("bob", "implicit")}
        assert all(link.created_at is not None for link in links)
        done = {e.remote_id for e in s.exec(select(DoccanoExample).where(DoccanoExample.done))}
        assert done == {b_ex["id"]}
        assert all(c.status == "active" for c in s.exec(select(Claim).where(Claim.origin == "suggested")))
    # carol marks hers done later: the next pull sees it though no span changed.
    state.confirm(c_ex["id"], "carol")
    pull_team(engine, FakeDoccano(state), project="p", annotations_dir=tmp_path / "ann")
    with Session(engine) as s:
        assert s.exec(select(Claim).where(Claim.annotator == "carol")).one().accepted_suggestion


def test_no_annotator_sees_another_annotators_labels(team):
    _, state, _ = team
    pid = state.project_id(annotator_project("p", "alice"))
    example = next(e for e in state.examples.values() if e["project"] == pid)
    state.add_span(example["id"], 0, 3, "CLAIM", "alice")
    bob = FakeDoccano(state, username="bob")
    with pytest.raises(Exception, match="403"):
        bob.list_spans(pid, example["id"])


def test_agreement_of_a_team_against_hand_computed_figures(engine, tmp_path):
    """Two documents, alice and bob on both (overlap 2), with planned disagreements."""
    from toolkit.team.report import agreement_report, render_html

    texts = {"d0": "# D0\n\nAlpha is true.<sup>1</sup> Beta is false. Gamma holds.\n\n1. PRO F.O. 371/1.\n",
             "d1": "# D1\n\nDelta is here. Epsilon there.<sup>1</sup>\n\n1. PRO F.O. 371/2.\n"}
    for name, text in texts.items():
        (tmp_path / f"{name}.md").write_text(text, "utf-8")
    ingest_paths(engine, [tmp_path / "d0.md", tmp_path / "d1.md"])
    state = FakeDoccanoState()
    admin = FakeDoccano(state)
    for name in ("alice", "bob"):
        admin.create_user(name, "password-123")
    push_team(engine, admin, annotators=["alice", "bob"], overlap=2, project="p", suggest=True,
              scratch=tmp_path / "s")

    def ex(who, doc):
        return state.example_of(state.project_id(annotator_project("p", who)), doc)

    # d0: both mark "Alpha is true.¹" exactly (marker included); alice "Beta is false.", bob "Beta is" (IoU 7/14 = .5: a
    # relaxed match, not exact); bob also "Gamma holds." alone. Nobody keeps the suggestion (not done).
    for who in ("alice", "bob"):
        state.add_span(ex(who, "d0")["id"], *at(ex(who, "d0"), "Alpha is true.¹"), "CLAIM", who)
    state.add_span(ex("alice", "d0")["id"], *at(ex("alice", "d0"), "Beta is false."), "CLAIM", "alice")
    state.add_span(ex("bob", "d0")["id"], *at(ex("bob", "d0"), "Beta is"), "CLAIM", "bob")
    state.add_span(ex("bob", "d0")["id"], *at(ex("bob", "d0"), "Gamma holds."), "CLAIM", "bob")
    # d1: alice marks nothing and marks it done (keeping the suggestion "Epsilon there.¹");
    # bob marks "Delta is here." only.
    state.confirm(ex("alice", "d1")["id"], "alice")
    state.add_span(ex("bob", "d1")["id"], *at(ex("bob", "d1"), "Delta is here."), "CLAIM", "bob")
    assert pull_team(engine, FakeDoccano(state), project="p", annotations_dir=tmp_path / "a").problems == []
    report = agreement_report(engine, "p")
    # CLAIM spans over both documents: alice 3 (Alpha, Beta is false, Epsilon), bob 4 (Alpha, Beta is,
    # Gamma, Delta). Exact: Alpha only, F1 = 2*1/7. Relaxed: Alpha + Beta, F1 = 2*2/7.
    assert report["labels"]["CLAIM"] == {"exact_f1": round(2 / 7, 4), "relaxed_f1": round(4 / 7, 4)}
    # Links: implicit marker links of claims holding the marker: alice's Alpha (fn1 of d0) and her
    # kept suggestion (its pre-link to the marker, fn1 of d1); bob's Alpha (fn1 of d0).
    # Matched: Alpha -> fn1 of d0: F1 = 2*1/(2+1) = 2/3.
    assert report["labels"]["relations"]["f1"] == round(2 / 3, 4)
    # Sentence coding. d0 sentences: Alpha | Beta | Gamma: alice 1 1 0, bob 1 1 1.
    # d1 sentences: Delta | Epsilon: alice 0 1, bob 1 0. Pooled: a = 1 1 0 0 1, b = 1 1 1 1 0.
    # Kappa: p_o = 2/5; a has three 1s, b four: p_e = (3*4 + 2*1)/25 = 14/25; kappa = (10-14)/(25-14) = -4/11.
    (pair,) = report["pairs"]
    assert pair["kappa"] == round(-4 / 11, 4) and pair["sentences"] == 5
    # Alpha over the same 5 units (2 coders, no missing): values 1 x7, 0 x3, n = 10; disagreeing
    # units 3: o01 = 3; alpha = 1 - 9 * 3 / (7 * 3) = 1 - 27/21 = -2/7.
    assert report["alpha"] == round(-2 / 7, 4)
    # Acceptance: each was shown one suggestion per document (2). "Alpha is true.¹" is exactly the
    # suggestion of d0: a CLAIM drawn where a suggestion is counts as keeping it (both did);
    # alice also kept d1's by marking it done: alice 2 of 2, bob 1 of 2.
    assert report["acceptance"] == {"alice": {"shown": 2, "accepted": 2, "rate": 1.0},
                                    "bob": {"shown": 2, "accepted": 1, "rate": 0.5}}
    page = render_html(report)
    assert "<table class=heat>" in page and "0.571" in page


def test_review_makes_the_planned_gold(engine, tmp_path):
    """d1: alice and bob agree (consensus gold); d0: they differ on one claim, the adjudicator
    keeps bob's version; the export then carries the gold and says which documents are adjudicated."""
    from toolkit.export import Filters, build_dataset
    from toolkit.team.review import review, review_project

    texts = {"d0": "# D0\n\nAlpha is true.<sup>1</sup> Beta is false. Gamma holds.\n\n1. PRO F.O. 371/1.\n",
             "d1": "# D1\n\nDelta is here. Epsilon there.<sup>1</sup>\n\n1. PRO F.O. 371/2.\n"}
    for name, text in texts.items():
        (tmp_path / f"{name}.md").write_text(text, "utf-8")
    ingest_paths(engine, [tmp_path / "d0.md", tmp_path / "d1.md"])
    state = FakeDoccanoState()
    admin = FakeDoccano(state)
    for name in ("alice", "bob", "judy"):
        admin.create_user(name, "password-123")
    push_team(engine, admin, annotators=["alice", "bob"], overlap=2, project="p", suggest=True,
              scratch=tmp_path / "s")

    def ex(who, doc):
        return state.example_of(state.project_id(annotator_project("p", who)), doc)

    for who in ("alice", "bob"):
        d0 = ex(who, "d0")
        (sugg,) = [s for s in state.spans_of(d0["id"]) if state.labels[s["label"]]["text"] == "SUGGESTED_CLAIM"]
        state.relabel_span(sugg["id"], "CLAIM")  # "Alpha is true.¹", pre-linked to its marker
        state.add_span(d0["id"], *at(d0, "Beta is false." if who == "alice" else "Beta is"), "CLAIM", who)
        state.add_span(ex(who, "d1")["id"], *at(ex(who, "d1"), "Delta is here."), "CLAIM", who)
        state.confirm(d0["id"], who)
        state.confirm(ex(who, "d1")["id"], who)  # keeps the suggestion "Epsilon there.¹"
    pull_team(engine, FakeDoccano(state), project="p", annotations_dir=tmp_path / "a")

    first = review(engine, FakeDoccano(state), project="p", adjudicator="judy", scratch=tmp_path / "s")
    assert (first.consensus, first.sent, first.adjudicated) == (["d1"], ["d0"], [])
    pid = state.project_id(review_project("p"))
    (example,) = [e for e in state.examples.values() if e["project"] == pid]
    shown = {(example["text"][s["start_offset"]:s["end_offset"]], state.labels[s["label"]]["text"])
             for s in state.spans_of(example["id"]) if state.labels[s["label"]]["text"] != "EVIDENCE"}
    assert shown == {("Alpha is true.¹", "CLAIM"), ("Beta is false.", "CLAIM@alice"), ("Beta is", "CLAIM@bob")}
    assert any(m["project"] == pid and state.users[m["user"]]["username"] == "judy" for m in state.members)
    # judy keeps bob's version and marks the example done.
    (bobs,) = [s for s in state.spans_of(example["id"]) if state.labels[s["label"]]["text"] == "CLAIM@bob"]
    state.relabel_span(bobs["id"], "CLAIM")
    again = review(engine, FakeDoccano(state), project="p", adjudicator="judy", scratch=tmp_path / "s")
    assert again.waiting == ["d0"] and again.adjudicated == []  # not done yet
    state.confirm(example["id"], "judy")
    third = review(engine, FakeDoccano(state), project="p", adjudicator="judy", scratch=tmp_path / "s")
    assert third.adjudicated == ["d0"] and third.sent == [] and third.problems == []

    with Session(engine) as s:
        gold = s.exec(select(Claim).where(Claim.origin == "adjudicated").order_by(Claim.version_id, Claim.start)).all()
        got = {(c.text, c.rule, c.annotator, tuple(c.adjudicated_from)) for c in gold}
        assert got == {("Alpha is true.¹", "adjudicator", "judy", ("alice", "bob")),
                       ("Beta is", "adjudicator", "judy", ("bob",)),
                       ("Delta is here.", "consensus", None, ("alice", "bob")),
                       ("Epsilon there.¹", "consensus", None, ("alice", "bob"))}
        linked = {c.text for c in gold for _ in s.exec(select(EvidenceLink).where(EvidenceLink.claim_id == c.id))}
        assert linked == {"Alpha is true.¹", "Epsilon there.¹"}
        dataset = build_dataset(s, Filters())
    assert {d["document"]: d.get("adjudicated", False) for d in dataset["documents"]} == {"d0": True, "d1": True}
    assert sorted(c["quote"] for c in dataset["claims"]) == ["Alpha is true.¹", "Beta is", "Delta is here.",
                                                            "Epsilon there.¹"]
    assert all(c["origin"] == "adjudicated" for c in dataset["claims"])
    from toolkit.export import validate_export

    assert validate_export(dataset, "json") == []


def test_a_new_version_goes_to_the_annotators_of_the_earlier_one(team, tmp_path):
    engine, state, _ = team
    with Session(engine) as s:
        before = {a for a, v in assignments(engine, "p") if v in {
            x.id for x in s.exec(select(DocumentVersion).where(DocumentVersion.document_id == "doc0"))}}
    (tmp_path / "doc0.md").write_text(TEXT.format(k=0) + "\nAn added paragraph.\n", "utf-8")
    assert ingest_paths(engine, [tmp_path / "doc0.md"]).ok
    again = push_team(engine, FakeDoccano(state), annotators=["alice", "bob", "carol"], overlap=2, project="p",
                      suggest=True, scratch=tmp_path / "scratch")
    assert len(again.new_assignments) == 2 and {a for a, _ in again.new_assignments} == before
