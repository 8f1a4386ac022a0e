"""Progress figures for the status bar: done / total, today's decisions, pace.

Counted once from the store when a project opens, then kept up to date in memory, so a
keystroke never waits for a count over a 100,000-article table.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import UTC, datetime

from annotator.store import Store, browse

WINDOW = 300.0  # seconds of recent work the pace is measured over


def local_midnight_utc() -> str:
    """Today's local midnight as the ISO UTC stamp the decisions log uses."""
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).isoformat(timespec="milliseconds")


class SessionStats:
    def __init__(self, store: Store, annotator: str, clock=time.monotonic) -> None:  # noqa: ANN001
        self.store = store
        self.annotator = annotator
        self._clock = clock
        self._started = clock()
        self._today_before = store.decisions_since(local_midnight_utc(), annotator)
        self._recent: deque[float] = deque()
        self.session = 0
        self.refresh_counts()

    def record(self) -> None:
        now = self._clock()
        self.session += 1
        self._recent.append(now)
        while self._recent and now - self._recent[0] > WINDOW:
            self._recent.popleft()

    @property
    def today(self) -> int:
        return self._today_before + self.session

    def per_minute(self) -> float:
        """Decisions per minute over the last five minutes of this session."""
        now = self._clock()
        while self._recent and now - self._recent[0] > WINDOW:
            self._recent.popleft()
        if not self._recent:
            return 0.0
        span = min(WINDOW, now - self._started)
        return len(self._recent) / max(span / 60.0, 0.5)

    def refresh_counts(self) -> None:
        counts = browse.status_counts(self.store, self.annotator)
        self.total = sum(counts.values())
        self.done = counts.get("done", 0)
        self.skipped = counts.get("skipped", 0)
