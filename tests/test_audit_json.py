"""`toolkit audit --json` writes the report's JSON as json.dumps would, byte for byte."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session
from typer.testing import CliRunner

from toolkit.audit import audit_store
from toolkit.cli import app
from toolkit.export import Filters
from toolkit.ingest import ingest_paths


def test_the_json_written_is_the_report_as_json(engine, seeds):
    assert ingest_paths(engine, [seeds]).ok
    with Session(engine) as session:
        report = audit_store(session, Filters(include_suggested=True))
    assert {"A101", "A102", "A103", "A105"} <= {f.code for f in report.findings}
    assert any("“" in f.message for f in report.findings)  # not ASCII: written as UTF-8, not escaped
    assert report.to_json_bytes() == json.dumps(report.to_json(), ensure_ascii=False, indent=2).encode()
    first = report.findings[0]
    assert report.to_json()["findings"][0] == {
        "code": first.code, "name": first.name, "severity": first.severity, "document": first.document,
        "claim": first.claim, "note": first.note, "message": first.message}
    db = str(engine.url).replace("sqlite:///", "")
    done = CliRunner().invoke(app, ["audit", "--include-suggested", "--json", "--db", db])
    assert done.exit_code == 0
    assert done.stdout_bytes == report.to_json_bytes() + b"\n"


@given(st.text(alphabet=st.sampled_from("ab é“\n\t"), max_size=400), st.sampled_from([1, 5, 50, 60, 70]))
def test_an_excerpt_is_the_squeezed_text_cut(text, width):
    from toolkit.audit.report import _excerpt

    squeezed = " ".join(text.split())
    assert _excerpt(text, width) == (squeezed if len(squeezed) <= width else squeezed[: width - 1] + "…")
