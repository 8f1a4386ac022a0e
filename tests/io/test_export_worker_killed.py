"""A render worker that dies (SIGKILL, out of memory) stops the export with one OSError,
not a traceback of the process pool; the CLI turns it into one line and the export's
all-or-nothing folder is removed (issue 15's parallel exports)."""

from __future__ import annotations

import os
import signal

import pytest

from annotator.io import export_common as ec


def _render(chunk: list[int]) -> tuple[list[str], ec.ExportReport]:
    if 450 in chunk:
        os.kill(os.getpid(), signal.SIGKILL)  # this worker is killed mid-export
    return [f"{i}\n" for i in chunk], ec.ExportReport()


def test_export_worker_killed_is_one_oserror():
    items = list(range(ec.CHUNK * (ec.PARALLEL_FROM + 3)))
    with pytest.raises(OSError, match="worker process stopped abruptly"):
        list(ec.render_chunks(items, _render, ec.ExportReport(), workers=2))


def test_export_worker_all_alive_gives_every_item_in_order():
    items = list(range(ec.CHUNK * (ec.PARALLEL_FROM + 3)))
    items = [i for i in items if i != 450]
    out = list(ec.render_chunks(items, _render, ec.ExportReport(), workers=2))
    assert [text for _, text in out] == [f"{i}\n" for i in items]
