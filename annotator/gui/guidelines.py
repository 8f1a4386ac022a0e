"""The guideline of the current item at a key (F2), not only on hover over the palette.

A small panel under the text, non-modal: the keys keep working while it is open and it
follows the current item. In the entities list it shows the current span's label (key,
description, guideline); in the events list the current event's type (description, roles
with the labels they take, attributes) and, on an argument row, that argument's label.
F2 again or Escape closes it. The texts come from the label set and the event schema.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from annotator.core.event_review import EventReview
from annotator.core.labels import LabelSet
from annotator.core.review import Review
from annotator.core.schema import ANY_SPAN, EventSchema, EventType

CLOSE_NOTE = "<span style='color:#6b7078'>F2 or Esc closes</span>"


def label_html(labels: LabelSet, name: str) -> str:
    label = labels.get(name)
    key = f" — key {label.key}" if label.key else " — L, then type its name"
    parts = [f"<b>{escape(name)}</b>{key}"]
    if label.description:
        parts.append(f"<i>{escape(label.description)}</i>")
    parts.append(escape(label.guideline) if label.guideline else "No guideline for this label.")
    return "<br>".join(parts)


def event_type_html(etype: EventType | None, name: str, schema: EventSchema) -> str:
    if etype is None:
        return f"<b>{escape(name)}</b>: not a type of the schema {escape(schema.name)}"
    parts = [f"<b>{escape(etype.name)}</b> (event type)"]
    if etype.description:
        parts.append(escape(etype.description))
    for n, role in enumerate(etype.roles, 1):
        takes = "any span" if ANY_SPAN in role.labels else ", ".join(sorted(role.labels))
        parts.append(f"{n}&nbsp;<b>{escape(role.name)}</b>{escape(role.cardinality)}: {takes}")
    for attr in schema.attributes.values():
        values = " / ".join(str(v) for v in attr.values)
        parts.append(f"<i>{escape(attr.name)}</i>: {escape(values)}")
    return "<br>".join(parts)


def entity_guideline(labels: LabelSet, review: Review | None) -> str:
    item = review.current_item if review else None
    if item is None:
        return "No current span: J / K choose one."
    return label_html(labels, item.span.label)


def event_guideline(labels: LabelSet, events: EventReview | None) -> str:
    item = events.current_item if events else None
    if item is None:
        return "No current event: J / K choose one, E makes one from the selection."
    html = event_type_html(events.schema.get(item.event.type), item.event.type, events.schema)
    argument = events.current_argument
    if argument is not None:
        html += f"<hr>Argument <b>{escape(argument.role)}</b>: "
        html += label_html(labels, argument.span.label)
    return html


class GuidelinePanel(QFrame):
    """The guideline text in a quiet frame; ``show_html`` fills it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidelinePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#guidelinePanel { background:#fffdf3; border:1px solid #e2dcc0;"
            " border-radius:4px; }"
        )
        self.body = QLabel()
        self.body.setObjectName("guidelineText")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.body)
        self.hide()

    def show_html(self, html: str) -> None:
        self.body.setText(f"{html}<br>{CLOSE_NOTE}")

    @property
    def text(self) -> str:
        return self.body.text()
