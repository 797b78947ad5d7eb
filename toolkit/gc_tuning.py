"""Garbage-collector settings for commands that build and drop millions of small objects.

An export or audit of a large store makes a few dicts per note, citation and claim and
lets them go a slice later. None of them forms a cycle, so reference counting frees them
all; but the cyclic collector, run by default every 700 allocations, walks every live
object again and again, and took a fifth of an export's time (bench/export.py). Within
`fewer_collections()` the objects alive at the start (modules, the schema) are frozen out of
its walks and it runs a hundred times less often. An ingest keeps the default pace but
spares the loaded modules, spaCy's and SQLAlchemy's, once they are loaded (`spared_heap`).
Both restore the settings on the way out, and leave alone a collector the caller froze
or turned off.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable, Iterator

BULK_THRESHOLD = 70_000  # allocations between two young-generation collections (default 700)


def _freeze() -> bool:
    """Freeze what is alive now, unless the caller has frozen objects or stopped the collector."""
    if gc.get_freeze_count() or not gc.isenabled():
        return False
    gc.freeze()
    return True


@contextmanager
def fewer_collections() -> Iterator[None]:
    thresholds = gc.get_threshold()
    frozen = _freeze()
    gc.set_threshold(BULK_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if frozen:
            gc.unfreeze()


@contextmanager
def spared_heap() -> Iterator[Callable[[], None]]:
    """A function that has the collector leave alone every object there is until the block
    ends: an ingest calls it once spaCy's pipeline is loaded. The modules and what they built
    are most of the heap, and each full collection went through them again: four times for a
    TEI volume, a tenth of the run's time. Garbage made later is collected as before."""
    frozen = False

    def spare() -> None:
        nonlocal frozen
        frozen = frozen or _freeze()

    try:
        yield spare
    finally:
        if frozen:
            gc.unfreeze()
