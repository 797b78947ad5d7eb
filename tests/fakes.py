"""An in-memory doccano 1.8.4 behind the `DoccanoServer` Protocol, for tests that run in milliseconds.

It mimics the real server's shapes and habits (see ../shared/notes/doccano.md and the
integration tests): ids from one counter per table; the JSONL import (RelationExtraction:
entity ids remapped, offsets stored as given, inverted spans dropped, missing labels made,
other keys become meta); the collaborative export (all.jsonl: `id`, `text`, `entities`,
`relations`, `Comments`, meta keys flattened; labels by name); spans and relations with
`user` (an id), `created_at` and `updated_at`; users, roles and members. It never
replaces the integration suite: only a real server says what doccano really does.

One `FakeDoccanoState` is one server; `FakeDoccano(state, url)` is a logged-in session to
it, under whatever spelling of its URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from toolkit.doccano.client import wanted_labels
from toolkit.doccano.identity import server_identity, split_userinfo
from toolkit.errors import ServerError

ROLES = {1: "project_admin", 2: "annotator", 3: "annotation_approver"}


@dataclass
class FakeDoccanoState:
    """Everything one doccano server holds."""

    projects: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> {project, kind, text}
    examples: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> {id, project, text, meta}
    spans: dict[int, dict[str, Any]] = field(default_factory=dict)
    relations: dict[int, dict[str, Any]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> {id, username, password}
    members: list[dict[str, Any]] = field(default_factory=list)  # {project, user, role}
    imports: list[int] = field(default_factory=list)  # examples per import, in order
    confirmed: set[tuple[int, int]] = field(default_factory=set)  # (example, user) marked done
    calls: list[str] = field(default_factory=list)  # every Protocol call, by name
    _next: int = 0
    _clock: datetime = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)

    def __post_init__(self) -> None:
        if not self.users:
            self.users[self.new_id()] = {"username": "admin", "password": "admin-password"}
            for uid, user in self.users.items():
                user["id"] = uid

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def now(self) -> str:
        self._clock += timedelta(seconds=1)
        return self._clock.isoformat().replace("+00:00", "Z")

    def user_id(self, username: str) -> int:
        for uid, user in self.users.items():
            if user["username"] == username:
                return uid
        raise KeyError(username)

    def label_id(self, project_id: int, kind: str, text: str, make: bool = False) -> int:
        for lid, label in self.labels.items():
            if (label["project"], label["kind"], label["text"]) == (project_id, kind, text):
                return lid
        if not make:
            raise KeyError(text)
        lid = self.new_id()
        self.labels[lid] = {"id": lid, "project": project_id, "kind": kind, "text": text}
        return lid

    # -- what annotators do in the web UI (offsets in UTF-16 units) ----------------------------

    def add_span(self, example_id: int, start: int, end: int, label: str, user: str) -> int:
        project = self.examples[example_id]["project"]
        sid = self.new_id()
        when = self.now()
        self.spans[sid] = {"id": sid, "prob": 0.0, "user": self.user_id(user), "example": example_id,
                           "created_at": when, "updated_at": when, "label": self.label_id(project, "span", label),
                           "start_offset": start, "end_offset": end}
        return sid

    def add_relation(self, example_id: int, from_id: int, to_id: int, kind: str, user: str) -> int:
        project = self.examples[example_id]["project"]
        rid = self.new_id()
        when = self.now()
        self.relations[rid] = {"id": rid, "prob": 0.0, "user": self.user_id(user), "example": example_id,
                               "created_at": when, "updated_at": when, "from_id": from_id, "to_id": to_id,
                               "type": self.label_id(project, "relation", kind)}
        return rid

    def move_span(self, span_id: int, start: int, end: int) -> None:
        self.spans[span_id].update(start_offset=start, end_offset=end, updated_at=self.now())

    def delete_span(self, span_id: int) -> None:
        del self.spans[span_id]
        for rid in [r for r, rel in self.relations.items() if span_id in (rel["from_id"], rel["to_id"])]:
            del self.relations[rid]

    def example_of(self, project_id: int, document: str) -> dict[str, Any]:
        found = [e for e in self.examples.values()
                 if e["project"] == project_id and e["meta"].get("document") == document]
        assert len(found) == 1, f"{len(found)} examples of {document}"
        return found[0]

    def project_id(self, name: str) -> int:
        return next(pid for pid, p in self.projects.items() if p["name"] == name)

    def spans_of(self, example_id: int) -> list[dict[str, Any]]:
        return [s for s in self.spans.values() if s["example"] == example_id]

    def relabel_span(self, span_id: int, label: str) -> None:
        """The web UI's change of label: the span keeps its author (doccano's PATCH)."""
        project = self.examples[self.spans[span_id]["example"]]["project"]
        self.spans[span_id].update(label=self.label_id(project, "span", label), updated_at=self.now())

    def confirm(self, example_id: int, user: str) -> None:
        """The web UI's "mark as done" (POST /examples/{id}/states)."""
        self.confirmed.add((example_id, self.user_id(user)))

    def visible(self, project_id: int, viewer: int, author: int) -> bool:
        """doccano 1.8.4: without collaborative annotation a user sees only their own labels."""
        return bool(self.projects[project_id]["collaborative_annotation"]) or viewer == author


class FakeDoccano:
    """A logged-in session with a `FakeDoccanoState`; implements `DoccanoServer`."""

    def __init__(self, state: FakeDoccanoState | None = None, url: str = "http://127.0.0.1:8765",
                 username: str = "admin") -> None:
        self.state = state or FakeDoccanoState()
        self._url, _, _ = split_userinfo(url)
        self.user = self.state.user_id(username)

    @property
    def url(self) -> str:
        return self._url

    @property
    def server_id(self) -> str:
        return server_identity(self._url)

    # -- projects and labels ---------------------------------------------------------------------

    def find_project(self, name: str) -> dict[str, Any] | None:
        self.state.calls.append("find_project")
        for project in self.state.projects.values():
            if project["name"] == name:
                return dict(project)
        return None

    def create_project(self, name: str, guideline: str) -> int:
        self.state.calls.append("create_project")
        pid = self.state.new_id()
        self.state.projects[pid] = {"id": pid, "name": name, "guideline": guideline,
                                    "description": "made by the tests", "collaborative_annotation": True,
                                    "allow_overlapping": True, "use_relation": True}
        self.state.members.append({"project": pid, "user": self.user, "role": 1})
        return pid

    def set_guideline(self, project_id: int, guideline: str) -> None:
        self.state.calls.append("set_guideline")
        self.state.projects[project_id]["guideline"] = guideline

    def ensure_labels(self, project_id: int, team: bool = False) -> dict[str, dict[str, int]]:
        self.state.calls.append("ensure_labels")
        return {kind: {name: self.state.label_id(project_id, kind, name, make=True) for name in wanted}
                for kind, wanted in wanted_labels(team)}

    def label_names(self, project_id: int) -> dict[str, dict[int, str]]:
        self.state.calls.append("label_names")
        out: dict[str, dict[int, str]] = {"span": {}, "relation": {}}
        for lid, label in self.state.labels.items():
            if label["project"] == project_id:
                out[label["kind"]][lid] = label["text"]
        return out

    # -- users -----------------------------------------------------------------------------------

    def usernames(self) -> dict[int, str]:
        self.state.calls.append("usernames")
        return {uid: u["username"] for uid, u in self.state.users.items()}

    def create_user(self, username: str, password: str) -> int:
        uid = self.state.new_id()
        self.state.users[uid] = {"id": uid, "username": username, "password": password}
        return uid

    def add_member(self, project_id: int, user_id: int, role: str = "annotator") -> None:
        role_id = {v: k for k, v in ROLES.items()}[role]
        if not any(m["project"] == project_id and m["user"] == user_id for m in self.state.members):
            self.state.members.append({"project": project_id, "user": user_id, "role": role_id})

    # -- import and export -----------------------------------------------------------------------

    def import_jsonl(self, project_id: int, path: Path) -> None:
        self.state.calls.append("import_jsonl")
        raw = Path(path).read_bytes()
        raw.decode("ascii")  # the toolkit must send ASCII: doccano guesses the encoding
        count = 0
        for line in raw.decode("ascii").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            text = record.pop("text")
            entities = record.pop("entities", [])
            relations = record.pop("relations", [])
            eid = self.state.new_id()
            self.state.examples[eid] = {"id": eid, "project": project_id, "text": text, "meta": record}
            ids: dict[int, int] = {}
            for e in entities:
                if e["start_offset"] >= e["end_offset"]:
                    continue  # doccano drops an inverted span without a word
                label = self.state.label_id(project_id, "span", e["label"], make=True)
                sid = self.state.new_id()
                when = self.state.now()
                self.state.spans[sid] = {"id": sid, "prob": 0.0, "user": self.user, "example": eid,
                                         "created_at": when, "updated_at": when, "label": label,
                                         "start_offset": e["start_offset"], "end_offset": e["end_offset"]}
                ids[e["id"]] = sid
            for r in relations:
                if r["from_id"] in ids and r["to_id"] in ids:
                    rid = self.state.new_id()
                    when = self.state.now()
                    self.state.relations[rid] = {
                        "id": rid, "prob": 0.0, "user": self.user, "example": eid, "created_at": when,
                        "updated_at": when, "from_id": ids[r["from_id"]], "to_id": ids[r["to_id"]],
                        "type": self.state.label_id(project_id, "relation", r["type"], make=True)}
            count += 1
        self.state.imports.append(count)

    def export_examples(self, project_id: int) -> list[dict[str, Any]]:
        self.state.calls.append("export_examples")
        if not self.state.projects[project_id]["collaborative_annotation"]:
            raise ServerError(f"project {project_id} at {self.url} is not collaborative")
        names = {lid: label["text"] for lid, label in self.state.labels.items()}
        out = []
        for eid in sorted(e for e, ex in self.state.examples.items() if ex["project"] == project_id):
            example = self.state.examples[eid]
            out.append({
                "id": eid, "text": example["text"],
                "entities": [{"id": s["id"], "label": names[s["label"]], "start_offset": s["start_offset"],
                              "end_offset": s["end_offset"]} for s in self.state.spans_of(eid)],
                "relations": [{"id": r["id"], "from_id": r["from_id"], "to_id": r["to_id"], "type": names[r["type"]]}
                              for r in self.state.relations.values() if r["example"] == eid],
                "Comments": [],
                **example["meta"],
            })
        return out

    # -- examples, spans, relations --------------------------------------------------------------

    def _member(self, project_id: int) -> None:
        """doccano answers 403 to a user who is not a member of the project (admins excepted)."""
        if self.state.users[self.user]["username"] != "admin" and not any(
                m["project"] == project_id and m["user"] == self.user for m in self.state.members):
            raise ServerError(f"doccano at {self.url} answered HTTP 403: not a member of project {project_id}")

    def list_spans(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        self.state.calls.append("list_spans")
        self._member(project_id)
        return [dict(s) for s in self.state.spans_of(example_id)
                if self.state.visible(project_id, self.user, s["user"])]

    def list_relations(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        self.state.calls.append("list_relations")
        self._member(project_id)
        return [dict(r) for r in self.state.relations.values() if r["example"] == example_id
                and self.state.visible(project_id, self.user, r["user"])]

    def confirmed_examples(self, project_id: int) -> set[int]:
        self.state.calls.append("confirmed_examples")
        collaborative = self.state.projects[project_id]["collaborative_annotation"]
        return {eid for eid, ex in self.state.examples.items() if ex["project"] == project_id
                and any(e == eid and (collaborative or u == self.user) for e, u in self.state.confirmed)}

    def create_span(self, project_id: int, example_id: int, start: int, end: int, label_id: int) -> int:
        self.state.calls.append("create_span")
        sid = self.state.new_id()
        when = self.state.now()
        self.state.spans[sid] = {"id": sid, "prob": 0.0, "user": self.user, "example": example_id,
                                 "created_at": when, "updated_at": when, "label": label_id,
                                 "start_offset": start, "end_offset": end}
        return sid

    def create_relation(self, project_id: int, example_id: int, from_id: int, to_id: int, type_id: int) -> int:
        self.state.calls.append("create_relation")
        rid = self.state.new_id()
        when = self.state.now()
        self.state.relations[rid] = {"id": rid, "prob": 0.0, "user": self.user, "example": example_id,
                                     "created_at": when, "updated_at": when, "from_id": from_id,
                                     "to_id": to_id, "type": type_id}
        return rid

    def delete_examples(self, project_id: int, example_ids: list[int]) -> None:
        self.state.calls.append("delete_examples")
        for eid in example_ids:
            self.state.examples.pop(eid, None)
            for sid in [s for s, span in self.state.spans.items() if span["example"] == eid]:
                del self.state.spans[sid]
            for rid in [r for r, rel in self.state.relations.items() if rel["example"] == eid]:
                del self.state.relations[rid]


def annotator(state: FakeDoccanoState, username: str) -> int:
    """A new annotator account, member of every project."""
    session = FakeDoccano(state)
    uid = session.create_user(username, "password-123")
    for pid in state.projects:
        session.add_member(pid, uid)
    return uid
