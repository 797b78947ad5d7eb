"""The command line: output, exit codes, and what --help imports."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from toolkit.cli import app

runner = CliRunner()


def run(*args, db):
    return runner.invoke(app, [*args, "--db", str(db)])


def test_ingest_then_inspect_json(tmp_path, seeds):
    db = tmp_path / "store.sqlite"
    result = run("ingest", str(seeds), db=db)
    assert result.exit_code == 0, result.output
    assert "added       debo-litvinov-kamenev v1 (article, text): 67 footnotes" in result.output
    assert "flagged: 3 marker-repaired" in result.output
    assert "3 documents: 3 added, 0 new versions, 0 unchanged, 0 failed" in result.output
    again = run("ingest", str(seeds), db=db)
    assert again.exit_code == 0 and "3 unchanged" in again.output
    shown = run("inspect", "frus-1918-russia-861.00-763", "--json", db=db)
    view = json.loads(shown.stdout)
    assert set(view) >= {"version_id", "title", "kind", "text", "source", "pages", "file_numbers", "references",
                         "footnotes"}
    assert set(view["source"]) >= {"path", "sha256"}
    assert view["file_numbers"] == ["861.00/763"]


def test_exit_code_one_when_a_file_fails(tmp_path, seeds):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8")
    result = run("ingest", str(seeds / "karakhan-abstract.txt"), str(bad), db=tmp_path / "s.sqlite")
    assert result.exit_code == 1
    assert f"Error: {bad}: is not valid UTF-8" in result.output
    assert "1 added" in result.output


def test_unknown_document_and_bad_usage(tmp_path):
    result = run("inspect", "nothing-here", db=tmp_path / "s.sqlite")
    assert result.exit_code == 1 and "Error: there is no store at" in result.output
    assert not (tmp_path / "s.sqlite").exists()  # a mistyped --db makes no new store
    (tmp_path / "a.txt").write_text("A short text of a few words that says something.\n")
    assert run("ingest", str(tmp_path / "a.txt"), db=tmp_path / "s.sqlite").exit_code == 0
    result = run("inspect", "nothing-here", db=tmp_path / "s.sqlite")
    assert result.exit_code == 1 and "Error: no stored document is called 'nothing-here'" in result.output
    result = run("ingest", str(tmp_path), "--kind", "novel", db=tmp_path / "s.sqlite")
    assert result.exit_code == 2 and "Invalid value for '--kind'" in result.output and "primary-source" in result.output


def test_archives_summary(tmp_path, seeds):
    db = tmp_path / "s.sqlite"
    run("ingest", str(seeds), db=db)
    rows = json.loads(run("archives", "--json", db=db).stdout)
    got = {(r["archive"], r["series"]): (r["references"], r["notes"]) for r in rows}
    assert got[("NARA", "RG 59")] == (1, 1)
    assert got[("PRO", "CAB 23")] == (1, 1)
    assert got[("PRO", "FO 371")][0] == 32
    assert got[("MAE", "Guerre, Russie, Action des Allies")][0] == 25


def test_help_does_not_import_spacy_or_the_database():
    code = ("import sys; from toolkit.cli import app\n"
            "from typer.testing import CliRunner\n"
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0\n"
            "print(sorted(m for m in ('spacy', 'sqlalchemy', 'sqlmodel') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_database_password_never_printed(tmp_path):
    result = runner.invoke(app, ["documents", "--db", "postgresql://toolkit:s3cret-pw@127.0.0.1:1/none"])
    assert result.exit_code == 1
    assert "s3cret-pw" not in result.output and "***" in result.output
