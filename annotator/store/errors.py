"""What can go wrong with a project file, as one line a user understands.

SQLite reports every failure as ``sqlite3.OperationalError`` / ``DatabaseError`` with a
terse message; the CLI and the window both show :func:`describe` of it instead, so "the
project is read-only" and "the disk is full" are never called "busy".
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


class StoreError(RuntimeError):
    """A project file that cannot be used; ``str(err)`` is one line for the user."""


class NotAProjectError(StoreError):
    """The file is an SQLite database of another program, or not a database at all."""


class NewerSchemaError(StoreError):
    """The project was written by a newer annotator."""


class LockedError(StoreError):
    """Another process held the write lock for longer than the wait allows."""


_REASONS = (
    (("locked", "busy"), "the project is locked by another program writing to it; try again"),
    (("readonly", "read-only"), "the project file (or its folder) is read-only"),
    (("disk is full", "database or disk is full"), "the disk is full"),
    (("not a database", "malformed", "file is encrypted"), "the file is not a usable project"),
    (("unable to open",), "the project file cannot be opened (missing folder or no permission)"),
    (("disk i/o error",), "a disk I/O error occurred while writing the project"),
)


def describe(exc: BaseException) -> str:
    """One line for an sqlite3 (or store) error: locked, read-only, disk full, not a project."""
    if isinstance(exc, StoreError):
        return str(exc)
    text = str(exc).lower()
    for needles, reason in _REASONS:
        if any(n in text for n in needles):
            return reason
    return f"database error: {exc}"


def is_locked(exc: BaseException) -> bool:
    """A write refused because another connection holds the lock (worth waiting for)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


READ_ONLY_FOLDER = (
    "its folder is read-only (a read-only disk or share): a project is opened with its -wal "
    "and -shm files beside it, which SQLite must be able to write there. Copy it to a "
    "writable folder, or bring its work in with `annotator merge FILE --into PROJECT`, "
    "which reads such files"
)


def read_only_folder(path: Path) -> bool:
    """Whether ``path``'s folder exists but cannot be written (a read-only mount, or no
    permission): SQLite then cannot open a WAL project there, even to read it."""
    folder = Path(path).absolute().parent
    return folder.is_dir() and not os.access(folder, os.W_OK)
