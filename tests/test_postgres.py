"""The same store on a real PostgreSQL server (127.0.0.1:5432): skipped, with the reason, where none runs."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from conftest import corpus_path
from toolkit.ingest import ADDED, UNCHANGED, ingest_paths
from toolkit.store import make_engine
from toolkit.views import document_view, find_version

pytestmark = pytest.mark.postgres


def views(engine, names):
    with Session(engine) as s:
        out = {}
        for n in names:
            v = document_view(s, find_version(s, n))
            v.pop("ingested_at")
            out[n] = v
        return out


def test_postgres_matches_sqlite(postgres_url, engine, seeds):
    frus = sorted(corpus_path("frus-dev", "russia-1918-v3").glob("d1*.txt"))[:20]
    paths = [seeds, *frus]
    pg = make_engine(postgres_url)
    try:
        report = ingest_paths(pg, paths)
        assert report.ok and {r.status for r in report.results} == {ADDED}
        assert {r.status for r in ingest_paths(pg, paths).results} == {UNCHANGED}
        ingest_paths(engine, paths)
        names = ["debo-litvinov-kamenev", "karakhan-abstract", "frus-1918-russia-861.00-763",
                 *[p.stem for p in frus]]
        assert views(pg, names) == views(engine, names)
        # the dataset and its audit agree too (generated_at aside)
        from toolkit.audit import audit_store
        from toolkit.export import Filters, build_dataset

        datasets = []
        for store in (pg, engine):
            with Session(store) as session:
                data = build_dataset(session, Filters(include_suggested=True))
            data.pop("generated_at")
            for doc in data["documents"]:
                doc.pop("ingested_at")  # each store ingested at its own moment
            for claim in data["claims"]:
                claim.pop("created_at"), claim.pop("updated_at")
            datasets.append(data)
        assert datasets[0] == datasets[1] and len(datasets[0]["claims"]) > 100
        audits = []
        for store in (pg, engine):
            with Session(store) as session:
                audits.append(audit_store(session, Filters(include_suggested=True)).to_json())
        assert audits[0] == audits[1] and audits[0]["claims"] == len(datasets[0]["claims"])
    finally:
        pg.dispose()


def test_postgres_rolls_back_a_failed_file(postgres_url, seeds, monkeypatch):
    import toolkit.writer as writer_module

    pg = make_engine(postgres_url)
    real = writer_module.insert_rows

    def explode(session, *args, **kwargs):
        real(session, *args, **kwargs)
        raise RuntimeError("connection lost")

    monkeypatch.setattr(writer_module, "insert_rows", explode)
    try:
        with pytest.raises(RuntimeError):
            ingest_paths(pg, [seeds / "debo-litvinov-kamenev.txt"])
        monkeypatch.setattr(writer_module, "insert_rows", real)
        with Session(pg) as s:
            from sqlmodel import func, select

            from toolkit.models import Document, Footnote
            assert s.exec(select(func.count()).select_from(Document)).one() == 0
            assert s.exec(select(func.count()).select_from(Footnote)).one() == 0
    finally:
        pg.dispose()
