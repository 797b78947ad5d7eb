"""The claims dataset: shape, provenance, schema, atomic writing, other formats."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.errors import OutputError
from toolkit.export import Filters, ValidationError, as_webanno, build_dataset, validate_file, write_export
from toolkit.ingest import ingest_paths
from toolkit.parsing.offsets import OffsetMap
from toolkit.views import find_version


@pytest.fixture
def dataset(engine, seeds):
    assert ingest_paths(engine, [seeds]).ok
    with Session(engine) as session:
        return build_dataset(session, Filters(include_suggested=True), guidelines_version="1.0.0")


def test_dataset_is_valid_and_every_quote_is_where_it_says(dataset, engine):
    from toolkit.export import schema_errors

    assert schema_errors(dataset) == []
    texts = {d["version_id"]: d for d in dataset["documents"]}
    assert len(dataset["claims"]) == 64 + 16 + 16
    with Session(engine) as session:
        for claim in dataset["claims"]:
            doc = texts[claim["version_id"]]
            assert doc["text"][claim["start"]:claim["end"]] == claim["quote"]
            source = Path(doc["source"]["path"]).read_text("utf-8")
            offsets = OffsetMap.from_json(find_version(session, claim["version_id"]).offsets)
            sliced = source[claim["source_start"]:claim["source_end"]]
            if offsets.is_verbatim(claim["start"], claim["end"]):
                assert sliced == claim["quote"]  # identical wherever no repair touched it
            else:  # markers were <sup>N</sup>, a break was rejoined: same words, same order
                words = [w for w in claim["quote"].split() if w.strip("⁰¹²³⁴⁵⁶⁷⁸⁹")]
                assert sliced.startswith(words[0].rstrip("⁰¹²³⁴⁵⁶⁷⁸⁹"))


def test_support_per_document(dataset):
    by_doc: dict[str, list] = {}
    for claim in dataset["claims"]:
        by_doc.setdefault(claim["document"], []).append(claim)
    assert {c["support"] for c in by_doc["karakhan-abstract"]} == {"none"}
    telegram = by_doc["frus-1918-russia-861.00-763"]
    assert {c["support"] for c in telegram} == {"archival"}
    assert all(c["evidence"] == [{"seq": None, "note_id": None, "label": None, "role": None, "text": None,
                                  "stance": "supports", "link": "document",
                                  "references": [{"archive": "NARA", "series": "RG 59",
                                  "volume": None, "item": "861.00/763", "raw": "File No. 861.00/763",
                                  "kind": "archival", "repository": "NARA"}]}]
               for c in telegram)
    debo = by_doc["debo-litvinov-kamenev"]
    archives = {r["archive"] for c in debo for e in c["evidence"] for r in e["references"]}
    assert archives == {"PRO", "MAE"}
    assert {c["support"] for c in debo} == {"archival", "published"}
    assert all(c["origin"] == "suggested" and c["doccano"] is None for c in debo)
    first = debo[0]
    assert first["evidence"][0]["seq"] == 1 and first["evidence"][0]["link"] == "implicit"


def test_claim_ids_are_stable_across_exports(engine, seeds, dataset):
    with Session(engine) as session:
        again = build_dataset(session, Filters(include_suggested=True))
    assert [c["id"] for c in again["claims"]] == [c["id"] for c in dataset["claims"]]


def test_a_schema_violation_writes_nothing(dataset, tmp_path):
    tmp_path = tmp_path / "exports"
    tmp_path.mkdir()
    target = tmp_path / "claims.json"
    target.write_text("the previous export\n", "utf-8")
    dataset["claims"][3]["support"] = "maybe"
    del dataset["claims"][5]["quote"]
    with pytest.raises(ValidationError) as err:
        write_export(dataset, target)
    message = str(err.value)
    assert "nothing was written" in message
    assert "$.claims[3].support -> 'maybe' is not one of ['archival', 'published', 'none']" in message
    assert "$.claims[5] -> 'quote' is a required property" in message
    assert target.read_text("utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.json"]


def test_a_crash_while_writing_leaves_the_old_file(dataset, tmp_path, monkeypatch):
    tmp_path = tmp_path / "exports"
    tmp_path.mkdir()
    target = tmp_path / "claims.json"
    target.write_text("the previous export\n", "utf-8")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OutputError, match="claims.json: cannot be written .disk full."):
        write_export(dataset, target)
    assert target.read_text("utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["claims.json"]  # no temporary file left


def test_formats_and_validate(dataset, tmp_path):
    for fmt, name in (("json", "claims.json"), ("jsonl", "claims.jsonl"), ("webanno", "claims.webanno.json")):
        result = write_export(dataset, tmp_path / name, fmt)
        assert validate_file(Path(result.path)) == (fmt, [])
        assert (tmp_path / "claims.schema.json").exists()
    lines = (tmp_path / "claims.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == len(dataset["claims"])
    line = json.loads(lines[0])
    assert {"document", "version", "title", "source_sha256", "quote", "evidence", "support"} <= set(line)
    collection = as_webanno(dataset)
    texts = {d["version_id"]: d["text"] for d in dataset["documents"]}
    for item, claim in zip(collection["first"]["items"], dataset["claims"]):
        position, quote = item["target"]["selector"]
        text = texts[claim["version_id"]]
        assert text[position["start"]:position["end"]] == quote["exact"]
        assert text.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1  # the anchor is unique
        assert item["creator"]["type"] == "Software" and item["created"].endswith("Z")
    broken = tmp_path / "broken.json"
    data = json.loads((tmp_path / "claims.json").read_text("utf-8"))
    data["claims"][0]["start"] = -1
    broken.write_text(json.dumps(data), "utf-8")
    result = CliRunner().invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}: $.claims[0].start -> -1 is less than the minimum of 0" in result.output


def test_export_to_stdout_and_filters(engine, seeds, tmp_path):
    assert ingest_paths(engine, [seeds]).ok
    db = str(engine.url).replace("sqlite:///", "")
    result = CliRunner().invoke(app, ["export", "--out", "-", "--include-suggested", "--document",
                                      "karakhan-abstract", "--db", db])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {c["document"] for c in data["claims"]} == {"karakhan-abstract"}
    assert [d["document"] for d in data["documents"]] == ["karakhan-abstract"]
    # without --include-suggested there are no annotators' claims yet: an empty, valid dataset
    result = CliRunner().invoke(app, ["export", "--out", str(tmp_path / "x.json"), "--db", db])
    assert result.exit_code == 0 and "0 claims from 3 documents" in result.output
    # ... and it says why, and how to get claims
    assert "Warning: 0 claims: no annotator's claims are in the store yet" in result.output
    assert "add --include-suggested" in result.output
    # a mistyped annotator is an error that lists the names there are, and writes nothing
    result = CliRunner().invoke(app, ["export", "--annotator", "bobb", "--out", str(tmp_path / "y.json"), "--db", db])
    assert result.exit_code == 1 and "no claims by an annotator called 'bobb'" in result.output
    assert not (tmp_path / "y.json").exists()
    # documents are named as arguments, as in every other command
    result = CliRunner().invoke(app, ["export", "karakhan-abstract", "--include-suggested", "-o", "-", "--db", db])
    assert {c["document"] for c in json.loads(result.stdout)["claims"]} == {"karakhan-abstract"}


def test_every_bundled_sample_exports_valid(engine, tmp_path):
    """The samples cover every format the demo shows (text, Markdown, DOCX, PDF...): each exports valid."""
    from conftest import SAMPLES

    report = ingest_paths(engine, [SAMPLES])
    assert report.ok, [r.error for r in report.results]
    with Session(engine) as session:
        dataset = build_dataset(session, Filters(include_suggested=True))
    formats = {d["format"] for d in dataset["documents"]}
    assert {"text", "docx"} <= formats
    for fmt in ("json", "jsonl", "webanno"):
        result = write_export(dataset, tmp_path / f"claims.{fmt}", fmt)
        assert validate_file(Path(result.path)) == (fmt, [])
