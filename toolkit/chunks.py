"""One way to cut long lists into pieces (for `IN (...)` queries and bulk requests)."""

from __future__ import annotations

from typing import Iterator, Sequence, TypeVar

T = TypeVar("T")
CHUNK = 500  # well under SQLite's limit on bound parameters


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of `items`, `size` long (the last one shorter)."""
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]
