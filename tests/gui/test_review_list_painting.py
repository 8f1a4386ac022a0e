"""The review lists paint their cells themselves (CellsDelegate, laid-out texts kept per
cell): pixel for pixel what the style's own item painting gives, in the entity and the
events list of a real article (labels, swatches, the selected row, rejected rows struck
through, bold events, role colours, cut texts)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate

from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.core.paths import datasets_dir
from annotator.gui.table_model import CellsDelegate
from annotator.store import Store

WHO = "tester"


def _suggestions(record: dict) -> list[Suggestion]:
    out = [Suggestion(Span(s["start"], s["end"], s["label"])) for s in record["spans"]]
    for event in record["events"]:
        trigger = Span(event["trigger"]["start"], event["trigger"]["end"], event["type"])
        args = tuple(
            Argument(a["role"], Span(a["start"], a["end"], a["label"])) for a in event["arguments"]
        )
        attrs = tuple(sorted(event["attributes"].items()))
        out.append(Suggestion(trigger, EVENT, args, attrs))
    return out


@pytest.fixture
def project(db_path):
    path = datasets_dir() / "gold" / "events_gold.jsonl"
    record = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    store = Store(db_path)
    title = record["meta"]["title"]
    store.add_docs([ParsedDoc(text=record["text"], title=title, lang="en", source="g.txt")])
    store.add_suggestions([(1, _suggestions(record))], "gold", "1")
    yield store
    store.close()


def _grab(table, delegate):
    table.setItemDelegate(delegate)
    return table.viewport().grab().toImage()


def _differing(a, b) -> int:
    return sum(a.pixel(x, y) != b.pixel(x, y) for x in range(a.width()) for y in range(a.height()))


@pytest.mark.parametrize("events", [False, True])
def test_review_list_painting_equals_the_styles_item_painting(make_window, project, events):
    window = make_window(project, WHO, worker=False)
    c = window.controller
    c.accept()  # a gold row
    c.reject()  # a rejected row, struck through
    c.move_current(1)
    if events:
        window.review_panel.show_mode(True)
        c.set_mode("events")
        c.accept()
        c.expand_event(True)
        c.move_current(1)  # an argument row selected
    panel = window.review_panel
    table = panel.event_table if events else panel.table
    assert isinstance(table.itemDelegate(), CellsDelegate)
    assert table.model().rowCount() > 8
    ours = _grab(table, table.itemDelegate())
    styled = _grab(table, QStyledItemDelegate(table))
    assert _differing(ours, styled) == 0
    assert table.selectionModel().selectedRows()  # the selected row is in the picture
    assert table.model().index(0, 0).data(Qt.ItemDataRole.DisplayRole) is not None
