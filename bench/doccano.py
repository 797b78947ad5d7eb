"""doccano benchmark: push and pull N FRUS-sized documents with pre-annotations.

    .venv/bin/python bench/doccano.py [--documents 5000] [--naive 100]

Builds N distinct documents from the 200 FRUS documents of ../shared/corpus
(each copy gets its own closing line, so its own SHA-256), ingests them into a
temporary store, starts an embedded doccano server on a free port with a
temporary data folder, then times:

- push --suggest (bulk import, chunks of 500) and pull (one export, then only
  the examples that changed: none, on a fresh push);
- the naive path on --naive documents, one request per object (create_example,
  one create_span per span, one create_relation per relation; listing the
  examples through doccano-client, then one GET for spans and one for relations
  per example), scaled to N.

- with `--team`: `push --annotators a,b,c --overlap 2` (each document to two of three
  annotators, each annotator a project of their own) against doccano's own raw bulk
  import of the same examples (the same import records, chunks of 500, straight into
  three fresh projects), in the same run.

Targets (issue #3): push under 20 s, pull under 20 s, at least 10x the naive path.
Target (issue #9): the team push within 1.5x of the raw bulk import.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.doccano.client import Connection, DoccanoGateway  # noqa: E402
from toolkit.doccano.load import load_payloads  # noqa: E402
from toolkit.doccano.pull import pull_annotations  # noqa: E402
from toolkit.doccano.push import push_documents  # noqa: E402
from toolkit.doccano.server import install_server, read_credentials, start_server, stop_server  # noqa: E402

from _corpus import build_store  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def naive_push_pull(gateway: DoccanoGateway, engine, count: int) -> tuple[float, float]:
    """One request per object, as a straightforward client would do it."""
    from sqlmodel import Session, select

    from toolkit.models import DocumentVersion

    client = gateway.client
    project = client.create_project(name="naive", project_type="SequenceLabeling", description="naive",
                                    collaborative_annotation=True, allow_overlapping=True, use_relation=True)
    labels = gateway.ensure_labels(int(project.id))
    with Session(engine) as session:
        versions = list(session.exec(select(DocumentVersion).limit(count)))
        payloads = load_payloads(session, versions, suggest=True)
    started = time.perf_counter()
    example_ids = []
    for p in payloads:
        example = client.create_example(int(project.id), p.layout.text, meta=p.meta)
        example_ids.append(int(example.id))
        u = p.layout.utf16
        ids = {}
        for s in p.spans:
            ids[s.key] = gateway.create_span(int(project.id), int(example.id), u.to_utf16(s.start),
                                             u.to_utf16(s.end), labels["span"][s.label])
        for r in p.relations:
            gateway.create_relation(int(project.id), int(example.id), ids[r.from_key], ids[r.to_key],
                                    labels["relation"][r.type])
    push_seconds = time.perf_counter() - started
    started = time.perf_counter()
    listed = [int(e.id) for e in client.list_examples(int(project.id))]  # doccano's page size: 5
    assert sorted(listed) == sorted(example_ids)
    for example_id in listed:
        gateway.list_spans(int(project.id), example_id)
        gateway.list_relations(int(project.id), example_id)
    pull_seconds = time.perf_counter() - started
    return push_seconds, pull_seconds


def team_push_against_raw_import(engine, gateway: DoccanoGateway, work: Path) -> None:  # type: ignore[no-untyped-def]
    """Time a team push (overlap 2, three annotators) and the raw bulk import of the same examples."""
    from sqlmodel import Session, select

    from toolkit.doccano.client import write_import_file
    from toolkit.doccano.example_layout import import_record
    from toolkit.models import DocumentVersion
    from toolkit.team.assign import assignments, push_team

    team = ["ada", "bea", "cai"]
    for name in team:
        gateway.create_user(name, "bench-password-1")
    started = time.perf_counter()
    report = push_team(engine, gateway, annotators=team, overlap=2, project="bench-team", suggest=True)
    team_seconds = time.perf_counter() - started
    pairs = assignments(engine, "bench-team")
    print(f"team push (--annotators {','.join(team)} --overlap 2): {team_seconds:.1f} s for {len(pairs)} examples "
          f"in {len(team)} projects")
    with Session(engine) as session:
        versions = {v.id: v for v in session.exec(select(DocumentVersion).where(DocumentVersion.is_current))}
        payloads = {p.version.id: p for p in load_payloads(session, list(versions.values()), suggest=True, team=True)}
    files = []
    for name in team:
        mine = [payloads[v] for a, v in pairs if a == name]
        for k in range(0, len(mine), 500):
            records = [import_record(p.layout, p.spans, p.relations, p.meta) for p in mine[k:k + 500]]
            files.append((name, write_import_file(records, work)))
    projects = {}
    for name in team:
        projects[name] = gateway.create_project(f"raw-{name}", "raw bulk import")
        gateway.ensure_labels(projects[name], True)
    started = time.perf_counter()
    for name, path in files:
        gateway.import_jsonl(projects[name], path)
    raw_seconds = time.perf_counter() - started
    print(f"raw bulk import of the same {len(pairs)} examples (prepared files, chunks of 500): {raw_seconds:.1f} s")
    print(f"  team push / raw import: {team_seconds / raw_seconds:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--naive", type=int, default=100)
    parser.add_argument("--team", action="store_true", help="also time a team push against a raw bulk import")
    args = parser.parse_args()
    # Killed (a timeout, Ctrl-C from another shell): still stop the server it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="toolkit-bench-"))
    try:
        engine, seconds, size = build_store(work, args.documents)
        print(f"{args.documents} documents ({size / 1e6:.1f} MB) ingested in {seconds:.1f} s")

        install_server()
        data = work / "doccano"
        started = time.perf_counter()
        status = start_server(port=free_port(), data_dir=data)
        print(f"embedded doccano started in {time.perf_counter() - started:.1f} s at {status.url}")
        url, user, password = read_credentials(data)
        gateway = DoccanoGateway(Connection(url, user, password))

        started = time.perf_counter()
        pushed = push_documents(engine, gateway, project="bench", suggest=True)
        push_seconds = time.perf_counter() - started
        print(f"push --suggest: {push_seconds:.1f} s for {pushed.imported} examples, {pushed.spans} spans, "
              f"{pushed.relations} relations")
        started = time.perf_counter()
        pulled = pull_annotations(engine, gateway, project="bench", annotations_dir=work / "annotations")
        pull_seconds = time.perf_counter() - started
        print(f"pull: {pull_seconds:.1f} s for {pulled.examples} examples "
              f"({pulled.untouched} untouched, {pulled.fetched} fetched one by one)")
        started = time.perf_counter()
        again = pull_annotations(engine, gateway, project="bench", annotations_dir=work / "annotations")
        print(f"pull again (nothing changed): {time.perf_counter() - started:.1f} s, {again.unchanged} unchanged")
        started = time.perf_counter()
        repush = push_documents(engine, gateway, project="bench", suggest=True)
        print(f"push again (nothing new): {time.perf_counter() - started:.1f} s, {repush.imported} imported")

        if args.team:
            team_push_against_raw_import(engine, gateway, work)
        naive_push, naive_pull = naive_push_pull(gateway, engine, args.naive)
        scale = args.documents / args.naive
        print(f"naive path, {args.naive} documents, one request per object: push {naive_push:.1f} s, "
              f"pull {naive_pull:.1f} s")
        print(f"  scaled to {args.documents}: push {naive_push * scale:.0f} s, pull {naive_pull * scale:.0f} s")
        print(f"  speed-up: push {naive_push * scale / push_seconds:.0f}x, pull {naive_pull * scale / pull_seconds:.0f}x")
    finally:
        stop_server(work / "doccano")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
