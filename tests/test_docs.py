"""The README and --help agree with the commands that exist."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from conftest import ROOT
from toolkit.cli import app

README = (ROOT / "README.md").read_text("utf-8")


def all_commands() -> list:
    root = typer.main.get_command(app)
    out = []

    def walk(prefix: str, group) -> None:  # type: ignore[no-untyped-def]
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):  # a group (typer ships its own click)
                walk(f"{prefix}{name} ", cmd)
            else:
                out.append((f"{prefix}{name}", cmd))

    walk("", root)
    return out


def test_the_commands_are_found():
    assert {"ingest", "inspect", "server start", "db upgrade"} <= {name for name, _ in all_commands()}


@pytest.mark.parametrize("name, cmd", all_commands(), ids=lambda x: x if isinstance(x, str) else "")
def test_the_command_is_in_the_readme_and_has_an_example(name, cmd):
    assert f"`toolkit {name}" in README, f"README does not show `toolkit {name}`"
    assert cmd.help and re.search(r"Example: .*toolkit ", cmd.help), f"`toolkit {name}` --help has no example"
    result = CliRunner().invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0


def test_readme_opens_with_one_sentence_then_the_two_commands():
    body = README.split("\n", 2)[2]
    first_paragraph = body.split("\n\n")[0]
    assert first_paragraph.count(". ") == 0 and first_paragraph.endswith(".")
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert block.splitlines()[0].startswith("make demo") and block.splitlines()[1].startswith("make test")


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_the_readmes_join_example_runs_on_a_real_export(tmp_path, monkeypatch):
    """The pandas example under "The dataset and the audit" joins claims, documents and notes."""
    import contextlib
    import io

    from conftest import SAMPLES

    pytest.importorskip("pandas", reason="pandas is in the test extra")
    example = re.search(r"## The dataset and the audit.*?```python\n(.*?)```", README, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "s.sqlite")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(SAMPLES), "--db", db]).exit_code == 0
    assert runner.invoke(app, ["export", "--include-suggested", "--db", db]).exit_code == 0
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "README.md", "exec"), {})
    out = printed.getvalue()
    assert "archival" in out and "evidence" in out and "docx" in out
