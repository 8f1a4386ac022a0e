"""Exports freeze the heap loaded before them out of the garbage collector's sight while
they run (issue 15), and leave the collector as they found it."""

from __future__ import annotations

import gc

from annotator.io.export_common import ExportReport, render_chunks


def _work(chunk):
    return [str(x) for x in chunk], ExportReport()


def _frozen_during(items):
    seen = []
    for _item, _text in render_chunks(items, _work, ExportReport(), workers=1):
        seen.append(gc.get_freeze_count())
    return seen


def test_the_heap_is_frozen_during_the_export_and_thawed_after():
    gc.unfreeze()
    seen = _frozen_during(range(10))
    assert seen and all(n > 0 for n in seen)
    assert gc.get_freeze_count() == 0


def _in_collected_generations(obj) -> bool:
    # gc.get_objects() walks generations 0-2 only, not the permanent (frozen) one
    return any(o is obj for o in gc.get_objects())


def test_a_heap_frozen_before_stays_frozen():
    # The freeze count alone cannot tell: frozen objects that die leave the permanent
    # generation (CI once saw it drop by two during the export). An object frozen before
    # must still be frozen after.
    sentinel = [object()]
    assert _in_collected_generations(sentinel)
    gc.freeze()
    try:
        assert not _in_collected_generations(sentinel)
        _frozen_during(range(10))
        assert gc.get_freeze_count() > 0
        assert not _in_collected_generations(sentinel)
    finally:
        gc.unfreeze()
    assert _in_collected_generations(sentinel)
