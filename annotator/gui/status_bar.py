"""The status bar's permanent labels give way to its messages.

The messages (saved or not, locked, a conflict) are the window's only feedback for what a
key did, and QStatusBar paints them in whatever its permanent widgets leave. At 1366 px,
or at a HiDPI scale (``QT_SCALE_FACTOR=2``: 800 logical px), the model's version string
alone took most of the bar and a message showed as "Mo". So the permanent labels share at
most 45 % of the bar, the most useful first (progress, who, pace, model); what does not
fit is elided, its whole text in the label's tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QLabel, QSizeGrip, QStatusBar, QWidget

SHARE = 0.45  # of the bar's width, at most, for the permanent widgets: the message gets the rest
MIN_CHARS = "Mo…"  # the least a label keeps (its tooltip holds the rest)


class ElidedLabel(QLabel):
    """A label whose text is elided to the width it gets, the whole of it in its tooltip
    (before any tooltip of its own). ``text()`` is the whole text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        self.setText(text)

    def text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        if text != self._full:
            self._full = text
            self.updateGeometry()
            self._refit()

    def setToolTip(self, tip: str) -> None:  # noqa: N802 (Qt override)
        self._tip = tip
        self._refit()

    def full_width(self) -> int:
        """The width that shows the whole text (the label's size hint)."""
        return self.sizeHint().width()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().sizeHint()
        fm = self.fontMetrics()
        hint.setWidth(
            hint.width() + fm.horizontalAdvance(self._full) - fm.horizontalAdvance(super().text())
        )
        return hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().minimumSizeHint()
        fm = self.fontMetrics()
        least = fm.horizontalAdvance(MIN_CHARS) + self._padding()
        hint.setWidth(min(self.full_width(), least))
        return hint

    def resizeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._refit()

    def _padding(self) -> int:
        return self.width() - self.contentsRect().width()

    def _refit(self) -> None:
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        if shown != super().text():
            super().setText(shown)
        cut = shown != self._full
        super().setToolTip("\n".join(t for t in (self._full if cut else "", self._tip) if t))


class StatusFitter(QObject):
    """Keeps ``labels`` (most useful first) within :data:`SHARE` of ``bar``'s width, less
    what its ``others`` (permanent widgets that come and go) take when shown; call
    :meth:`fit` after a text changes (the bar's resizes and the others' showing do)."""

    def __init__(
        self, bar: QStatusBar, labels: Sequence[ElidedLabel], others: Sequence[QWidget]
    ) -> None:
        super().__init__(bar)
        self.bar = bar
        self.labels = list(labels)
        self.others = list(others)
        for widget in (bar, *self.others):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == QEvent.Type.Resize and watched is self.bar:
            self.fit()
        elif kind in (QEvent.Type.Show, QEvent.Type.Hide) and watched is not self.bar:
            self.fit()
        return False

    def fit(self) -> None:
        shown = [label for label in self.labels if label.isVisibleTo(self.bar)]
        others = [w for w in self.others if w.isVisibleTo(self.bar)]
        layout = self.bar.layout()
        gaps = (layout.spacing() if layout is not None else 6) * (len(shown) + len(others) + 1)
        grip = self.bar.findChild(QSizeGrip)
        grip_width = grip.sizeHint().width() if grip and grip.isVisibleTo(self.bar) else 0
        budget = int(self.bar.width() * SHARE) - gaps - grip_width
        budget -= sum(w.sizeHint().width() for w in others)
        least = [label.minimumSizeHint().width() for label in shown]
        for n, label in enumerate(shown):
            # the rest keep their least; this one takes what it needs of what is left
            room = max(least[n], budget - sum(least[n + 1 :]))
            width = min(label.full_width(), room)
            label.setMaximumWidth(width)
            budget -= width
