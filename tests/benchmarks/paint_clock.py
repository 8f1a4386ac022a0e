"""Shared by the window benchmarks: how long until a widget's change is on screen."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication


class PaintClock(QObject):
    """Records when a widget last began a paint event (an event filter runs before the
    widget's own handler: ``wait_painted`` times the end of the frame)."""

    def __init__(self, widget) -> None:  # noqa: ANN001
        super().__init__()
        self.painted_at = 0.0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802, ANN001
        if event.type() == QEvent.Type.Paint:
            self.painted_at = time.perf_counter()
        return False


def wait_painted(clock: PaintClock, since: float, timeout: float = 2.0) -> float:
    """Seconds from ``since`` until the end of the event-loop pass in which the clock's
    widget painted: the whole frame (every widget that changed painted, the window
    flushed), as the user sees it."""
    app = QApplication.instance()
    end = since + timeout
    while time.perf_counter() < end:
        app.processEvents()
        if clock.painted_at > since:
            break
    return time.perf_counter() - since
