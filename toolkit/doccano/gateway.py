"""The seam between the toolkit and a doccano server: every call push and pull make.

`DoccanoServer` is a Protocol: `toolkit.doccano.client.DoccanoGateway` is the real
one (HTTP through doccano-client); the tests' in-memory fake (tests/fakes.py) is
another. Push and pull are typed against this Protocol and know nothing else of
the server.

Shapes, as doccano 1.8.4 gives them:
  project          {"id", "name", "guideline", ...}
  exported example {"id", "text", "entities": [{"id", "label", "start_offset", "end_offset"}],
                    "relations": [{"id", "from_id", "to_id", "type"}], <meta keys>}
                   labels and types by name; offsets in UTF-16 code units
  span             {"id", "user", "label", "start_offset", "end_offset", "created_at", "updated_at", ...}
                   label and user by id
  relation         {"id", "user", "from_id", "to_id", "type", ...}, type and user by id
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class DoccanoServer(Protocol):
    """A logged-in session with one doccano server."""

    @property
    def url(self) -> str:
        """The URL as reached, without user name or password: for messages and reports."""
        ...

    @property
    def server_id(self) -> str:
        """The server's identity, the same however its URL is spelled (see identity.py)."""
        ...

    def find_project(self, name: str) -> dict[str, Any] | None: ...

    def create_project(self, name: str, guideline: str) -> int: ...

    def set_guideline(self, project_id: int, guideline: str) -> None: ...

    def ensure_labels(self, project_id: int, team: bool = False) -> dict[str, dict[str, int]]:
        """Span and relation label ids by name ({"span": {...}, "relation": {...}}), made if missing;
        with `team`, SUGGESTED_CLAIM too."""
        ...

    def label_names(self, project_id: int) -> dict[str, dict[int, str]]:
        """Span and relation label names by id."""
        ...

    def usernames(self) -> dict[int, str]: ...

    def import_jsonl(self, project_id: int, path: Path) -> None:
        """Bulk-import one RelationExtraction JSONL file and wait for it."""
        ...

    def export_examples(self, project_id: int) -> list[dict[str, Any]]:
        """Every example with every user's spans and relations (the collaborative all.jsonl)."""
        ...

    def list_spans(self, project_id: int, example_id: int) -> list[dict[str, Any]]: ...

    def list_relations(self, project_id: int, example_id: int) -> list[dict[str, Any]]: ...

    def create_span(self, project_id: int, example_id: int, start: int, end: int, label_id: int) -> int: ...

    def create_relation(self, project_id: int, example_id: int, from_id: int, to_id: int, type_id: int) -> int: ...

    def delete_examples(self, project_id: int, example_ids: list[int]) -> None: ...

    def create_user(self, username: str, password: str) -> int: ...

    def add_member(self, project_id: int, user_id: int, role: str = "annotator") -> None: ...

    def confirmed_examples(self, project_id: int) -> set[int]:
        """Ids of the examples marked done (doccano's `is_confirmed`, as the caller sees it)."""
        ...
