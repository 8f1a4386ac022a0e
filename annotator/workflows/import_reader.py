"""Reading a large record file in a second process while this one stores what it read.

A bulk JSONL import spends about half its time parsing and checking records (JSON, the
spans' fields, the span rule) and half storing them. Both are CPU-bound, so a worker
process reads and checks the file, a chunk of records at a time, while the importing
process writes the chunk before: on two cores the import takes about the longer of the
two instead of their sum.

The worker runs the same reader (:func:`annotator.io.reader.read_file`) and the same
check as the importing process would, in the file's order: the items that come back —
documents, one ``ReadError`` per bad record naming ``file:line``, ``Skipped`` lines — are
the ones a sequential read gives, in the same order. Documents cross as pickles with their
spans as rows (:meth:`ParsedDoc.__getstate__`). At most one chunk waits in the pipe
(``send`` blocks until this process takes it), so memory stays flat in the file's size.
The worker ends with this process (``die_with_parent``); when the import stops early, or a
chunk's batch fails, the worker is killed, and what was stored stays stored.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from annotator.core.models import ParsedDoc, ReadError, Skipped
from annotator.core.procs import die_with_parent
from annotator.io import langdetect, reader

# below this, starting a process (~0.3 s: it imports the readers) costs more than it saves
PARALLEL_BYTES = 4_000_000
CHUNK = 200  # records per message: ~1 MB of a news corpus
POLL = 0.5  # seconds between checks that the worker still runs

Item = ParsedDoc | ReadError | Skipped
# (document, path) -> the document as it may be stored, or why not; counts into the Counter
Check = Callable[[ParsedDoc, Path, Counter[str]], "ParsedDoc | ReadError"]


def worth_it(path: Path) -> bool:
    """Whether a record file is large enough to be read in a worker process."""
    if (os.cpu_count() or 1) < 2:
        return False
    try:
        return path.stat().st_size >= PARALLEL_BYTES
    except OSError:
        return False


def read_checked(
    path: Path, check: Check, tally: Counter[str], **read: Any
) -> Iterator[tuple[Item, bool]]:
    """The file's items, read and checked by a worker process: ``(item, checked)``, in the
    file's order. ``read`` holds :func:`reader.read_file`'s options; what the check counts
    (trimmed spans) is added to ``tally`` as each item comes out. ``check`` must be picklable
    (a module-level function or a ``functools.partial`` of one)."""
    ctx = get_context("spawn")
    here, there = ctx.Pipe(duplex=False)
    worker = ctx.Process(
        target=_work, args=(there, path, check, read, os.getpid()), daemon=True
    )
    worker.start()
    there.close()  # the worker's end: EOF here once the worker is gone
    try:
        while True:
            if not here.poll(POLL):
                if worker.is_alive() or here.poll(0):
                    continue
                yield _lost(path, worker.exitcode), False
                return
            try:
                chunk = here.recv()
            except (EOFError, OSError):  # gone, maybe in the middle of a message
                yield _lost(path, worker.exitcode), False
                return
            if chunk is None:
                return
            for item, counted in chunk:
                if counted:
                    tally.update(counted)
                yield item, True
    finally:
        if worker.is_alive():
            worker.kill()  # stopped early: the rest is not wanted
        worker.join()
        here.close()


def _lost(path: Path, code: int | None) -> ReadError:
    return ReadError(
        reader.display_name(path),
        f"the process reading this file stopped (exit code {code}); the records before "
        "were imported, import the file again for the rest",
    )


def _work(conn: Connection, path: Path, check: Check, read: dict[str, Any], parent: int) -> None:
    die_with_parent(parent)
    chunk: list[tuple[Item, Counter[str] | None]] = []
    try:
        for item in reader.read_file(path, **read):
            counted: Counter[str] | None = None
            if isinstance(item, ParsedDoc):
                counted = Counter()
                item = check(item, path, counted)
                if isinstance(item, ParsedDoc):
                    langdetect.detect_doc(item)  # only where the input named no language
            chunk.append((item, counted or None))
            if len(chunk) >= CHUNK:
                conn.send(chunk)
                chunk = []
        if chunk:
            conn.send(chunk)
        conn.send(None)
    except Exception as exc:  # a reader bug must not hang the import: said, then the end
        reason = f"could not parse ({type(exc).__name__}: {exc})"
        conn.send([(ReadError(reader.display_name(path), reader.display_name(reason)), None)])
        conn.send(None)
    finally:
        conn.close()
