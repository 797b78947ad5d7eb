"""The historian's audit: per-archive counts, every finding code, HTML escaping, --fail-on."""

from __future__ import annotations

import shutil

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from toolkit.audit import CODES, audit_store, render_html, render_text
from toolkit.cli import app
from toolkit.export import Filters
from toolkit.ingest import ingest_paths
from toolkit.models import Claim, EvidenceLink, Footnote
from toolkit.views import find_version


def audit(engine, **filters):
    with Session(engine) as session:
        return audit_store(session, Filters(**filters))


def test_the_seeds_with_suggested_claims(engine, seeds):
    assert ingest_paths(engine, [seeds]).ok
    report = audit(engine, include_suggested=True)
    docs = {d["document"]: d for d in report.documents}
    debo = docs["debo-litvinov-kamenev"]
    assert {a["archive"] for a in debo["archives"]} == {"PRO", "MAE"}
    pro = {(a["archive"], a["series"]): a for a in debo["archives"]}
    assert pro[("PRO", "FO 371")]["claims"] > 20 and pro[("MAE", "Guerre, Russie, Action des Allies")]["claims"] > 10
    assert debo["support"]["published"] > 0 and debo["support"]["none"] == 0
    assert docs["karakhan-abstract"]["support"] == {"archival": 0, "published": 0, "none": 16}
    telegram = docs["frus-1918-russia-861.00-763"]
    assert telegram["archives"] == [{"archive": "NARA", "series": "RG 59", "claims": 16, "references": 1}]
    codes = [(f.code, f.document, f.note) for f in report.findings]
    assert [n for c, d, n in codes if c == "A105"] == ["35", "36", "37"]
    assert sum(1 for c, d, _ in codes if c == "A101" and d == "karakhan-abstract") == 16
    chains = [f.message for f in report.findings if f.code == "A103"]
    assert any("notes 33 → 32 → 24" in m and "finally leans on note 24" in m for m in chains)
    assert any("notes 7 → 6" in m for m in chains)
    overall = {(a["archive"], a["series"]) for a in report.archives}
    assert {("PRO", "FO 371"), ("PRO", "CAB 23"), ("MAE", "Guerre, Russie, Action des Allies"), ("NARA", "RG 59")} <= overall
    text = render_text(report)
    assert "rest on an archive" in text and "A105 info" in text
    page = render_html(report)
    assert page.count('class="bar"') == len(report.archives) >= 4  # the chart: one bar per archive and series


def test_every_finding_code(engine, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(
        "# A test article\n\nThe envoy arrived in London.<sup>1</sup> The police watched him.<sup>2</sup> "
        "He left in September.<sup>3</sup> Nobody noticed.<sup>5</sup>\n\n"
        "1. PRO F.O. 371/3300/1.\n\n2. Ibid.\n\n3. Smith, *A Book* (London, 1930), p. 4.\n\n"
        "4. A note whose marker is gone.\n\n"
        "Another paragraph with a claim.<sup>6</sup>\n\n6. Jones, *Another Book* (Paris, 1931).\n", "utf-8")
    assert ingest_paths(engine, [article]).ok
    with Session(engine) as session:
        dv = find_version(session, "article")
        notes = {f.label: f for f in session.exec(select(Footnote).where(Footnote.version_id == dv.id))}
        claim = Claim(id="a-1", version_id=dv.id, start=0, end=10, source_start=0, source_end=10,
                      text=dv.text[0:10], origin="annotator", annotator="ada")
        session.add(claim)
        session.add(EvidenceLink(claim_id="a-1", footnote_id=notes["3"].id, stance="disputes", link="explicit"))
        session.add(Claim(id="a-2", version_id=dv.id, start=11, end=20, source_start=11, source_end=20,
                          text=dv.text[11:20], origin="annotator", annotator="ada"))  # no evidence at all
        session.commit()
    # a new version of the file moves the text: the old claim's offsets no longer match
    article.write_text(article.read_text("utf-8").replace("# A test article", "# A test article, revised"), "utf-8")
    assert ingest_paths(engine, [article]).ok
    report = audit(engine, include_suggested=True)
    found = {f.code for f in report.findings}
    assert found == set(CODES) - {"A105", "A110", "A111"}  # quotes: tests/test_leads.py
    names = {f.code: f for f in report.findings}
    assert names["A104"].claim == "a-1" and names["A104"].note == "3"
    assert names["A106"].note == "5" and names["A107"].note == "4" and names["A108"].note == "4"
    assert names["A101"].claim == "a-2"
    assert names["A109"].severity == "error" and "re-annotate" in names["A109"].message
    assert report.fails("error") and report.fails("info")


def test_html_is_self_contained_and_escapes_text(engine, tmp_path):
    doc = tmp_path / "evil.md"
    doc.write_text("# <script>alert('title')</script>\n\nA claim with <script>alert(1)</script> in it.<sup>1</sup>\n\n"
                   "1. <img src=x onerror=alert(2)> Smith, *A Book* (London, 1930).\n", "utf-8")
    assert ingest_paths(engine, [doc]).ok
    page = render_html(audit(engine, include_suggested=True))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # in the finding about the claim
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page  # in the documents table
    assert "http://" not in page and "https://" not in page and "<link" not in page  # nothing fetched
    assert page.count("<table>") == 3


def test_fail_on_sets_the_exit_code(engine, seeds, tmp_path):
    shutil.copy(seeds / "karakhan-abstract.txt", tmp_path / "abstract.txt")
    assert ingest_paths(engine, [tmp_path / "abstract.txt"]).ok
    db = str(engine.url).replace("sqlite:///", "")
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "--include-suggested", "--db", db, "--fail-on", "error"]).exit_code == 0
    failed = runner.invoke(app, ["audit", "--include-suggested", "--db", db, "--fail-on", "warning"])
    assert failed.exit_code == 1 and "A101 warning" in failed.output
    html_path = tmp_path / "out" / "audit.html"
    done = runner.invoke(app, ["audit", "--include-suggested", "--db", db, "--json", "--html", str(html_path)])
    assert done.exit_code == 0 and html_path.exists()
    assert runner.invoke(app, ["audit", "--db", db, "--fail-on", "fatal"]).exit_code == 2


def test_a_superseded_versions_suggestions_are_not_counted(engine, tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("The envoy arrived in London in January.<sup>1</sup> He left in May.<sup>2</sup> "
                   "Nobody noticed him at first.<sup>3</sup>\n\n1. PRO F.O. 371/3300/1.\n\n2. Ibid.\n\n"
                   "3. PRO F.O. 371/3300/2.\n", "utf-8")
    assert ingest_paths(engine, [doc]).ok
    doc.write_text(doc.read_text("utf-8").replace("January", "February"), "utf-8")
    assert ingest_paths(engine, [doc]).ok
    report = audit(engine, include_suggested=True)
    assert report.claims == 3 and report.documents[0]["claims"] == 3


@pytest.mark.corpus
def test_frus_editorial_notes_support_nothing_and_primary_sources_stand_apart(engine, seeds):
    from conftest import corpus_path
    from toolkit.models import DocumentVersion

    frus = corpus_path("frus-dev", "russia-1918-v3")
    assert ingest_paths(engine, [frus, seeds]).ok
    with Session(engine) as session:
        editorial_links = session.exec(
            select(EvidenceLink).join(Footnote).where(Footnote.role == "editorial")).all()
        assert editorial_links == []  # an editor identifying a person is no evidence
        assert session.exec(select(Footnote).where(Footnote.role == "editorial")).first() is not None
    report = audit(engine, include_suggested=True)
    scholarship, primary = report.groups["scholarship"], report.groups["primary-sources"]
    assert primary["claims"] > 1000 and scholarship["claims"] < 200  # the telegrams do not drown the article
    assert {a["archive"] for a in scholarship["archives"]} == {"PRO", "MAE"}  # Debo's archives, not FRUS's own
    assert primary["archives"][0]["archive"] == "NARA"
    page = render_html(report)
    assert "Claims made in scholarship, per archive" in page and "Statements inside primary sources" in page
