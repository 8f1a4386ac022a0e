"""What the window remembers in QSettings, and the rule that keeps the text readable.

Pane widths: the article text always keeps the most room — at least ``TEXT_SHARE`` of the
splitter, at least ``TEXT_MIN`` px, and never narrower than a side pane — whatever size the
window has or the saved state says (a state saved on a wide screen or by an old version
could squash it). :func:`fit_sizes` is that rule as a pure function; :class:`PaneSplitter`
applies it on every resize and handle drag.

The session: the project, the article that was open and its current item (entity span,
event, mode), so that a restart goes back to where the annotator was.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

from annotator.core.event_review import EventFocus
from annotator.core.models import Span
from annotator.core.review import Focus
from annotator.gui.controller import ENTITIES, EVENTS, Controller

TEXT_MIN = 400  # px (logical): ~45 characters of the text beside the margin notes
TEXT_SHARE = 0.45  # of the splitter's width
LIST_MIN = 180
LIST, TEXT, REVIEW = 0, 1, 2
STRETCH = (22, 50, 28)  # how a wider (or narrower) window shares its change of width


def fit_sizes(sizes: Sequence[int], mins: Sequence[int], share: float = TEXT_SHARE) -> list[int]:
    """(list, text, review) widths with the text given the most room: at least ``share``
    of the total and its minimum, and at least as wide as either side pane. Side panes
    give up room down to their minimum; a hidden pane (0) stays 0."""
    total = sum(sizes)
    sides = [sizes[LIST], sizes[REVIEW]]
    side_mins = [mins[LIST] if sides[0] else 0, mins[REVIEW] if sides[1] else 0]
    want = max(sizes[TEXT], mins[TEXT], math.ceil(share * total))
    want = min(want, total - sum(side_mins))
    sides = _shrink(sides, side_mins, total - want)
    text = total - sum(sides)
    for i in (0, 1):  # the text is the widest pane
        if sides[i] > text:
            give = math.ceil((sides[i] - text) / 2)
            sides[i] -= give
            text += give
    return [sides[0], text, sides[1]]


def _shrink(sides: list[int], mins: list[int], room: int) -> list[int]:
    """Take the excess over ``room`` from the panes, in proportion to what each can give."""
    excess = sum(sides) - room
    slack = [max(s - m, 0) for s, m in zip(sides, mins)]
    if excess <= 0 or not sum(slack):
        return sides
    take = [min(sl, math.ceil(excess * sl / sum(slack))) for sl in slack]
    return [s - t for s, t in zip(sides, take)]


def default_sizes(width: int, mins: Sequence[int]) -> list[int]:
    """First start: list ~22 %, review ~28 % (not below their minimums), text the rest."""
    sides = [max(mins[LIST], int(width * 0.22)), max(mins[REVIEW], int(width * 0.28))]
    return fit_sizes([sides[0], width - sum(sides), sides[1]], mins)


class PaneSplitter(QSplitter):
    """The three panes side by side; the text keeps the most room (:func:`fit_sizes`)."""

    def __init__(self, panes: Sequence[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        for pane in panes:
            self.addWidget(pane)
        self.setChildrenCollapsible(False)  # the list hides with its key, not by a drag
        # a wider window widens every pane in reading proportions (the list's titles and
        # the review's columns were cut at 1920 px while text lines ran to 150 characters);
        # fit() keeps the text the widest with at least its share
        for index, stretch in enumerate(STRETCH):
            self.setStretchFactor(index, stretch)
        self.splitterMoved.connect(lambda *_: self.fit())

    def minimums(self) -> list[int]:
        return [
            max(self.widget(i).minimumWidth(), self.widget(i).minimumSizeHint().width())
            for i in range(self.count())
        ]

    def fit(self) -> None:
        """Apply :func:`fit_sizes` to the panes (a pane just hidden or shown included:
        the text takes what the sizes Qt has not yet laid out leave over)."""
        shown = [not self.widget(i).isHidden() for i in range(self.count())]
        sizes = [s if on else 0 for s, on in zip(self.sizes(), shown)]
        room = self.width() - self.handleWidth() * (sum(shown) - 1)
        if room <= 0 or sum(sizes) <= 0:
            return
        sizes[TEXT] = max(0, sizes[TEXT] + room - sum(sizes))
        fitted = fit_sizes(sizes, self.minimums())
        if fitted != self.sizes():
            self.setSizes(fitted)

    def set_default_sizes(self, width: int) -> None:
        sizes = default_sizes(width, self.minimums())
        if self.widget(LIST).isHidden():
            sizes = fit_sizes([0, sizes[TEXT] + sizes[LIST], sizes[REVIEW]], self.minimums())
        self.setSizes(sizes)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.fit()


# -- the session: where the annotator was ---------------------------------------------------


@dataclass(frozen=True)
class Session:
    project: str
    article_id: int
    mode: str = ENTITIES
    span: Span | None = None  # the current entity item
    event: EventFocus = EventFocus()

    @property
    def focus(self) -> Focus:
        return Focus(self.span)


def project_key(path: Path) -> str:
    return str(Path(path).resolve())


def session_of(c: Controller) -> Session | None:
    """The controller's open article and current items (None: nothing to remember)."""
    if c.article is None or c.store.path is None:
        return None
    item = c.review.current_item if c.review else None
    span = item.span if item else None
    session = Session(project_key(c.store.path), c.article.id, c.mode, span)
    return replace(session, event=c.events.here()) if c.events else session


def reopen(c: Controller, session: Session | None) -> bool:
    """Open the session's article on its items and list; False when it cannot be (none
    saved, another project, the article is gone)."""
    if session is None or c.store.path is None or session.project != project_key(c.store.path):
        return False
    try:
        c.store.get_article(session.article_id)
    except KeyError:
        return False
    c.open_article(session.article_id)
    if session.span is not None and c.review is not None:
        c.set_current(c.review.locate(session.focus), ENTITIES)
    if session.event.trigger is not None and c.events is not None:
        c.set_current(c.events.locate(session.event), EVENTS)
    c.set_mode(session.mode)
    return True


def _group(project: str) -> str:
    """Each project's session under its own key: reopening one project goes to where the
    annotator was in it, whichever other project was opened since."""
    return "sessions/" + hashlib.sha1(project.encode("utf-8")).hexdigest()[:16]


def save_session(settings: QSettings, session: Session) -> None:
    g = _group(session.project)
    settings.setValue(f"{g}/project", session.project)
    settings.setValue(f"{g}/article", session.article_id)
    settings.setValue(f"{g}/mode", session.mode)
    settings.setValue(f"{g}/span", _span_text(session.span))
    event = session.event
    settings.setValue(f"{g}/trigger", _span_text(event.trigger))
    settings.setValue(f"{g}/event_uid", event.uid or "")
    settings.setValue(f"{g}/argument", -1 if event.argument is None else event.argument)


def load_session(settings: QSettings, project: str) -> Session | None:
    """The session saved for ``project`` (a :func:`project_key`), or None when there is
    none or it cannot be read. The single session older versions kept (``session/``)
    counts when it is this project's."""
    found = _read(settings, _group(project))
    if found is None:
        found = _read(settings, "session")
    return found if found is not None and found.project == project else None


def _read(settings: QSettings, g: str) -> Session | None:
    try:
        article = int(settings.value(f"{g}/article", -1))
        argument = int(settings.value(f"{g}/argument", -1))
    except (TypeError, ValueError):
        return None
    if article < 0:
        return None
    event = EventFocus(
        _span(settings.value(f"{g}/trigger", "")),
        str(settings.value(f"{g}/event_uid", "")) or None,
        None if argument < 0 else argument,
    )
    return Session(
        str(settings.value(f"{g}/project", "")),
        article,
        str(settings.value(f"{g}/mode", "entities")),
        _span(settings.value(f"{g}/span", "")),
        event,
    )


def _span_text(span: Span | None) -> str:
    return "" if span is None else f"{span.start},{span.end},{span.label}"


def _span(text: object) -> Span | None:
    parts = str(text or "").split(",", 2)
    if len(parts) != 3:
        return None
    try:
        return Span(int(parts[0]), int(parts[1]), parts[2])
    except ValueError:
        return None
