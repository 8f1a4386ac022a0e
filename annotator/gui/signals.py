"""SIGTERM, SIGHUP and SIGINT (logout, shutdown, ``kill``, Ctrl+C in the terminal) close
the window as ``Ctrl+Q`` does: its state saved, its workers stopped, the project closed
(SQLite then checkpoints its ``-wal`` file into the project file).

Python runs a signal handler only when the interpreter gets control, which a Qt event loop
waiting for input does not give it. So the C-level handler writes the signal's number to a
socket (``signal.set_wakeup_fd``) that a ``QSocketNotifier`` watches: the event loop wakes
at once and the slot closes the window on the GUI thread.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

# the signals that end a session from outside; SIGHUP does not exist on Windows
QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)


class SignalQuitter(QObject):
    """Calls ``on_signal(signum)`` on the GUI thread when one of ``signals`` arrives.

    Make it on the main thread (Python's rule for signal handlers); :meth:`restore` puts
    back the handlers and the wakeup fd that were there before.
    """

    def __init__(
        self,
        on_signal: Callable[[int], None],
        signals: tuple[int, ...] = QUIT_SIGNALS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._write.fileno())
        self._old = {s: signal.signal(s, _noted) for s in signals}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)

    def _on_notifier_activated(self) -> None:
        try:
            data = self._read.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        for signum in data:
            self._on_signal(signum)

    def restore(self) -> None:
        """The handlers and wakeup fd of before (idempotent)."""
        if self._write.fileno() < 0:
            return
        self._notifier.setEnabled(False)
        for signum, handler in self._old.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._old_fd)
        self._read.close()
        self._write.close()


def _noted(signum: int, frame: object) -> None:
    """Nothing to do here: the wakeup fd has told the event loop (see the module)."""
