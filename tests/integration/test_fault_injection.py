"""Fault injection against a real doccano server: `toolkit push` and `toolkit pull`, each
killed by SIGKILL at three points and run again, then the server checked through its
REST API and the store through its tables: every document version exactly once, each
with exactly its pre-annotations, no duplicate records, exactly the annotators' claims.

The kills are deterministic: the real command runs in a subprocess with
``TOOLKIT_FAULT_POINT`` set (toolkit/faults.py), and kills itself at that point."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, func, select

from .conftest import WebAnnotator
from toolkit.doccano.client import Connection, DoccanoGateway
from toolkit.doccano.example_layout import CLAIM, EVIDENCE, import_record
from toolkit.doccano.load import load_payloads
from toolkit.doccano.pull import pull_annotations, pulled_claim_id
from toolkit.doccano.push import push_documents, select_versions
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, DoccanoExample, DoccanoProject, EvidenceLink, PushRecord
from toolkit.store import make_engine

pytestmark = pytest.mark.doccano
ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
FRUS = CORPUS / "frus-dev" / "russia-1918-v3"
CHUNK = 8  # import chunk size for the killed pushes: several chunks
KILLED = -9  # returncode of a process killed by SIGKILL

# `toolkit push` / `toolkit pull` as typed, with one change: the import chunk size (the
# command always uses 500, which would make one chunk of this corpus).
RUN_TOOLKIT = ("import runpy, sys\n"
               "import toolkit.doccano.push as push\n"
               "push.push_documents.__kwdefaults__['chunk_size'] = int(sys.argv.pop(1))\n"
               "sys.argv[0] = 'toolkit'\n"
               "runpy.run_module('toolkit', run_name='__main__', alter_sys=True)\n")


def gateway(doccano) -> DoccanoGateway:
    user, password = doccano.admin
    return DoccanoGateway(Connection(doccano.url, user, password))


def toolkit(doccano, db: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TOOLKIT_FAULT_POINT"}
    env.update(TOOLKIT_DOCCANO_DATA=str(doccano.data_dir), TOOLKIT_DB=f"sqlite:///{db}")
    if fault:
        env["TOOLKIT_FAULT_POINT"] = fault
    return subprocess.run([sys.executable, "-c", RUN_TOOLKIT, str(CHUNK), *args], capture_output=True,
                          text=True, env=env, timeout=300, cwd=ROOT)


@pytest.fixture(scope="module")
def store(tmp_path_factory, doccano) -> Path:
    if not (CORPUS / "seeds").exists() or not FRUS.exists():
        pytest.skip(f"the shared corpus ({CORPUS / 'seeds'} and {FRUS}) is missing")
    folder = tmp_path_factory.mktemp("faults-store")
    db = folder / "store.sqlite"
    frus = sorted(FRUS.glob("d1*.txt"))[:40]
    report = ingest_paths(make_engine(f"sqlite:///{db}"), [CORPUS / "seeds", *frus])
    assert report.ok
    return db


def copy_store(db: Path, target: Path) -> Path:
    """A consistent copy of a SQLite store (the backup API, whatever its journal mode)."""
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def expected_examples(db: Path, suggest: bool) -> dict[str, dict[str, Any]]:
    """sha256 -> the import record of every current version, as push sends it."""
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        payloads = load_payloads(session, select_versions(session, None), suggest, False)
        return {p.version.sha256: import_record(p.layout, p.spans, p.relations, p.meta) for p in payloads}


def server_examples(admin: WebAnnotator, pid: int) -> list[dict[str, Any]]:
    data = admin._call("GET", f"projects/{pid}/examples?limit=1000")
    assert data["count"] == len(data["results"])
    return data["results"]


def check_server(admin: WebAnnotator, pid: int, expected: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every expected version exactly once, with exactly its pre-annotations; nothing else."""
    examples = server_examples(admin, pid)
    shas = Counter(e["meta"].get("sha256") for e in examples)
    assert {s: n for s, n in shas.items() if n != 1} == {}, "duplicate examples"
    assert set(shas) == set(expected), "missing or foreign examples"
    span_names = {int(t["id"]): t["text"] for t in admin._call("GET", f"projects/{pid}/span-types")}
    relation_names = {int(t["id"]): t["text"] for t in admin._call("GET", f"projects/{pid}/relation-types")}
    for example in examples:
        want = expected[example["meta"]["sha256"]]
        assert example["text"] == want["text"]
        where = example["meta"]["document"]
        spans = admin.spans(pid, example["id"])
        relations = admin._call("GET", f"projects/{pid}/examples/{example['id']}/relations")
        place = {s["id"]: (s["start_offset"], s["end_offset"], span_names[s["label"]]) for s in spans}
        want_place = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in want["entities"]}
        assert Counter(place.values()) == Counter(want_place.values()), f"{where}: spans"
        assert Counter((place[r["from_id"]], place[r["to_id"]], relation_names[r["type"]]) for r in relations) \
            == Counter((want_place[r["from_id"]], want_place[r["to_id"]], r["type"]) for r in want["relations"]), \
            f"{where}: relations"
    return examples


def check_push_records(db: Path, project: str, examples: list[dict[str, Any]], *, every: bool) -> None:
    """One push record per version, no duplicates; example rows only for server examples, once
    each. A push records the examples it found on the server (those it imported it first sees,
    and records, at the next push): `every` after such a push."""
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        local = session.exec(select(DoccanoProject).where(DoccanoProject.name == project)).one()
        records = session.exec(select(PushRecord.version_id).where(PushRecord.project_id == local.id)).all()
        rows = session.exec(select(DoccanoExample).where(DoccanoExample.project_id == local.id)).all()
    assert len(records) == len(set(records)) == len(examples)
    remote = [r.remote_id for r in rows]
    assert len(remote) == len(set(remote)) and set(remote) <= {int(e["id"]) for e in examples}
    if every:
        assert sorted(remote) == sorted(int(e["id"]) for e in examples)
    assert all(r.complete for r in rows)


@pytest.mark.parametrize("point", ["push:before-import", "push:after-chunk", "push:before-record"])
def test_push_killed_and_resumed(doccano, store, point):
    project = "faults-" + point.replace(":", "-")
    expected = expected_examples(store, suggest=True)
    assert len(expected) > 3 * CHUNK  # several chunks

    killed = toolkit(doccano, store, "push", "--suggest", "--project", project, fault=point)
    assert killed.returncode == KILLED, killed.stdout + killed.stderr
    admin = WebAnnotator(doccano.url, *doccano.admin)
    pid = admin.project(project)  # the project exists in every case
    on_server = len(server_examples(admin, pid))
    assert on_server == {"push:before-import": 0, "push:after-chunk": CHUNK,
                         "push:before-record": len(expected)}[point]
    with Session(make_engine(f"sqlite:///{store}")) as session:
        assert session.exec(select(DoccanoProject).where(DoccanoProject.name == project)).first() is None

    resumed = toolkit(doccano, store, "push", "--suggest", "--project", project)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"{on_server} already in doccano, {len(expected) - on_server} imported" in resumed.stdout
    examples = check_server(admin, pid, expected)
    check_push_records(store, project, examples, every=False)

    # and once more: nothing to do
    again = push_documents(make_engine(f"sqlite:///{store}"), gateway(doccano), project=project, suggest=True)
    assert (again.imported, again.already_there, again.duplicates_removed, again.completed) == \
        (0, len(expected), 0, [])
    assert check_server(admin, pid, expected) == examples
    check_push_records(store, project, examples, every=True)


PULL_PROJECT = "faults-pull"


@pytest.fixture(scope="module")
def annotated(doccano, store, tmp_path_factory):
    """A pushed project in which an annotator made three claims in three examples (one linked
    to its note), and a copy of the store as it was before any pull."""
    gw = gateway(doccano)
    report = push_documents(make_engine(f"sqlite:///{store}"), gw, project=PULL_PROJECT)
    pid = report.project_id
    gw.add_member(pid, gw.create_user("fault-annotator", "kerensky-1917-july"), "annotator")
    ann = WebAnnotator(doccano.url, "fault-annotator", "kerensky-1917-july")
    examples = [e for e in ann.examples(pid) if "¹" in e["text"].split("\n\nNotes\n\n")[0]][:3]
    assert len(examples) == 3
    claims = {}
    for k, example in enumerate(examples):
        body = example["text"].split("\n\nNotes\n\n")[0]
        end = body.index("¹") + 1
        start = max(body.rfind(".", 0, end - 2) + 1, body.rfind("\n", 0, end) + 1, end - 120)
        while body[start] in " \n":
            start += 1
        quote = body[start:end]
        span = ann.mark(pid, example, quote, CLAIM)
        claims[span] = (example["id"], quote)
        if k == 0:  # link it to its note's EVIDENCE span
            evidence = ann.label_id(pid, "span", EVIDENCE)
            notes = [s for s in ann.spans(pid, example["id"]) if s["label"] == evidence
                     and s["start_offset"] > len(body)]
            ann.link(pid, example["id"], span, notes[0]["id"], "SUPPORTED_BY")
    baseline = copy_store(store, tmp_path_factory.mktemp("faults-pull") / "baseline.sqlite")
    ids = {pulled_claim_id(gw.server_id, pid, span): quote for span, (_, quote) in claims.items()}
    return pid, baseline, ids, pulled_claim_id(gw.server_id, pid, next(iter(claims)))


@pytest.mark.parametrize("point", ["pull:after-export", "pull:after-fetch@2", "pull:before-commit"])
def test_pull_killed_and_resumed(doccano, annotated, point, tmp_path):
    pid, baseline, planned, linked = annotated
    db = copy_store(baseline, tmp_path / "store.sqlite")
    raw = tmp_path / "annotations"
    admin = WebAnnotator(doccano.url, *doccano.admin)
    n_examples = len(server_examples(admin, pid))

    killed = toolkit(doccano, db, "pull", "--project", PULL_PROJECT, "--annotations", str(raw), fault=point)
    assert killed.returncode == KILLED, killed.stdout + killed.stderr
    raw_files = sorted(raw.rglob("*.jsonl"))
    assert len(raw_files) == (1 if point == "pull:before-commit" else 0)
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Claim).where(Claim.origin == "annotator")).one() == 0

    resumed = toolkit(doccano, db, "pull", "--project", PULL_PROJECT, "--annotations", str(raw))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"claims: {len(planned)} new, 0 updated, 0 retracted" in resumed.stdout

    def check_store() -> None:
        with Session(engine) as session:
            claims = session.exec(select(Claim).where(Claim.origin == "annotator")).all()
            assert Counter(c.id for c in claims) == Counter(list(planned))  # exactly the planned claims, once each
            assert {c.id: c.text for c in claims} == planned
            assert {(c.annotator, c.status) for c in claims} == {("fault-annotator", "active")}
            links = session.exec(select(EvidenceLink)).all()
            assert [(x.claim_id, x.link, x.annotator) for x in links if x.link == "explicit"] == \
                [(linked, "explicit", "fault-annotator")]
            assert len({(x.claim_id, x.footnote_id) for x in links}) == len(links)
            local = session.exec(select(DoccanoProject).where(DoccanoProject.name == PULL_PROJECT)).one()
            rows = session.exec(select(DoccanoExample.remote_id).where(DoccanoExample.project_id == local.id)).all()
            assert len(rows) == len(set(rows)) == n_examples

    check_store()
    # a pull after the resumed one changes nothing
    again = pull_annotations(engine, gateway(doccano), project=PULL_PROJECT, annotations_dir=raw)
    assert (again.claims_added, again.claims_updated, again.claims_retracted, again.problems) == (0, 0, 0, [])
    check_store()
    assert len(server_examples(admin, pid)) == n_examples  # a pull never adds to the server
