"""Shared by the window benchmarks: when did a widget last finish painting."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject


class PaintClock(QObject):
    """Records when a widget last finished a paint event."""

    def __init__(self, widget) -> None:  # noqa: ANN001
        super().__init__()
        self.painted_at = 0.0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802, ANN001
        if event.type() == QEvent.Type.Paint:
            self.painted_at = time.perf_counter()
        return False
