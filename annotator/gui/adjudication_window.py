"""The window's adjudication mode (Ctrl+Shift+A): the adjudication table under the
text, the text showing the adjudicated version, and the keys that change meaning while it
is on (a mixin of :class:`~annotator.gui.window.MainWindow`; the work is done by
:class:`~annotator.gui.adjudication.AdjudicationSession`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.review import GOLD  # the state of a gold span in the view
from annotator.gui.adjudication import AdjudicationSession, AdjudicationUpdate
from annotator.store.team import ADJUDICATOR

if TYPE_CHECKING:
    from annotator.core.review import Review
    from annotator.gui.text_view import ViewSpan
    from annotator.gui.window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class AdjudicationMixin(_Base):
    # keys whose meaning changes in adjudication (the rest are shut while it is on)

    def reject(self) -> None:
        a = self.adjudication
        a.take_none() if a is not None else self.controller.reject()

    def delete(self) -> None:
        a = self.adjudication
        a.take_none() if a is not None else self.controller.delete()

    def move_current(self, step: int) -> None:
        a = self.adjudication
        a.move(step) if a is not None else self.controller.move_current(step)

    def move_boundary(self, edge: str, step: int) -> None:
        a = self.adjudication
        a.move_boundary(edge, step) if a is not None else self.controller.move_boundary(edge, step)

    def undo(self) -> None:
        a = self.adjudication
        a.undo() if a is not None else self.controller.undo()

    def redo(self) -> None:
        a = self.adjudication
        a.redo() if a is not None else self.controller.redo()

    def done_and_next(self) -> None:
        a = self.adjudication
        a.mark_done() if a is not None else self.controller.done_and_next()

    # -- adjudication ----------------------------------------------------------------------

    def toggle_adjudication(self) -> None:
        """Adjudicate the open article (Ctrl+Shift+A), or leave it (again, or Escape)."""
        if self.adjudication is not None:
            self.leave_adjudication()
        else:
            self.enter_adjudication()

    def enter_adjudication(self) -> AdjudicationSession | None:
        c = self.controller
        if c.article is None:
            return None
        session = AdjudicationSession(c.store, c.article, lambda: c.tokens, self)
        if len(session.names) < 2:
            who = session.names[0] if session.names else "no annotator"
            self.statusBar().showMessage(
                f"Nothing to adjudicate: only {who} annotated this article.", 8000
            )
            session.deleteLater()
            return None
        self.adjudication = session
        session.start()
        session.changed.connect(self._on_adjudication_changed)
        session.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        # the details take the review panel's place: the same width, so the text is not
        # laid out again (most of the time of opening a long article here)
        self.adjudication_details.show_row(session)
        self.side.setCurrentWidget(self.adjudication_details)
        self._hints_were_shown = not self.hint_bar.isHidden()
        self.hint_bar.hide()  # its keys are the normal view's: the panel's heading has these
        self.adjudication_panel.show_session(session)
        self.adjudication_panel.show()
        gold = [(s.start, s.end, s.label, GOLD) for s in session.gold_spans()]
        self._show_adjudicated(_changed(_view_spans(c.review), gold))
        self.update_status()
        self.text.setFocus()
        return session

    def leave_adjudication(self) -> None:
        session, self.adjudication = self.adjudication, None
        if session is None:
            return
        session.deleteLater()
        self.adjudication_panel.hide()
        self.adjudication_panel.show_session(None)
        self.side.setCurrentWidget(self.review_panel)
        self.adjudication_details.show_row(None)
        self.hint_bar.setVisible(getattr(self, "_hints_were_shown", True))
        c = self.controller
        if c.annotator == ADJUDICATOR:  # the normal view shows the version just edited
            c.reload()
        elif c.review is not None:  # suggestions may have come meanwhile
            gold = [(s.start, s.end, s.label, GOLD) for s in session.gold_spans()]
            shown = _view_spans(c.review)
            self.text.update_spans(shown, _changed(gold, shown))
            self.review_panel.show_review(c.review)
            self.review_panel.show_events(c.events)
        self.sync_text_layer()
        self.update_status()
        self.statusBar().showMessage("Adjudication closed.", 4000)

    def next_disagreement(self, step: int) -> None:
        if self.adjudication is None:
            self.statusBar().showMessage("Ctrl+Shift+A adjudicates this article first.", 5000)
            return
        self.adjudication.next_disagreement(step)

    def _on_adjudication_changed(self, update: AdjudicationUpdate) -> None:
        self.adjudication_details.show_row(self.adjudication)
        if update.current_only:
            self.adjudication_panel.show_current(self.adjudication)
            self._show_adjudication_current()
            return
        self._show_adjudicated(update.ranges)
        self.adjudication_panel.refresh(self.adjudication)
        self.list_model.refresh_article(self.adjudication.article.id)

    def _on_adjudication_row_clicked(self, row: int) -> None:
        if self.adjudication is not None:
            self.adjudication.set_current(row)

    def _show_adjudicated(self, ranges: tuple[tuple[int, int], ...] | None) -> None:
        """The text shows the adjudicated version's entities, the current row outlined."""
        a = self.adjudication
        spans = [(s.start, s.end, s.label, GOLD) for s in a.gold_spans()]
        if ranges != ():
            self.text.set_event_overlay(None, reveal=False)
            self.text.update_spans(spans, ranges)
        self._show_adjudication_current()

    def _show_adjudication_current(self) -> None:
        row = self.adjudication.current_row if self.adjudication else None
        self.text.set_current((row.span.start, row.span.end, row.span.label) if row else None)


def _changed(old: list[ViewSpan], new: list[ViewSpan]) -> list[tuple[int, int]] | None:
    """The stretches of text whose spans differ between two views (None: so many that
    re-highlighting everything is quicker): the rest of a long article keeps its layout."""
    differ = set(old) ^ set(new)
    if len(differ) > 64:
        return None
    return sorted({(s[0], s[1]) for s in differ})


def _view_spans(review: Review | None) -> list[ViewSpan]:
    from annotator.gui.window import view_spans  # the window imports this module first

    return view_spans(review)
