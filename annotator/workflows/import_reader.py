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
The pipe is made large enough for a whole chunk where the system allows (Linux:
:data:`PIPE_BYTES`): a worker then hands its chunk over and parses the next one while this
process writes to the project (and waits for the disk), instead of waiting in ``send``.
The worker ends with this process (``die_with_parent``); when the import stops early, or a
chunk's batch fails, the worker is killed, and what was stored stays stored.

The workers are forked where that is safe (:func:`start_method`: a plain command-line
process, no Qt, on its main thread): a spawned worker first imports the readers and the
store (~0.4 s of CPU each, on a 2-core machine taken from the parsing and the inserts)
before it reads its first line, a forked one starts with them loaded. Elsewhere (the
window's import job runs on a QThread) they are spawned.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from annotator.core.models import ParsedDoc, ReadError, Skipped
from annotator.core.procs import die_with_parent
from annotator.io import langdetect, reader

# below this, starting a process (~0.3 s: it imports the readers) costs more than it saves
PARALLEL_BYTES = 4_000_000
CHUNK = 200  # lines (records) per message: ~1 MB of a news corpus
WORKERS = 2  # processes sharing a JSON Lines file's parsing
POLL = 0.5  # seconds between checks that the worker still runs
PIPE_BYTES = 1 << 20  # a chunk pickled is ~0.7 MB; Linux allows 1 MB without privileges
F_SETPIPE_SZ = 1031  # fcntl's, Linux only (Python < 3.10 does not name it)
# how the workers start: None chooses (start_method); "fork" or "spawn" (tests) forces it
START: str | None = None

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


def start_method() -> str:
    """``fork`` when forking is safe and cheaper, else ``spawn``.

    Forking copies only the forking thread, so a native thread that holds a lock the child
    needs (Qt's: the window's process; its import job runs on a QThread) would hang it:
    workers are forked from the main thread of a process without Qt, on Linux (macOS forks
    badly with its system frameworks loaded). Other Python threads (tqdm's monitor of the
    command's progress bar) do not matter: Python re-creates its own locks in the child,
    which only parses, checks and pickles; it never touches the parent's SQLite
    connection (and ends with ``os._exit``, so nothing closes it either)."""
    if START is not None:
        return START
    if (
        sys.platform.startswith("linux")
        and "PySide6" not in sys.modules
        and threading.current_thread() is threading.main_thread()
    ):
        return "fork"
    return "spawn"


def read_checked(
    path: Path,
    check: Check,
    tally: Counter[str],
    prepare: Callable[[ParsedDoc], None] | None = None,
    **read: Any,
) -> Iterator[tuple[Item, bool]]:
    """The file's items, read and checked by worker processes: ``(item, checked)``, in the
    file's order. ``read`` holds :func:`reader.read_file`'s options; what the check counts
    (trimmed spans) is added to ``tally`` as each item comes out. ``prepare`` computes, in
    the worker, what storing a document will need (ParsedDoc.derived). ``check`` and
    ``prepare`` must be picklable (module-level functions or ``functools.partial`` s).

    A JSON Lines file is shared by :data:`WORKERS` processes: each reads the whole file but
    parses only its blocks of :data:`CHUNK` lines (block ``b`` is worker ``b % WORKERS``'s),
    and the blocks are put back in order here. Other record files have one worker."""
    shared = reader.lines_shared(path, read.get("fmt", reader.AUTO), read.get("encoding", "utf-8"))
    parts = WORKERS if shared else 1
    # the heap so far (modules, the store) out of the collector's full collections, which
    # walked it about ten times an import of 10k articles (0.19 s of this process's
    # time): the documents coming in are what it should look at; forked workers share it
    with _frozen_heap():
        ctx = get_context(start_method())
        pipes, workers = [], []
        for part in range(parts):
            here, there = ctx.Pipe(duplex=False)
            _widen(here)
            args = (there, path, check, prepare, read, os.getpid(), part, parts)
            # named by the file: a worker that is gone is said as an error of the file
            name = reader.display_name(path)
            worker = ctx.Process(target=_work, args=args, daemon=True, name=name)
            worker.start()
            there.close()  # the worker's end: EOF here once the worker is gone
            pipes.append(here)
            workers.append(worker)
        try:
            for item, counted in _in_order(pipes, workers):
                if counted:
                    tally.update(counted)
                yield item, True
        finally:
            for worker in workers:
                if worker.is_alive():
                    worker.kill()  # stopped early: the rest is not wanted
                worker.join()
            for pipe in pipes:
                pipe.close()


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """``gc.freeze()`` for the block; a heap frozen before (the window's) stays frozen."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


def _widen(pipe: Connection) -> None:
    """Let the pipe hold a whole chunk (where the system allows; else it stays as it is)."""
    if sys.platform.startswith("linux"):
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), F_SETPIPE_SZ, PIPE_BYTES)


END = -1  # (END, the last block): a worker has read the whole file


def _in_order(
    pipes: list[Connection], workers: list[BaseProcess]
) -> Iterator[tuple[Item, Counter[str] | None]]:
    """The workers' items, block by block (block ``b`` is worker ``b % len(workers)``'s);
    a block no worker sent held no records (blank lines)."""
    parts = len(workers)
    waiting: list[deque[Any]] = [deque() for _ in range(parts)]
    last: int | None = None  # known once a worker has read to the end
    block = 0
    while last is None or block <= last:
        part = block % parts
        if not waiting[part]:
            got = _receive(pipes[part], workers[part])
            if isinstance(got, ReadError):
                yield got, None
                return
            waiting[part].append(got)
        number, items = waiting[part][0]
        if number == END:
            last = items
            if block > last:
                return
        elif number == block:
            waiting[part].popleft()
            yield from items
        block += 1


def _receive(pipe: Connection, worker: BaseProcess) -> Any:
    """The worker's next message, or the ReadError that says it is gone."""
    while not pipe.poll(POLL):
        if not worker.is_alive() and not pipe.poll(0):
            return _lost(worker)
    try:
        return pipe.recv()
    except (EOFError, OSError):  # gone, maybe in the middle of a message
        return _lost(worker)


def _lost(worker: BaseProcess) -> ReadError:
    worker.join()
    return ReadError(
        worker.name,
        f"the process reading this file stopped (exit code {worker.exitcode}); the records "
        "before were imported, import the file again for the rest",
    )


def _work(
    conn: Connection,
    path: Path,
    check: Check,
    prepare: Callable[[ParsedDoc], None] | None,
    read: dict[str, Any],
    parent: int,
    part: int,
    parts: int,
) -> None:
    """Read the file; send ``(block, [(item, counted), ...])`` for each of this worker's
    blocks that holds items, in order, then ``(END, the last block)``."""
    die_with_parent(parent)
    out = _Blocks(conn, part, parts)
    try:
        for item in reader.read_file(path, **read, keep=out.keep if parts > 1 else None):
            if out.mine():
                out.add(_checked(item, path, check, prepare))
    except Exception as exc:  # a reader bug must not hang the import: said, then the end
        reason = f"could not parse ({type(exc).__name__}: {exc})"
        out.add((ReadError(reader.display_name(path), reader.display_name(reason)), None))
    out.end()


def _checked(
    item: Item, path: Path, check: Check, prepare: Callable[[ParsedDoc], None] | None
) -> tuple[Item, Counter[str] | None]:
    if not isinstance(item, ParsedDoc):
        return item, None
    counted: Counter[str] = Counter()
    checked = check(item, path, counted)
    if isinstance(checked, ParsedDoc):
        langdetect.detect_doc(checked)  # only where the input named no language
        if prepare is not None:
            prepare(checked)
    return checked, counted or None


class _Blocks:
    """A worker's items, sent a block at a time. With several workers a block is
    :data:`CHUNK` lines of the file (``keep`` notes the line whose items come now); with
    one, it is :data:`CHUNK` items."""

    def __init__(self, conn: Connection, part: int, parts: int) -> None:
        self.conn, self.part, self.parts = conn, part, parts
        self.line = 0  # 0: before the first line (e.g. an unreadable file: block 0)
        self.block = 0
        self.chunk: list[tuple[Item, Counter[str] | None]] = []

    def keep(self, number: int) -> bool:
        self.line = number
        return ((number - 1) // CHUNK) % self.parts == self.part

    def _now(self) -> int:
        return max(self.line - 1, 0) // CHUNK if self.parts > 1 else self.block

    def mine(self) -> bool:
        return self._now() % self.parts == self.part

    def add(self, entry: tuple[Item, Counter[str] | None]) -> None:
        now = self._now()
        if now != self.block and self.chunk:
            self.conn.send((self.block, self.chunk))
            self.chunk = []
        self.block = now
        self.chunk.append(entry)
        if self.parts == 1 and len(self.chunk) >= CHUNK:
            self.conn.send((self.block, self.chunk))
            self.chunk = []
            self.block += 1

    def end(self) -> None:
        if self.chunk:
            self.conn.send((self.block, self.chunk))
        last = self._now() if self.parts > 1 else self.block
        self.conn.send((END, last))
        self.conn.close()
