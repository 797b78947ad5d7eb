"""The toolkit as a user installs it: a wheel in a fresh virtual environment, outside the checkout.

Guidelines, archive patterns, the JSON Schema, the migrations and the doccano settings
must all travel inside the package: this runs ingest, push (to the embedded server),
export and audit from a folder that has nothing of the repository in it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

pytestmark = pytest.mark.doccano


def run(argv: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{argv[:3]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def test_an_installed_wheel_runs_the_pipeline_outside_the_checkout(tmp_path, doccano):
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
         str(ROOT)], cwd=tmp_path, env=dict(os.environ))
    [wheel] = list(wheels.glob("historians_toolkit-*.whl"))
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=dict(os.environ))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "TOOLKIT_"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        cwd=tmp_path, env=env, timeout=900)

    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copytree(SAMPLES, work / "docs", ignore=shutil.ignore_patterns("make_*.py"))
    toolkit = str(venv / "bin" / "toolkit")
    env["TOOLKIT_DOCCANO_DATA"] = str(doccano.data_dir)
    ingest = run([toolkit, "ingest", "docs"], cwd=work, env=env)
    assert "added" in ingest.stdout
    push = run([toolkit, "push", "--suggest", "--project", "wheel"], cwd=work, env=env)
    assert "guidelines 1." in push.stdout
    run([toolkit, "export", "--include-suggested", "-o", "exports/claims.json"], cwd=work, env=env)
    dataset = json.loads((work / "exports" / "claims.json").read_text("utf-8"))
    assert dataset["guidelines_version"] is not None and dataset["claims"]
    assert (work / "exports" / "claims.schema.json").exists()
    audit = run([toolkit, "audit", "--include-suggested", "--json"], cwd=work, env=env)
    assert json.loads(audit.stdout)["claims"] == len(dataset["claims"])
    status = run([toolkit, "db", "status", "--json"], cwd=work, env=env)
    assert json.loads(status.stdout)["current"] is True
    assert not (work / "guidelines").exists() and str(ROOT) not in (work / "exports" / "claims.json").read_text()
