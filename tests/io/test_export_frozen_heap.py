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


def test_a_heap_frozen_before_stays_frozen():
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        _frozen_during(range(10))
        assert gc.get_freeze_count() >= before > 0
    finally:
        gc.unfreeze()
