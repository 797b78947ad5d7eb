"""The command line's edges: help, choices, defaults, outputs that cannot be written, `-`, modes."""

from __future__ import annotations

import json
import os
import stat

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.ingest import ingest_paths

runner = CliRunner()


@pytest.fixture
def db(engine, tmp_path):
    (tmp_path / "a.md").write_text("# A title\n\nThe envoy left London in May.<sup>1</sup>\n\n"
                                   "1. PRO F.O. 371/3300/1.\n", "utf-8")
    assert ingest_paths(engine, [tmp_path / "a.md"]).ok
    return str(engine.url).replace("sqlite:///", "")


def test_dash_h_is_help_everywhere():
    for args in (["-h"], ["export", "-h"], ["server", "start", "-h"], ["db", "-h"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage:" in result.output, args


def test_help_lists_choices_and_keeps_defaults():
    export = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200"}).output
    assert "json|jsonl|webanno" in export and "<str>" not in export.split("--format")[1].split("\n")[0]
    audit = runner.invoke(app, ["audit", "--help"], env={"COLUMNS": "200"}).output
    assert "info|warning|error" in audit
    ingest = runner.invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"}).output
    assert "annotations/toolkit.sqlite" in ingest and "of the store ." not in ingest
    assert "text|markdown|tei|docx|html|pdf" in ingest


def test_an_output_that_is_a_folder_is_one_line(db, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    for args in (["export", "--include-suggested", "-o", str(folder)], ["audit", "--html", str(folder)]):
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 1, args
        assert f"Error: {folder}: is a folder; give a file name" in result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 30
    assert list(folder.iterdir()) == []


def test_dash_is_standard_output_for_the_html_audit(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", "--include-suggested", "--html", "-", "--db", db])
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert not (tmp_path / "-").exists()


def test_exports_follow_the_umask(db, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "claims.json"
        assert runner.invoke(app, ["export", "--include-suggested", "-o", str(out), "--db", db]).exit_code == 0
        assert runner.invoke(app, ["audit", "--include-suggested", "--html", str(tmp_path / "a.html"),
                                   "--db", db]).exit_code == 0
    finally:
        os.umask(old)
    for name in ("claims.json", "claims.schema.json", "a.html"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_validate_reads_standard_input_and_speaks_json(db, tmp_path):
    out = tmp_path / "claims.json"
    runner.invoke(app, ["export", "--include-suggested", "-o", str(out), "--db", db])
    result = runner.invoke(app, ["validate", "-", "--json"], input=out.read_text("utf-8"))
    assert result.exit_code == 0 and json.loads(result.stdout)["valid"] is True


def test_a_killed_exports_leftovers_are_cleaned(db, tmp_path):
    out = tmp_path / "claims.json"
    dead = tmp_path / ".claims.json.999999999.abc.tmp"  # a process id no process has
    dead.write_text("half an export")
    assert runner.invoke(app, ["export", "--include-suggested", "-o", str(out), "--db", db]).exit_code == 0
    assert not dead.exists() and out.exists()


def test_server_status_says_down_with_its_exit_code(tmp_path):
    result = runner.invoke(app, ["server", "status", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "not running" in result.output
