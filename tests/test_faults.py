"""Faults and edges of ingest: interrupts, killed runs, odd files, names, concurrent runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from sqlmodel import Session, func, select

from conftest import ROOT
from toolkit.ingest import ADDED, FAILED, UNCHANGED, ingest_paths
from toolkit.models import Document, DocumentVersion
from toolkit.store import make_engine

DOC = ("# Envoys {k}\n\nThe envoy number {k} reached London in January 1918.<sup>1</sup> "
       "He was watched by the police from the first day.<sup>2</sup>\n\n"
       "1. PRO F.O. 371/3300/{k}.\n\n2. Ibid.\n")


def make_corpus(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        (folder / f"doc-{k:04d}.md").write_text(DOC.format(k=k) * 30, "utf-8")
    return folder


def toolkit_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "toolkit", *args]


@pytest.mark.slow
def test_ctrl_c_stops_promptly_says_what_was_stored_and_leaves_no_process(tmp_path):
    corpus = make_corpus(tmp_path / "docs", 200)
    db = tmp_path / "s.sqlite"
    process = subprocess.Popen(toolkit_cmd("ingest", str(corpus), "--db", str(db)), cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    me = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(me.children()) < 2:  # the parse workers are up
        time.sleep(0.05)
    workers = me.children(recursive=True)
    assert workers, "the ingest never started its workers"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("ingest did not stop within 30 s of Ctrl-C")
    assert process.returncode == 130, err[-2000:]
    assert "Interrupted:" in err and "Traceback" not in err, err[-3000:]
    gone, alive = psutil.wait_procs(workers, timeout=5)
    assert not alive, f"workers left behind: {alive}"
    # what it says was stored is in the store, whole; running again finishes the rest
    stored = int(err.split("Interrupted: ")[1].split(" documents")[0])
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == stored
    again = subprocess.run(toolkit_cmd("ingest", str(corpus), "--db", str(db)), cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == 200


@pytest.mark.slow
def test_sigkill_of_the_parent_takes_its_workers_with_it(tmp_path):
    corpus = make_corpus(tmp_path / "docs", 400)
    process = subprocess.Popen(toolkit_cmd("ingest", str(corpus), "--db", str(tmp_path / "s.sqlite")),
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    me = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(me.children()) < 2:
        time.sleep(0.05)
    workers = me.children(recursive=True)
    assert workers
    process.kill()
    process.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"orphaned workers still alive: {alive}"


def test_nul_text_is_refused_in_one_line_and_the_others_go_in(engine, tmp_path):
    (tmp_path / "good.txt").write_text("A good text with a claim in it, of some length.\n", "utf-8")
    (tmp_path / "nul.txt").write_bytes(b"A text\n" * 2000 + b"with a NUL \x00 here.\n")
    report = ingest_paths(engine, [tmp_path])
    by_name = {Path(r.path).name: r for r in report.results}
    assert by_name["good.txt"].status == ADDED
    assert by_name["nul.txt"].status == FAILED
    assert "holds a NUL character at line 2001" in by_name["nul.txt"].error and "tr -d" in by_name["nul.txt"].error


@pytest.mark.postgres
def test_nul_text_is_refused_the_same_on_postgresql(postgres_url, tmp_path):
    engine = make_engine(postgres_url)
    (tmp_path / "good.txt").write_text("A good text with a claim in it, of some length.\n", "utf-8")
    (tmp_path / "nul.txt").write_bytes(b"A text\nwith a NUL \x00 here.\n")
    report = ingest_paths(engine, [tmp_path])
    assert sorted(r.status for r in report.results) == [ADDED, FAILED]
    engine.dispose()


def test_a_fifo_is_refused_not_waited_on(engine, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = ingest_paths(engine, [fifo]).results[0]
    assert result.status == FAILED and "is not a regular file" in result.error


def test_utf16_is_read_and_unknown_formats_are_named(engine, tmp_path):
    (tmp_path / "utf16.txt").write_bytes("A claim in UTF-16, with é and ü.\n".encode("utf-16"))
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", "utf-8")
    report = ingest_paths(engine, [tmp_path / "utf16.txt", tmp_path / "table.csv"])
    utf16, csv = report.results
    assert utf16.status == ADDED
    assert csv.status == FAILED and "is in no format the toolkit reads" in csv.error and ".pdf" in csv.error
    with Session(engine) as session:
        assert "é and ü" in session.exec(select(DocumentVersion.text)).one()


def test_names_keep_their_letters(engine, tmp_path):
    (tmp_path / "Été 1918 — brouillon.md").write_text("Une phrase qui dit quelque chose.\n", "utf-8")
    (tmp_path / "Записка о курьерах.txt").write_text("Текст записки о курьерах.\n", "utf-8")
    report = ingest_paths(engine, [tmp_path])
    assert sorted(r.document for r in report.results) == ["été-1918-brouillon", "записка-о-курьерах"]


@pytest.mark.slow
def test_two_ingests_of_one_folder_at_once_store_each_document_once(tmp_path):
    corpus = make_corpus(tmp_path / "docs", 60)
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    make_engine(url).dispose()
    reports = []

    def run() -> None:
        engine = make_engine(url)
        reports.append(ingest_paths(engine, [corpus], jobs=1, batch_size=8))
        engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in reports), [x.error for r in reports for x in r.results if x.error]
    statuses = sorted(x.status for r in reports for x in r.results)
    assert statuses.count(ADDED) == 60 and statuses.count(UNCHANGED) == 60
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == 60


def test_a_locked_store_is_one_line_with_the_fix(tmp_path, monkeypatch):
    import sqlite3

    import toolkit.store as store
    from toolkit.errors import StoreError

    monkeypatch.setattr(store, "SQLITE_BUSY_SECONDS", 0.5)
    db = tmp_path / "s.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        (tmp_path / "a.txt").write_text("A claim of some length in a text.\n", "utf-8")
        with pytest.raises(StoreError, match="stayed locked by another process .* run this again"):
            ingest_paths(engine, [tmp_path / "a.txt"])
    finally:
        holder.rollback()
        holder.close()
