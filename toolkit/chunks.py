"""Cutting long lists into pieces: SQL `IN (...)` lists and bulk requests stay bounded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

DEFAULT_CHUNK = 500  # below SQLite's 999 bound parameters, and a bulk import of about a second


def chunked(items: Sequence[T], size: int = DEFAULT_CHUNK) -> Iterator[list[T]]:
    """`items` in consecutive lists of at most `size` (at least 1), in order."""
    size = max(1, size)
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
