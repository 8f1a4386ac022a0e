"""Worker processes that never outlive the process that started them.

A pool worker blocked on its task queue does not notice that its parent was SIGKILLed:
it goes on parsing (or holding a spaCy pipeline's memory) for minutes. Pools pass
:func:`die_with_parent` as their initializer: on Linux the kernel sends SIGKILL when the
parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and as a second guard, a daemon
thread notices the parent is gone (the worker was re-parented) and exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: end this worker when ``parent_pid`` ends."""
    if sys.platform.startswith("linux"):
        # no libc to ask: the watcher below still works
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), daemon=True).start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(POLL_SECONDS)
    os._exit(1)
