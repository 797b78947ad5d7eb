"""Garbage-collector settings for commands that build and drop millions of small objects.

An export or audit of a large store makes a few dicts per note, citation and claim and
lets them go a slice later. None of them forms a cycle, so reference counting frees them
all; but the cyclic collector, run by default every 700 allocations, walks every live
object again and again, and took a fifth of an export's time (bench/export.py). Within
`fewer_collections()` the objects alive at the start (modules, the schema) are frozen out of
its walks and it runs a hundred times less often; the settings are restored on the way out.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

BULK_THRESHOLD = 70_000  # allocations between two young-generation collections (default 700)


@contextmanager
def fewer_collections() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(BULK_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
