import gc

import pytest

from toolkit.gc_tuning import BULK_THRESHOLD, fewer_collections


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
