"""`make demo` as a user runs it: the whole job on the bundled samples, a real doccano, a team."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import free_port
from toolkit.doccano.server import stop_server

pytestmark = pytest.mark.doccano
ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_runs_end_to_end(tmp_path):
    data = tmp_path / "doccano"
    env = {**os.environ, "TOOLKIT_DOCCANO_DATA": str(data)}
    env.pop("TOOLKIT_DB", None)
    try:
        done = subprocess.run([sys.executable, "-m", "toolkit", "demo", "--port", str(free_port())],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    finally:
        stop_server(data)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for step in ("1. Ingest the bundled samples", "4. The embedded doccano server", "4b. A team of two",
                 "4c. The review", "5. Export and audit"):
        assert step in out, step
    assert "pulled back as gold" in out and "Krippendorff's alpha" in out
    dataset = json.loads((tmp_path / "exports" / "claims.json").read_text("utf-8"))
    assert {d["format"] for d in dataset["documents"]} == {"text", "markdown", "tei", "docx", "html", "pdf"}
    assert any(c["origin"] == "adjudicated" for c in dataset["claims"])
    assert (tmp_path / "exports" / "audit.html").read_text("utf-8").startswith("<!DOCTYPE html>")
