"""The store's one way to write: ``BEGIN IMMEDIATE``, a bounded wait, commit or nothing.

sqlite-utils' ``atomic()`` opens a plain (deferred) ``BEGIN``: in WAL mode a transaction
that reads and then writes while another connection writes gets SQLITE_BUSY at once,
whatever ``busy_timeout`` says. ``BEGIN IMMEDIATE`` takes the write lock up front, so
``busy_timeout`` (and the retry loop here, up to ``lock_timeout``) waits for the other
writer instead. Nested writes (sqlite-utils' own ``atomic()`` inside) become savepoints.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import sqlite_utils

from annotator.store.errors import LockedError, is_locked

T = TypeVar("T")


class WriteMixin:
    db: sqlite_utils.Database
    _lock_timeout: float = 30.0

    @property
    def lock_timeout(self) -> float:
        """Seconds a write waits for another process's write before LockedError."""
        return self._lock_timeout

    @lock_timeout.setter
    def lock_timeout(self, seconds: float) -> None:
        self._lock_timeout = seconds
        # SQLite's own wait inside one attempt; the loop below retries up to the rest
        self.db.execute(f"PRAGMA busy_timeout={int(min(seconds, 5) * 1000)}")

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction: everything in it lands, or nothing does."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        self._wait_for_lock(lambda: conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.db
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _wait_for_lock(self, step: Callable[[], T]) -> T:
        """Run ``step`` until another process's write lock lets it, up to lock_timeout."""
        deadline = time.monotonic() + self.lock_timeout
        pause = 0.005
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if not is_locked(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise LockedError(
                        "the project is locked by another program writing to it "
                        f"(waited {self.lock_timeout:g} s); try again"
                    ) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
