"""The doccano round trip against a real server: ingest, push, annotate as two people would
through the web UI's REST calls (UTF-16 offsets), pull, and check every claim, link,
annotator and offset. Then re-push and re-pull (nothing added), edits and deletions,
a bad span, and a push killed halfway and resumed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from .conftest import WebAnnotator
from toolkit.doccano.client import Connection, DoccanoGateway
from toolkit.doccano.utf16 import Utf16Offsets
from toolkit.doccano.pull import pull_annotations
from toolkit.doccano.push import push_documents
from toolkit.guidelines import load_guidelines
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, DoccanoExample, DocumentVersion, EvidenceLink, Footnote
from toolkit.parsing.layout import SUPERSCRIPT
from toolkit.store import make_engine
from toolkit.views import find_version

pytestmark = pytest.mark.doccano
ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
PROJECT = "roundtrip"
GUIDELINES_VERSION = load_guidelines().version  # what push sets, and pull records

EMOJI_DOC = """# Couriers and emoji 🙂

The 𝔄 archive reports that the 🙂 courier arrived on time.<sup>1</sup> A second claim follows here.<sup>2</sup>

1. PRO F.O. 371/3300/1.

2. Ibid.
"""


def gateway(doccano) -> DoccanoGateway:
    user, password = doccano.admin
    return DoccanoGateway(Connection(doccano.url, user, password))


@pytest.fixture(scope="module")
def store(tmp_path_factory, doccano):
    folder = tmp_path_factory.mktemp("store")
    (folder / "emoji.md").write_text(EMOJI_DOC, "utf-8")
    engine = make_engine(f"sqlite:///{folder / 'store.sqlite'}")
    paths = [CORPUS / "seeds", folder / "emoji.md"]
    frus = sorted((CORPUS / "frus-dev" / "russia-1918-v3").glob("d16*.txt"))[:4]
    if not (CORPUS / "seeds").exists():
        pytest.skip("../shared/corpus is missing")
    report = ingest_paths(engine, [*paths, *frus])
    assert report.ok
    return engine, folder


def cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], input=stdin, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=300, cwd=ROOT)


def test_push_pre_annotates_every_marker_and_note(doccano, store):
    engine, _ = store
    report = push_documents(engine, gateway(doccano), project=PROJECT, suggest=True)
    assert report.created and report.imported == report.versions == 8
    admin = WebAnnotator(doccano.url, *doccano.admin)
    pid = admin.project(PROJECT)
    debo = admin.example(pid, "debo-litvinov-kamenev")
    assert set(debo["meta"]) == {"document", "version", "sha256", "title"}
    with Session(engine) as session:
        dv = find_version(session, "debo-litvinov-kamenev")
        assert debo["meta"]["sha256"] == dv.sha256
        assert debo["text"].startswith(dv.text) and "\n\nNotes\n\n1. The literature" in debo["text"]
    spans = admin.spans(pid, debo["id"])
    evidence = [s for s in spans if s["label"] == admin.label_id(pid, "span", "EVIDENCE")]
    claims = [s for s in spans if s["label"] == admin.label_id(pid, "span", "CLAIM")]
    assert len(evidence) == 67 * 2 and len(claims) == 64
    markers = sorted(debo["text"][s["start_offset"]:s["end_offset"]] for s in evidence
                     if s["end_offset"] <= len(dv.text))
    assert markers == sorted(str(n).translate(SUPERSCRIPT) if n not in (35, 36, 37) else
                             str(n + 50).translate(SUPERSCRIPT) for n in range(1, 68))
    # text with characters outside the BMP: the server holds UTF-16 offsets
    emoji = admin.example(pid, "emoji")
    marker = [s for s in admin.spans(pid, emoji["id"]) if s["end_offset"] - s["start_offset"] == 1][0]
    utf16 = emoji["text"].encode("utf-16-le")
    assert utf16[2 * marker["start_offset"]:2 * marker["end_offset"]].decode("utf-16-le") == "¹"
    assert marker["start_offset"] == emoji["text"].index("¹") + 3  # 🙂 in the title, 𝔄 and 🙂 in the text


def test_push_again_adds_nothing(doccano, store):
    engine, _ = store
    admin = WebAnnotator(doccano.url, *doccano.admin)
    pid = admin.project(PROJECT)
    before = len(admin._call("GET", f"projects/{pid}/examples?limit=1000")["results"])
    report = push_documents(engine, gateway(doccano), project=PROJECT, suggest=True)
    assert (report.imported, report.already_there, report.created) == (0, 8, False)
    assert len(admin._call("GET", f"projects/{pid}/examples?limit=1000")["results"]) == before == 8


def test_two_annotators_round_trip(doccano, store, tmp_path):
    engine, folder = store
    env = {"TOOLKIT_DOCCANO_DATA": str(doccano.data_dir), "TOOLKIT_DB": f"sqlite:///{folder / 'store.sqlite'}"}
    for name in ("alice", "bob"):
        done = cli("annotators", "add", name, "--password-stdin", "--project", PROJECT, env=env,
                   stdin=f"{name}-secret-pw\n")
        assert done.returncode == 0, done.stderr
        assert f"{name} (new account) is an annotator of '{PROJECT}'" in done.stdout
    alice = WebAnnotator(doccano.url, "alice", "alice-secret-pw")
    bob = WebAnnotator(doccano.url, "bob", "bob-secret-pw")
    pid = alice.project(PROJECT)

    # alice: a claim in the emoji document, linked to note 1, offsets in UTF-16
    emoji = alice.example(pid, "emoji")
    c1 = alice.mark(pid, emoji, "the 🙂 courier arrived on time.¹", "CLAIM")
    note1 = [s for s in alice.spans(pid, emoji["id"]) if emoji["text"].encode("utf-16-le")[
        2 * s["start_offset"]:2 * s["end_offset"]].decode("utf-16-le") == "PRO F.O. 371/3300/1."][0]
    alice.link(pid, emoji["id"], c1, note1["id"], "SUPPORTED_BY")

    # alice, in Debo: a claim of her own linked to note 5; bob: one disputed by note 34,
    # and one with no relation that holds marker 13 (an implicit link)
    debo = alice.example(pid, "debo-litvinov-kamenev")
    c2 = alice.mark(pid, debo, "His most notable clients were Messrs. Vickers", "CLAIM")
    note5 = alice.mark(pid, debo, "PRO F.O. 371/3298/1957.", "EVIDENCE", occurrence=0)
    alice.link(pid, debo["id"], c2, note5, "SUPPORTED_BY")
    c3 = bob.mark(pid, debo, "the foreign commissar knew he was talking to only half a continent", "CLAIM")
    note34 = [s for s in bob.spans(pid, debo["id"]) if debo["text"][s["start_offset"]:].startswith("Wheeler-Bennett, *Brest")][0]
    bob.link(pid, debo["id"], c3, note34["id"], "DISPUTED_BY")
    c4 = bob.mark(pid, debo, "in the past he had deported men for less objectionable propaganda.\"¹³", "CLAIM")
    # alice rejects a suggestion: she deletes the suggested claim carrying marker 1
    suggested = [s for s in alice.spans(pid, debo["id"]) if s["label"] == alice.label_id(pid, "span", "CLAIM")
                 and debo["text"][s["start_offset"]:s["end_offset"]].endswith("everywhere in Europe.¹")]
    alice.delete(pid, debo["id"], suggested[0]["id"])

    report = pull_annotations(engine, gateway(doccano), project=PROJECT, annotations_dir=tmp_path)
    assert report.problems == []
    assert (report.claims_added, report.claims_retracted) == (4, 1)
    assert report.annotators == ["alice", "bob"]
    assert report.raw_file and Path(report.raw_file).exists()
    with Session(engine) as session:
        pulled = {c.doccano_span_id: c for c in session.exec(select(Claim).where(Claim.origin == "annotator"))}
        assert set(pulled) == {c1, c2, c3, c4}
        for claim in pulled.values():
            dv = session.get(DocumentVersion, claim.version_id)
            assert dv.text[claim.start:claim.end] == claim.text  # quote == text at the offsets
            source = Path(dv.source_path).read_text("utf-8")
            plain = claim.text.rstrip("⁰¹²³⁴⁵⁶⁷⁸⁹")
            assert source[claim.source_start:claim.source_end].startswith(plain)
            assert claim.created_at is not None and claim.guidelines_version == GUIDELINES_VERSION
        assert pulled[c1].annotator == "alice" and pulled[c1].text == "the 🙂 courier arrived on time.¹"
        assert pulled[c3].annotator == "bob"

        def links(span_id):
            rows = session.exec(select(EvidenceLink, Footnote).join(Footnote).where(
                EvidenceLink.claim_id == pulled[span_id].id)).all()
            return sorted((f.label, link.stance, link.link) for link, f in rows)

        assert links(c1) == [("1", "supports", "explicit")]
        assert links(c2) == [("5", "supports", "explicit")]
        assert links(c3) == [("34", "disputes", "explicit")]
        assert links(c4) == [("13", "supports", "implicit")]
        rejected = session.exec(select(Claim).where(Claim.origin == "suggested", Claim.status == "retracted")).all()
        assert [c.text[-25:] for c in rejected] == ["n revolution everywhere in Europe.¹"[-25:]]

    # pulling again changes nothing
    counts = _counts(engine)
    again = pull_annotations(engine, gateway(doccano), project=PROJECT, annotations_dir=tmp_path)
    assert (again.fetched, again.claims_added, again.claims_updated, again.claims_retracted) == (0, 0, 0, 0)
    assert again.unchanged == 8 and _counts(engine) == counts

    # an edit and a deletion in doccano are reflected
    u = Utf16Offsets(emoji["text"])
    start = emoji["text"].index("courier arrived on time.¹")
    alice.move(pid, emoji["id"], c1, u.to_utf16(start), u.to_utf16(start + len("courier arrived on time.¹")))
    bob.delete(pid, debo["id"], c3)
    third = pull_annotations(engine, gateway(doccano), project=PROJECT, annotations_dir=tmp_path)
    assert (third.fetched, third.claims_updated, third.claims_retracted) == (2, 1, 1)
    with Session(engine) as session:
        moved = session.exec(select(Claim).where(Claim.doccano_span_id == c1)).one()
        assert moved.text == "courier arrived on time.¹" and moved.status == "active"
        gone = session.exec(select(Claim).where(Claim.doccano_span_id == c3)).one()
        assert gone.status == "retracted"


def test_export_after_the_round_trip(doccano, store, tmp_path):
    """The annotators' claims reach the dataset with their names and links, and it round-trips."""
    from toolkit.export import Filters, build_dataset, validate_file, write_export

    engine, _ = store
    with Session(engine) as session:
        dataset = build_dataset(session, Filters(), guidelines_version=GUIDELINES_VERSION)
    result = write_export(dataset, tmp_path / "claims.json")
    assert validate_file(Path(result.path)) == ("json", [])
    claims = dataset["claims"]
    assert {c["annotator"] for c in claims} == {"alice", "bob"} and {c["origin"] for c in claims} == {"annotator"}
    assert len(claims) == 3  # alice's two (one moved), bob's remaining one; bob's retracted one is not exported
    docs = {d["version_id"]: d for d in dataset["documents"]}
    for claim in claims:
        doc = docs[claim["version_id"]]
        assert doc["text"][claim["start"]:claim["end"]] == claim["quote"]
        source = Path(doc["source"]["path"]).read_text("utf-8")
        assert source[claim["source_start"]:claim["source_end"]].startswith(claim["quote"].rstrip("¹³"))
        assert claim["doccano"]["url"] == doccano.url and claim["doccano"]["span"] > 0
        assert claim["guidelines_version"] == GUIDELINES_VERSION
    by_text = {c["quote"]: c for c in claims}
    moved = by_text["courier arrived on time.¹"]
    assert moved["annotator"] == "alice" and moved["support"] == "archival"
    assert [(e["seq"], e["stance"], e["link"]) for e in moved["evidence"]] == [(1, "supports", "explicit")]
    assert moved["evidence"][0]["references"][0]["item"] == "1"
    implicit = [c for c in claims if c["annotator"] == "bob"][0]
    assert [(e["label"], e["link"]) for e in implicit["evidence"]] == [("13", "implicit")]


def test_a_bad_span_is_reported_not_stored(doccano, store, tmp_path):
    engine, _ = store
    admin = WebAnnotator(doccano.url, *doccano.admin)
    pid = admin.project(PROJECT)
    abstract = admin.example(pid, "karakhan-abstract")
    length16 = len(abstract["text"].encode("utf-16-le")) // 2
    bad = admin.span(pid, abstract["id"], length16 - 5, length16 + 40, "CLAIM")  # past the end
    before = _counts(engine)
    report = pull_annotations(engine, gateway(doccano), project=PROJECT, annotations_dir=tmp_path)
    assert len(report.problems) == 1 and f"CLAIM span {bad} " in report.problems[0]
    assert "outside the text" in report.problems[0] and "not stored" in report.problems[0]
    assert _counts(engine)["claims"] == before["claims"]
    admin.delete(pid, abstract["id"], bad)


def test_push_killed_halfway_resumes_without_duplicates(doccano, store, monkeypatch):
    engine, folder = store
    project = "resume"
    real_import = DoccanoGateway.import_jsonl
    calls = {"n": 0}

    def import_then_die(self, project_id, path):
        calls["n"] += 1
        if calls["n"] == 2:  # the server dies before the second chunk arrives
            os.killpg(doccano.status.pid, signal.SIGKILL)
        return real_import(self, project_id, path)

    monkeypatch.setattr(DoccanoGateway, "import_jsonl", import_then_die)
    from toolkit.errors import ServerError

    with pytest.raises(ServerError, match="not reachable"):
        push_documents(engine, gateway(doccano), project=project, chunk_size=3)
    monkeypatch.setattr(DoccanoGateway, "import_jsonl", real_import)
    doccano.restart()
    admin = WebAnnotator(doccano.url, *doccano.admin)
    pid = admin.project(project)
    assert len(admin._call("GET", f"projects/{pid}/examples?limit=100")["results"]) == 3  # the first chunk

    # as if a remote server's import had been cut between examples and their labels:
    # one example loses its spans, and another arrives twice
    first = admin._call("GET", f"projects/{pid}/examples?limit=100")["results"][0]
    for s in admin.spans(pid, first["id"]):
        admin.delete(pid, first["id"], s["id"])

    report = push_documents(engine, gateway(doccano), project=project, chunk_size=3)
    assert report.imported == 5 and report.already_there == 3
    assert report.completed == [f"{first['meta']['document']} v1"]
    examples = admin._call("GET", f"projects/{pid}/examples?limit=100")["results"]
    shas = [e["meta"]["sha256"] for e in examples]
    assert len(shas) == len(set(shas)) == 8  # every document exactly once
    with Session(engine) as session:
        versions = {v.sha256 for v in session.exec(select(DocumentVersion))}
    assert set(shas) == versions
    assert len(admin.spans(pid, first["id"])) > 0
    # and a third push changes nothing
    assert push_documents(engine, gateway(doccano), project=project, chunk_size=3).imported == 0


def _counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {
            "claims": s.exec(select(func.count()).select_from(Claim)).one(),
            "links": s.exec(select(func.count()).select_from(EvidenceLink)).one(),
            "examples": s.exec(select(func.count()).select_from(DoccanoExample)).one(),
            "retracted": s.exec(select(func.count()).select_from(Claim).where(Claim.status == "retracted")).one(),
        }
