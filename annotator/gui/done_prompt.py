"""The question Ctrl+Enter asks when the article still has pending suggestions.

A done article is exported as complete, so what is still pending must be decided first:
``A`` accepts the rest, ``X`` rejects the rest (each then marks done: one command, one
undo step), ``C``, Return or Escape cancel and leave the article as it was. The popup is
the window's :class:`~annotator.gui.choice_popup.ChoicePopup`, over the top of the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint

from annotator.gui.choice_popup import Choice, ChoicePopup
from annotator.gui.prefs import DONE_ACCEPT, DONE_REJECT

if TYPE_CHECKING:
    from annotator.gui.window import MainWindow

CANCEL = "cancel"
CHOICES = (
    Choice("a", DONE_ACCEPT, "Accept the rest, then mark done", "#2f855a"),
    Choice("x", DONE_REJECT, "Reject the rest, then mark done", "#c53030"),
    Choice("c", CANCEL, "Cancel: keep reviewing this article", hint="Enter"),
)


class DonePrompt(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.popup = ChoicePopup(window)
        self.popup.setObjectName("donePrompt")
        self.popup.chosen.connect(self._on_popup_chosen)
        self.popup.cancelled.connect(self._on_popup_cancelled)
        self.article_id: int | None = None
        window.controller.done_held.connect(self._on_controller_done_held)

    def _on_controller_done_held(self, article_id: int, entities: int, events: int) -> None:
        self.article_id = article_id
        self.popup.open(
            "Mark done? Suggestions are still pending",
            CHOICES,
            self._anchor,
            subtitle=pending_text(entities, events),
            footer="Esc cancels · Settings: File → Preferences",
            default=CANCEL,
        )

    def _on_popup_chosen(self, value: str) -> None:
        article_id, self.article_id = self.article_id, None
        if value == CANCEL:
            self._on_popup_cancelled()
            return
        self.window.controller.finish_pending(value, article_id)
        self.window.text.setFocus()

    def _on_popup_cancelled(self) -> None:
        self.article_id = None
        self.window.statusBar().showMessage("Not marked done: decide the pending ones.", 6000)
        self.window.text.setFocus()

    def _anchor(self) -> QPoint:
        """Centred over the top of the text, where the eyes are."""
        viewport = self.window.text.viewport()
        x = max(8, (viewport.width() - self.popup.width()) // 2)
        return viewport.mapToGlobal(QPoint(x, 32))


def pending_text(entities: int, events: int) -> str:
    """E.g. "3 entity suggestions and 1 event suggestion are pending"."""
    parts = [
        f"{n} {kind} suggestion{'s' if n != 1 else ''}"
        for n, kind in ((entities, "entity"), (events, "event"))
        if n
    ]
    verb = "is" if entities + events == 1 else "are"
    return f"{' and '.join(parts)} {verb} pending."
