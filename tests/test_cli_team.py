"""The team commands end to end through the CLI, against the in-memory doccano."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.fakes import FakeDoccano, FakeDoccanoState
from toolkit.cli import app
from toolkit.team.assign import annotator_project

TEXT = "# Doc {k}\n\nThe claim of doc {k} <b> is here.<sup>1</sup> A plain sentence.\n\n1. PRO F.O. 371/{k}.\n"


def test_push_pull_agreement_and_export_done_only(tmp_path, monkeypatch):
    db = str(tmp_path / "store.sqlite")
    for k in range(4):
        (tmp_path / f"doc{k}.md").write_text(TEXT.format(k=k), "utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(tmp_path), "--db", db]).exit_code == 0
    state = FakeDoccanoState()
    monkeypatch.setattr("toolkit.cli.doccano.connect", lambda url, data: FakeDoccano(state))
    monkeypatch.setattr("toolkit.cli.team.connect", lambda url, data: FakeDoccano(state), raising=False)
    monkeypatch.setenv("TOOLKIT_SCRATCH", str(tmp_path / "scratch"))

    missing = runner.invoke(app, ["push", "--annotators", "alice,bob", "--db", db])
    assert missing.exit_code == 1 and "toolkit annotators add alice" in missing.output
    for name in ("alice", "bob"):
        FakeDoccano(state).create_user(name, "password-123")
    pushed = runner.invoke(app, ["push", "--suggest", "--annotators", "alice,bob", "--overlap", "2", "--db", db])
    assert pushed.exit_code == 0, pushed.output
    assert "assigned 8 new (annotator, document) pairs, overlap 2; documents per annotator: alice 4, bob 4" in pushed.output

    pid = state.project_id(annotator_project("historians-toolkit", "alice"))
    first = min(e for e, ex in state.examples.items() if ex["project"] == pid)
    state.confirm(first, "alice")  # alice keeps the suggestion of one document
    pulled = runner.invoke(app, ["pull", "--db", db, "--annotations", str(tmp_path / "ann")])
    assert pulled.exit_code == 0, pulled.output
    assert "alice: 4 examples" in pulled.output and "bob: 4 examples" in pulled.output

    page = tmp_path / "agreement.html"
    shown = runner.invoke(app, ["agreement", "--json", "--html", str(page), "--db", db])
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.stdout)
    assert report["annotators"] == ["alice", "bob"] and report["acceptance"]["alice"]["accepted"] == 1
    assert "<table class=heat>" in page.read_text("utf-8")

    out = tmp_path / "claims.json"
    exported = runner.invoke(app, ["export", "--done-only", "--out", str(out), "--db", db])
    assert exported.exit_code == 0, exported.output
    data = json.loads(out.read_text("utf-8"))
    assert [c["annotator"] for c in data["claims"]] == ["alice"] and data["filters"]["done_only"] is True


def test_agreement_without_a_team_is_one_line(tmp_path):
    (tmp_path / "doc.md").write_text(TEXT.format(k=1), "utf-8")
    assert CliRunner().invoke(app, ["ingest", str(tmp_path / "doc.md"), "--db", str(tmp_path / "s.sqlite")]).exit_code == 0
    result = CliRunner().invoke(app, ["agreement", "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 1
    assert "no assignments for project 'historians-toolkit'" in result.output
    assert "toolkit push --annotators" in result.output


def test_the_html_report_escapes_every_name():
    from toolkit.team.report import render_html

    evil = "<script>alert(1)</script>"
    report = {"project": evil, "annotators": [evil, "bob"], "documents_assigned": 1, "alpha": None,
              "labels": {"CLAIM": {"exact_f1": 1.0, "relaxed_f1": 1.0}, "relations": {"f1": None}},
              "pairs": [{"annotators": [evil, "bob"], "documents": 1, "sentences": 2, "claim_exact_f1": 1.0,
                         "claim_relaxed_f1": 1.0, "relation_f1": None, "kappa": None}],
              "documents": [{"document": evil, "version": 1, "annotators": [evil, "bob"], "claim_exact_f1": 1.0,
                             "claim_relaxed_f1": 1.0, "relation_f1": None, "alpha": None}],
              "acceptance": {evil: {"shown": 0, "accepted": 0, "rate": None}}}
    page = render_html(report)
    assert "<script" not in page and "&lt;script&gt;" in page
