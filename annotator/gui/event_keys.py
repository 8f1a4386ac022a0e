"""The event keys that need a second key: ``E`` then a type, ``R`` then a span and a role.

Both open a :class:`~annotator.gui.choice_popup.ChoicePopup` by the text listing the keys
the schema gives (types; the roles of the current event's type). The argument picker
offers the entity spans near the trigger, nearest first (J/K walk them, the text outlines
the one offered); a text selection, or the current entity, is offered first. The final
key makes ONE command through the controller. Also here: the event layer of the text,
built from the review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint

from annotator.core.event_review import EventReview, argument_candidates, type_keys
from annotator.core.models import Span
from annotator.core.review import trim
from annotator.core.schema import ANY_SPAN, EventSchema
from annotator.gui.choice_popup import Choice, ChoicePopup, place, united
from annotator.gui.controller import ENTITIES, EVENTS
from annotator.gui.event_list import role_index
from annotator.gui.overlay import EventOverlay, Mark
from annotator.gui.styles import SpanStyles

if TYPE_CHECKING:
    from annotator.gui.window import MainWindow


class EventKeys(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.popup = ChoicePopup(window)
        self.popup.chosen.connect(self._on_popup_chosen)
        self.popup.stepped.connect(self._on_popup_stepped)
        self.popup.cancelled.connect(self._on_popup_cancelled)
        self._purpose = ""  # "create" | "retype" | "argument"
        self._selection: tuple[int, int] | None = None
        self.candidates: list[Span] = []
        self.position = 0

    @property
    def controller(self):  # noqa: ANN201
        return self.window.controller

    @property
    def candidate(self) -> Span | None:
        if self._purpose != "argument" or not self.candidates:
            return None
        return self.candidates[self.position % len(self.candidates)]

    # -- E: a new event, or another type for the current one ---------------------------

    def new_event(self) -> None:
        c = self.controller
        if c.events is None:
            return
        selection = self.window.text.snapped_selection()
        start, end = trim(c.article.text, *selection) if selection else (0, 0)
        if end > start:
            self._open_types("create", (start, end), "New event: press its type key")
        elif c.mode == EVENTS and c.events.current_item is not None:
            trigger = c.events.current_item.event.trigger
            self._open_types("retype", (trigger.start, trigger.end), "Change the event's type")
        else:
            self._say("Select the trigger word first (Shift+arrows or the mouse), then E.")

    def _open_types(self, purpose: str, where: tuple[int, int], title: str) -> None:
        self._purpose, self._selection = purpose, where
        schema: EventSchema = self.controller.schema
        choices = [
            Choice(key, name, name, hint=schema.types[name].description)
            for key, name in type_keys(schema)
        ]
        text = " ".join(self.controller.article.text[where[0] : where[1]].split())
        self.popup.open(title, choices, lambda: self._anchor(*where), subtitle=f"“{text}”")

    # -- R: an argument for the current event ------------------------------------------

    def add_argument(self) -> None:
        c = self.controller
        item = c.events.current_item if c.events else None
        if item is None or item.state == "rejected":
            self._say("No event to add to: pick one in the Events list (Tab), or make one with E.")
            return
        first = self._offered_first()
        trigger = item.event.trigger
        if first is not None and (first.start, first.end) == (trigger.start, trigger.end):
            first = None  # the selection the event was just made from: not its argument
        taken = [a.span for a in item.event.arguments]
        spans = argument_candidates(c.article.text, item.event.trigger, c.argument_spans(), taken)
        self.candidates = ([first] if first else []) + [s for s in spans if s != first]
        if not self.candidates:
            self._say("No entity spans in this article: select the argument's text first.")
            return
        self._purpose, self.position = "argument", 0
        c.set_mode(EVENTS)
        self.window.sync_text_layer()  # shows (and scrolls to) the first candidate
        title = f"Argument for {item.event.type}: press a role key"
        self.popup.open(
            title,
            self._role_choices(),
            lambda: self._anchor(*self._span_range()),
            subtitle=self._candidate_text(),
            footer="J / K: another span · Esc closes",
        )

    def _offered_first(self) -> Span | None:
        """A text selection (an entity's label if it is one, else SPAN), else the current
        entity when the entities list is active."""
        c = self.controller
        selection = self.window.text.snapped_selection()
        if selection:
            start, end = trim(c.article.text, *selection)
            if end > start:
                same = [s for s in c.argument_spans() if (s.start, s.end) == (start, end)]
                return same[0] if same else Span(start, end, ANY_SPAN)
        if c.mode == ENTITIES and c.review and c.review.current_item:
            return c.review.current_item.span
        return None

    def _role_choices(self) -> list[Choice]:
        events: EventReview = self.controller.events
        span = self.candidate
        styles: SpanStyles = self.window.styles
        return [
            Choice(
                str(n + 1),
                role.name,
                f"{role.name}{'' if role.cardinality == '1' else role.cardinality}",
                styles.role_ink(n).name(),
                enabled=span is None or role.allows(span.label),
                hint=" ".join(sorted(role.labels)),
            )
            for n, role in enumerate(events.roles()[:9])
        ]

    def _candidate_text(self) -> str:
        span = self.candidate
        text = " ".join(self.controller.article.text[span.start : span.end].split())
        where = f"{self.position % len(self.candidates) + 1}/{len(self.candidates)}"
        return f"“{text}”  {span.label}   ({where})"

    def _span_range(self) -> tuple[int, int]:
        span = self.candidate
        return span.start, span.end

    # -- the popup's answers ------------------------------------------------------------

    def _on_popup_chosen(self, value: str) -> None:
        purpose, c = self._purpose, self.controller
        span, selection = self.candidate, self._selection
        self._purpose = ""
        if purpose == "create":
            c.create_event(*selection, value)
        elif purpose == "retype":
            c.retype_event(value)
        elif purpose == "argument" and span is not None:
            if not c.add_argument(span, value):
                self._say("Not added: that span already fills this role.")
        self.window.sync_text_layer()
        self.window.text.setFocus()

    def _on_popup_stepped(self, step: int) -> None:
        if self._purpose != "argument" or not self.candidates:
            return
        self.position = (self.position + step) % len(self.candidates)
        self.popup.set_choices(self._role_choices(), self._candidate_text())
        self.window.sync_text_layer()
        self.popup.move(self._anchor(*self._span_range()))

    def _on_popup_cancelled(self) -> None:
        self._purpose = ""
        self.window.sync_text_layer()
        self.window.text.setFocus()

    # -- helpers --------------------------------------------------------------------------

    def _anchor(self, start: int, end: int) -> QPoint:
        """Near the range, covering neither it nor the current event's trigger, arguments
        and rows in the events list (:func:`~annotator.gui.choice_popup.place`)."""
        view = self.window.text
        target = view.global_rects(start, end)
        if not target:
            return view.viewport().mapToGlobal(QPoint(24, 24))
        item = self.controller.events.current_item if self.controller.events else None
        spans = [item.event.trigger, *(a.span for a in item.event.arguments)] if item else []
        avoid = [r for s in spans for r in view.global_rects(s.start, s.end)]
        avoid += self.window.review_panel.current_event_rects()
        bounds = view.screen().availableGeometry()
        return place(self.popup.sizeHint(), united(target), avoid, bounds)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)


def event_overlay(
    events: EventReview | None, styles: SpanStyles, candidate: Span | None = None
) -> EventOverlay | None:
    """The text's event layer for the events list's current row (and a candidate)."""
    if events is None:
        return None
    triggers = tuple(
        (it.event.trigger.start, it.event.trigger.end, it.is_gold)
        for it in events.items
        if it.state != "rejected"
    )
    item, row = events.current_item, events.current_row
    if item is None or item.state == "rejected":
        return EventOverlay(triggers, candidate=_range(candidate))
    schema = events.schema
    marks = tuple(
        Mark(
            a.span.start,
            a.span.end,
            a.role,
            styles.role_ink(role_index(schema, item.event.type, a.role)).name(),
        )
        for a in item.event.arguments
    )
    current = events.current_argument
    return EventOverlay(
        triggers,
        _range(item.event.trigger),
        item.event.type,
        marks,
        _range(current.span) if current and row else None,
        _range(candidate),
        f"+ {candidate.label}" if candidate else "",
    )


def _range(span: Span | None) -> tuple[int, int] | None:
    return (span.start, span.end) if span else None
