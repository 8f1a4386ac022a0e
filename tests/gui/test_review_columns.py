"""The review lists' columns fit what they show: the longest label, type and role are never
cut; the text column takes the rest; tooltips say what a cut text holds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from annotator.core.labels import load_labels
from annotator.core.models import Span, Suggestion
from annotator.core.review import Review
from annotator.core.schema import load_schema
from annotator.gui.review_panel import ReviewPanel
from annotator.gui.styles import SpanStyles

LABELS = load_labels()
SCHEMA = load_schema()
TEXT = "The Book of Abai is read in Astana by the Ministry of Culture and Information."


@pytest.fixture
def panel(qtbot):
    panel = ReviewPanel(LABELS, SpanStyles(LABELS), SCHEMA)
    qtbot.addWidget(panel)
    panel.resize(360, 500)  # the review pane of a 1024 px wide window
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _review() -> Review:
    spans = [Span(4, 16, "WORK_OF_ART"), Span(28, 34, "GPE"), Span(42, 77, "ORG")]
    pending = [(Suggestion(s, model="m", id=n + 1), "pending") for n, s in enumerate(spans)]
    return Review(1, TEXT, pending, [Span(28, 34, "GPE")])


def _icon(table) -> int:
    return table.style().pixelMetric(table.style().PixelMetric.PM_SmallIconSize, None, table)


def test_review_columns_label_column_fits_the_longest_label(panel):
    panel.show_review(_review())
    table = panel.table
    header = table.horizontalHeader()
    metrics = QFontMetrics(table.font())
    longest = max((label.name for label in LABELS.labels), key=metrics.horizontalAdvance)
    assert header.sectionSize(0) >= metrics.horizontalAdvance(longest) + _icon(table)
    assert table.sizeHintForColumn(0) <= header.sectionSize(0)  # "WORK_OF_ART" whole
    for col in (2, 3):
        assert table.sizeHintForColumn(col) <= header.sectionSize(col)
    assert header.sectionSize(1) > 60  # the text column keeps room at this width
    row = next(r for r in range(panel.model.rowCount()) if panel.model.item(r).span.start == 42)
    tip = panel.model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)  # all, if it is cut
    assert "Ministry of Culture and Information" in tip


def test_review_columns_role_column_fits_every_type_and_role_of_the_schema(panel):
    table = panel.event_table
    header = table.horizontalHeader()
    bold = QFont(table.font())
    bold.setWeight(QFont.Weight.DemiBold)
    types = [f"▾ ⚠ {name}" for name in SCHEMA.types]
    roles = [f"⚠ {r.name}" for t in SCHEMA.types.values() for r in t.roles]
    need = max(
        max(QFontMetrics(bold).horizontalAdvance(t) for t in types),
        max(QFontMetrics(table.font()).horizontalAdvance(r) for r in roles),
    )
    assert header.sectionSize(0) >= need + _icon(table)
    widest_label = max(QFontMetrics(table.font()).horizontalAdvance(x.name) for x in LABELS.labels)
    assert header.sectionSize(2) >= widest_label
    assert header.sectionSize(3) >= QFontMetrics(table.font()).horizontalAdvance("rejected")
