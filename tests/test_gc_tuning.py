import gc

import pytest

from toolkit.gc_tuning import BULK_THRESHOLD, fewer_collections, spared_heap


def test_fewer_collections_restores_the_collector_even_after_an_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with fewer_collections():
            assert gc.get_threshold()[0] == BULK_THRESHOLD
            assert gc.get_freeze_count() > 0  # what was alive at the start is left out of the walks
            raise RuntimeError("a failed export")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_inside_are_still_collected():
    class Node:
        pass

    with fewer_collections():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2  # an explicit collection still finds them


def test_a_collector_the_caller_froze_is_left_frozen():
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        with fewer_collections():
            pass
        with spared_heap() as spare:
            spare()
        assert gc.get_freeze_count() == count  # neither thawed what the caller froze
    finally:
        gc.unfreeze()


def test_spared_heap_freezes_once_asked_and_thaws_at_the_end():
    with spared_heap() as spare:
        assert gc.get_freeze_count() == 0  # nothing until the modules are loaded
        spare()
        assert gc.get_freeze_count() > 0
        spare()  # a second call changes nothing
    assert gc.get_freeze_count() == 0
