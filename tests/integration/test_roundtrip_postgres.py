"""The doccano round trip with a team's store on PostgreSQL (skipped, saying why, where none runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from toolkit.doccano.client import Connection, DoccanoGateway
from toolkit.doccano.pull import pull_annotations
from toolkit.doccano.push import push_documents
from toolkit.export import Filters, build_dataset, schema_errors
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, EvidenceLink
from toolkit.store import make_engine

from .conftest import WebAnnotator

pytestmark = [pytest.mark.doccano, pytest.mark.postgres]
SAMPLES = Path(__file__).resolve().parents[2] / "toolkit" / "samples"


def test_push_annotate_pull_export_on_postgres(doccano, postgres_url, tmp_path):
    engine = make_engine(postgres_url)
    try:
        ingested = ingest_paths(engine, [SAMPLES])
        assert ingested.ok
        samples = len(ingested.results)
        user, password = doccano.admin
        gateway = DoccanoGateway(Connection(doccano.url, user, password))
        pushed = push_documents(engine, gateway, project="on-postgres", suggest=True)
        assert pushed.imported == samples
        admin = WebAnnotator(doccano.url, user, password)
        pid = admin.project("on-postgres")
        article = admin.example(pid, "sample-article")
        claim = admin.mark(pid, article, "Officials in Paris watched the arrangement with alarm", "CLAIM")
        note = admin.mark(pid, article, "MAE, Guerre, Russie, Action des Allies, 40/21-22.", "EVIDENCE")
        admin.link(pid, article["id"], claim, note, "SUPPORTED_BY")
        report = pull_annotations(engine, gateway, project="on-postgres", annotations_dir=tmp_path)
        assert (report.claims_added, report.fetched, report.untouched, report.problems) == (1, 1, samples - 1, [])
        again = pull_annotations(engine, gateway, project="on-postgres", annotations_dir=tmp_path)
        assert (again.unchanged, again.claims_added, again.claims_updated) == (samples, 0, 0)
        with Session(engine) as session:
            stored = session.exec(select(Claim).where(Claim.origin == "annotator")).one()
            assert stored.annotator == user and stored.doccano_span_id == claim
            link = session.exec(select(EvidenceLink).where(EvidenceLink.claim_id == stored.id)).one()
            assert (link.stance, link.link) == ("supports", "explicit")
            dataset = build_dataset(session, Filters())
        assert schema_errors(dataset) == []
        assert [c["support"] for c in dataset["claims"]] == ["archival"]
    finally:
        engine.dispose()
