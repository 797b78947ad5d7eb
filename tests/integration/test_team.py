"""Teams against a real doccano: 20 documents to alice, bob and carol with overlap 2, annotated
through the REST API as the web UI would, with planned disagreements; nobody sees anyone
else's labels; pulled per annotator; agreement equal to the figures computed by hand; the
export carries every annotator's claims and `--done-only` only the finished ones."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from .conftest import WebAnnotator
from toolkit.doccano.client import Connection, DoccanoGateway
from toolkit.export import Filters, build_dataset
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, DoccanoExample
from toolkit.store import make_engine
from toolkit.team.assign import annotator_project, assignments, pull_team, push_team
from toolkit.team.report import agreement_report

pytestmark = pytest.mark.doccano
TEAM = ("alice", "bob", "carol")
PASSWORD = "team-password-123"
DOC = "# Doc {k}\n\nClaim A of doc {k} stands.<sup>1</sup> Claim B of doc {k} is argued. A quiet sentence.\n\n" \
      "1. PRO F.O. 371/{k}.\n"


@pytest.fixture(scope="module", params=["embedded server", "team server"])
def doccano(request, doccano):  # noqa: F811  (the conftest's embedded server, or a team server)
    """The whole round trip twice: on the embedded server, and on a team server (doccano on
    PostgreSQL, its imports and exports run by a celery worker on Redis)."""
    if request.param == "team server":
        return request.getfixturevalue("team_doccano")
    return doccano


def gateway(doccano) -> DoccanoGateway:
    user, password = doccano.admin
    return DoccanoGateway(Connection(doccano.url, user, password))


@pytest.fixture(scope="module")
def team(doccano, tmp_path_factory):
    folder = tmp_path_factory.mktemp("team")
    for k in range(20):
        (folder / f"doc{k:02d}.md").write_text(DOC.format(k=k), "utf-8")
    engine = make_engine(f"sqlite:///{folder / 'store.sqlite'}")
    assert ingest_paths(engine, sorted(folder.glob("*.md"))).ok
    admin = gateway(doccano)
    for name in TEAM:
        admin.create_user(name, PASSWORD)
    report = push_team(engine, admin, annotators=list(TEAM), overlap=2, project="team", suggest=True)
    return engine, report


def test_each_document_to_two_annotators_balanced(team, doccano):
    engine, report = team
    pairs = assignments(engine, "team")
    assert set(Counter(v for _, v in pairs).values()) == {2} and len(pairs) == 40
    assert sorted(Counter(a for a, _ in pairs).values()) == [13, 13, 14]
    admin = WebAnnotator(doccano.url, *doccano.admin)
    for name in TEAM:
        pid = admin.project(annotator_project("team", name))
        assert len(admin.examples(pid)) == report.loads[name]
        keys = {t["text"]: t["suffix_key"] for t in admin._call("GET", f"projects/{pid}/span-types")}
        assert keys == {"CLAIM": "c", "EVIDENCE": "e", "SUGGESTED_CLAIM": None}
        keys = {t["text"]: t["suffix_key"] for t in admin._call("GET", f"projects/{pid}/relation-types")}
        assert keys == {"SUPPORTED_BY": "s", "DISPUTED_BY": "d"}


def annotate(doccano) -> None:
    """alice keeps each suggestion by relabelling it, and claims B linked to the note; bob marks
    each example done (keeping the suggestion) and claims part of B; carol deletes the
    suggestion, claims the quiet sentence and finishes nothing."""
    for name in TEAM:
        me = WebAnnotator(doccano.url, name, PASSWORD)
        pid = me.project(annotator_project("team", name))
        for example in me.examples(pid):
            k = example["meta"]["document"].removeprefix("doc").lstrip("0") or "0"
            spans = me.spans(pid, example["id"])
            suggestion = next(s for s in spans if s["label"] == me.label_id(pid, "span", "SUGGESTED_CLAIM"))
            note = next(s for s in spans if example["text"][s["start_offset"]:].startswith("PRO"))
            if name == "alice":
                me.relabel(pid, example["id"], suggestion["id"], "CLAIM")
                claim = me.mark(pid, example, f"Claim B of doc {k} is argued.", "CLAIM")
                me.link(pid, example["id"], claim, note["id"], "SUPPORTED_BY")
                me.confirm(pid, example["id"])
            elif name == "bob":
                me.mark(pid, example, f"Claim B of doc {k} is", "CLAIM")
                me.confirm(pid, example["id"])
            else:
                me.delete(pid, example["id"], suggestion["id"])
                me.mark(pid, example, "A quiet sentence.", "CLAIM")


def test_annotators_work_alone_and_agreement_is_as_computed_by_hand(team, doccano, tmp_path):
    engine, _ = team
    annotate(doccano)
    # Nobody saw anyone else's labels: bob cannot open alice's project, and in his own he sees
    # only the imported pre-annotations and his own spans.
    bob = WebAnnotator(doccano.url, "bob", PASSWORD)
    admin = WebAnnotator(doccano.url, *doccano.admin)
    alice_pid = admin.project(annotator_project("team", "alice"))
    alice_example = admin.examples(alice_pid)[0]
    assert bob.status(f"projects/{alice_pid}/examples/{alice_example['id']}/spans") == 403
    users = {u["username"]: u["id"] for u in admin._call("GET", "users")}
    bob_pid = bob.project(annotator_project("team", "bob"))
    for example in bob.examples(bob_pid):
        assert {s["user"] for s in bob.spans(bob_pid, example["id"])} <= {users["bob"], users[doccano.admin[0]]}

    report = pull_team(engine, gateway(doccano), project="team", annotations_dir=tmp_path)
    assert report.problems == [] and report.missing == [] and sorted(report.pulls) == list(TEAM)
    with Session(engine) as session:
        done = session.exec(select(DoccanoExample).where(DoccanoExample.done)).all()
        by = Counter((c.annotator, c.accepted_suggestion) for c in session.exec(
            select(Claim).where(Claim.origin == "annotator", Claim.status == "active")))
    loads = Counter(a for a, _ in assignments(engine, "team"))
    assert len(done) == loads["alice"] + loads["bob"]
    assert by == {("alice", True): loads["alice"], ("alice", False): loads["alice"],
                  ("bob", True): loads["bob"], ("bob", False): loads["bob"], ("carol", False): loads["carol"]}

    # By hand. Per document of the pair alice/bob (n_ab of them):
    #   alice: A (suggestion, exact), B; links A->fn1 (kept pre-link), B->fn1 (drawn)
    #   bob:   A (kept by done), B' = "Claim B of doc k is" (IoU with B = 19/27 or 20/28 >= .5); link A->fn1
    #   exact: 1 match of 2+2; relaxed: 2 of 2+2; relations: 1 match of 2+1.
    # Per document of alice/carol: 0 of 2+1 spans, 0 of 2+0 links; of bob/carol: 0 of 2+1, 0 of 1+0.
    pairs = assignments(engine, "team")
    holders: dict[str, set[str]] = {}
    for a, v in pairs:
        holders.setdefault(v, set()).add(a)
    n = Counter(tuple(sorted(h)) for h in holders.values())
    ab, ac, bc = n[("alice", "bob")], n[("alice", "carol")], n[("bob", "carol")]
    x = ac + bc
    got = agreement_report(engine, "team")
    assert got["labels"]["CLAIM"]["exact_f1"] == round(2 * ab / (4 * ab + 3 * x), 4)
    assert got["labels"]["CLAIM"]["relaxed_f1"] == round(4 * ab / (4 * ab + 3 * x), 4)
    assert got["labels"]["relations"]["f1"] == round(2 * ab / (3 * ab + 2 * ac + bc), 4)
    # Sentences (3 a document): alice 1 1 0, bob 1 1 0, carol 0 0 1.
    #   alice/bob: identical, p_e = (2/3)^2 + (1/3)^2 = 5/9 < 1: kappa 1.
    #   alice/carol, bob/carol: p_o = 0, p_e = 2 * (2/3)(1/3) = 4/9: kappa = -(4/9)/(5/9) = -0.8.
    kappas = {tuple(p["annotators"]): p["kappa"] for p in got["pairs"]}
    assert kappas == {("alice", "bob"): 1.0, ("alice", "carol"): -0.8, ("bob", "carol"): -0.8}
    # Alpha: an alice/bob document adds units (1,1) (1,1) (0,0): o11 += 4, o00 += 2; any other adds
    # (1,0) (1,0) (0,1): o01 += 3. n0 = 2ab + 3x, n1 = 4ab + 3x, n = 120:
    # alpha = 1 - 119 * 3x / (n0 * n1).
    assert got["alpha"] == round(1 - 119 * 3 * x / ((2 * ab + 3 * x) * (4 * ab + 3 * x)), 4)
    assert {a: v["rate"] for a, v in got["acceptance"].items()} == {"alice": 1.0, "bob": 1.0, "carol": 0.0}

    with Session(engine) as session:
        everything = build_dataset(session, Filters())
        finished = build_dataset(session, Filters(done_only=True))
    assert Counter(c["annotator"] for c in everything["claims"]) == {
        "alice": 2 * loads["alice"], "bob": 2 * loads["bob"], "carol": loads["carol"]}
    assert Counter(c["annotator"] for c in finished["claims"]) == {"alice": 2 * loads["alice"], "bob": 2 * loads["bob"]}
    assert finished["filters"]["done_only"] is True


def test_review_round_trip_makes_the_planned_gold(team, doccano, tmp_path):
    """After the annotation above: alice and bob finished their documents, carol none. On each
    alice/bob document they agree on claim A and its link and differ on B; judy keeps alice's B."""
    from toolkit.team.review import review, review_project

    engine, _ = team
    admin = gateway(doccano)
    admin.create_user("judy", PASSWORD)
    first = review(engine, admin, project="team", adjudicator="judy")
    holders: dict[str, set[str]] = {}
    for a, v in assignments(engine, "team"):
        holders.setdefault(v, set()).add(a)
    ab = sum(1 for h in holders.values() if h == {"alice", "bob"})
    assert first.consensus == [] and len(first.sent) == ab and len(first.unfinished) == 20 - ab
    judy = WebAnnotator(doccano.url, "judy", PASSWORD)
    pid = judy.project(review_project("team"))
    for example in judy.examples(pid):
        k = example["meta"]["document"].removeprefix("doc").lstrip("0") or "0"
        spans = judy.spans(pid, example["id"])
        names = {judy.label_id(pid, "span", n): n for n in ("CLAIM", "CLAIM@alice", "CLAIM@bob")}
        shown = sorted((example["text"][s["start_offset"]:s["end_offset"]], names[s["label"]])
                       for s in spans if s["label"] in names)
        assert shown == [(f"Claim A of doc {k} stands.¹", "CLAIM"), (f"Claim B of doc {k} is", "CLAIM@bob"),
                         (f"Claim B of doc {k} is argued.", "CLAIM@alice")]
        alices = next(s for s in spans if names.get(s["label"]) == "CLAIM@alice")
        judy.relabel(pid, example["id"], alices["id"], "CLAIM")
        judy.confirm(pid, example["id"])
    second = review(engine, admin, project="team", adjudicator="judy")
    assert len(second.adjudicated) == ab and second.sent == [] and second.problems == []
    with Session(engine) as session:
        gold = session.exec(select(Claim).where(Claim.origin == "adjudicated")).all()
        assert len(gold) == 2 * ab
        assert Counter((c.annotator, c.rule, tuple(c.adjudicated_from)) for c in gold) == {
            ("judy", "adjudicator", ("alice", "bob")): ab, ("judy", "adjudicator", ("alice",)): ab}
        dataset = build_dataset(session, Filters())
    adjudicated = [d for d in dataset["documents"] if d.get("adjudicated")]
    assert len(adjudicated) == ab
    by_origin = Counter(c["origin"] for c in dataset["claims"])
    assert by_origin["adjudicated"] == 2 * ab
    # Both gold claims of a document rest on its note 1 (A by its marker, B by alice's link).
    assert all([e["seq"] for e in c["evidence"]] == [1] for c in dataset["claims"] if c["origin"] == "adjudicated")
