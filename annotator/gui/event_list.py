"""The events list of the review panel: each event, then one row per argument.

A table model over :class:`annotator.core.event_review.EventReview` rows. Event rows show
the type, the trigger, the attributes that differ from the defaults and the state; a
``⚠`` before the type says the event does not fit the schema (the tooltip says why).
Argument rows show the role (in its colour, the one the text underlines it with), the
text, the entity label and, for a suggestion, the rule that proposed it; a ``⚠`` before
the role says the entity's label does not fit the role (after a relabel, say).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from annotator.core.event_review import EventItem, EventReview, attribute_text
from annotator.core.models import Argument
from annotator.core.review import GOLD, PENDING, REJECTED
from annotator.core.schema import EventSchema
from annotator.gui.styles import TRIGGER_FILL, WARNING, SpanStyles
from annotator.gui.table_model import Cells, RowsModel

COLUMNS = ("Event / role", "Text", "Details", "State")
STATE_TEXT = {GOLD: "gold", PENDING: "pending", REJECTED: "rejected"}
MUTED = QColor("#9aa0a6")


@dataclass(frozen=True)
class RowView:
    """What one row shows; compared to find the rows a change touched."""

    item: EventItem
    argument: Argument | None
    role_index: int  # position of the role in the type's roles (-1: unknown role)
    misfit: bool = False  # the argument's entity label is not one its role takes
    expanded: bool = False  # an event row: J/K walk its arguments (▾) or pass them (▸)


def _model_added(item: EventItem) -> bool:
    """An event suggestion the learned trigger model added (a model's suggestion with a
    score: the lexicon's triggers have none; an import's score means something else)."""
    return item.score is not None and item.source != "import" and item.state != GOLD


def _model_trigger(score: float) -> str:
    """The details of an event the learned trigger model added: "trigger model p=.73"."""
    return f"trigger model p={score:.2f}".replace("=0.", "=.", 1)


def role_index(schema: EventSchema, event_type: str, role: str) -> int:
    etype = schema.get(event_type)
    names = etype.role_names if etype else []
    return names.index(role) if role in names else -1


def column_samples(schema: EventSchema, labels: Iterable[str]) -> dict[int, list[tuple[str, bool]]]:
    """The widest texts the fitted columns show, (text, bold): column 0 the event types
    (bold, with ▾ and ⚠) and the roles (with ⚠), column 2 the entity labels, column 3
    the states. The text column stretches; longer details are elided (the tooltip has
    them)."""
    types = [(f"▾ ⚠ {name}", True) for name in schema.types]
    roles = sorted({f"⚠ {r.name}" for t in schema.types.values() for r in t.roles})
    details = [(label, False) for label in labels]  # attributes and rules: the tooltip
    return {
        0: types + [(role, False) for role in roles],
        2: details,
        3: [(text, False) for text in STATE_TEXT.values()],
    }


class EventListModel(RowsModel[RowView]):
    """The events list (rows and cells as :class:`~annotator.gui.table_model.RowsModel`
    keeps them: a decision updates its rows in place)."""

    COLUMNS = COLUMNS

    def __init__(
        self, styles: SpanStyles, schema: EventSchema, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.styles = styles
        self.schema = schema

    def set_events(self, events: EventReview | None) -> None:
        """New rows; only the rows that differ are announced."""
        self.set_rows(self._views(events), events.text if events else "")

    def _views(self, events: EventReview | None) -> list[RowView]:
        out = []
        for row in events.rows if events else []:
            item = events.items[row.item]
            if row.argument is None:
                out.append(RowView(item, None, -1, expanded=events.is_expanded(row.item)))
            else:
                arg = item.event.arguments[row.argument]
                index = role_index(self.schema, item.event.type, arg.role)
                out.append(RowView(item, arg, index, self._misfit(item, arg)))
        return out

    def _misfit(self, item: EventItem, arg: Argument) -> bool:
        etype = self.schema.get(item.event.type)
        role = etype.role(arg.role) if etype else None
        return role is not None and not role.allows(arg.span.label)

    def row_view(self, row: int) -> RowView | None:
        return self.row_value(row)

    def make_cells(self, view: RowView) -> Cells:
        """Every role the row answers, one value per column."""
        columns = range(len(COLUMNS))
        cells: Cells = {
            Qt.ItemDataRole.DisplayRole: tuple(self._display(view, col) for col in columns),
            Qt.ItemDataRole.ToolTipRole: (self._tooltip(view),) * len(COLUMNS),
            Qt.ItemDataRole.DecorationRole: (self._decoration(view), None, None, None),
            Qt.ItemDataRole.ForegroundRole: tuple(self._foreground(view, c) for c in columns),
            Qt.ItemDataRole.FontRole: tuple(self._font(view, col) for col in columns),
        }
        return cells

    def _decoration(self, view: RowView) -> QColor | None:
        if view.argument is not None:
            return self.styles.role_ink(view.role_index)
        return TRIGGER_FILL if view.item.state != REJECTED else None

    def _display(self, view: RowView, col: int) -> str:
        item, arg = view.item, view.argument
        if arg is not None:
            mark = "⚠ " if view.misfit and item.state != REJECTED else "   "
            details = f"{arg.span.label} · {arg.rule}" if arg.rule else arg.span.label
            values = (mark + arg.role, self._span_text(arg.span), details, "")
        else:
            mark = "⚠ " if item.problems and item.state != REJECTED else ""
            if item.event.arguments and item.state != REJECTED:
                mark = ("▾ " if view.expanded else "▸ ") + mark
            trigger = self._span_text(item.event.trigger)
            details = attribute_text(item.event, self.schema)
            if _model_added(item):  # the trigger model added it: say how sure
                details = " · ".join(filter(None, (details, _model_trigger(item.score))))
            values = (mark + item.event.type, trigger, details, STATE_TEXT[item.state])
        return values[col]

    def _span_text(self, span: Any) -> str:
        return " ".join(self._text[span.start : span.end].split())

    def _tooltip(self, view: RowView) -> str:
        item = view.item
        event = item.event
        head = f"{event.type} “{self._span_text(event.trigger)}” — {STATE_TEXT[item.state]}"
        lines = [head, f"from {item.source}"]
        attributes = attribute_text(event, self.schema)
        if attributes and view.argument is None:
            lines.insert(1, attributes)
        if _model_added(item) and view.argument is None:
            lines.insert(
                1,
                f"a word the lexicon lacks, added by the trigger model "
                f"(probability {item.score:.2f})",
            )
        if view.argument is not None:
            arg = view.argument
            lines.insert(0, f"{arg.role}: {self._span_text(arg.span)} ({arg.span.label})")
            if arg.rule.startswith("model:"):  # the learned argument model, and how sure
                lines.insert(1, f"added by the argument model (probability {arg.rule[6:]})")
            elif arg.rule:
                lines.insert(1, f"proposed by the rule {arg.rule}")
            if view.misfit:
                lines.insert(1, f"⚠ {arg.role} does not take {arg.span.label}")
        lines += [f"⚠ {p}" for p in item.problems]
        return "\n".join(lines)

    def _foreground(self, view: RowView, col: int) -> QColor | None:
        if view.item.state == REJECTED:
            return MUTED
        if col == 0 and view.argument is None and view.item.problems:
            return WARNING
        if col == 0 and view.argument is not None:
            return WARNING if view.misfit else self.styles.role_ink(view.role_index)
        return None

    @staticmethod
    def _font(view: RowView, col: int) -> QFont | None:
        if view.argument is None and view.item.state != REJECTED and col < 2:
            font = QFont()
            font.setWeight(QFont.Weight.DemiBold)
            return font
        if view.item.state == REJECTED and col == 1:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None
