"""Large exports in which every worker reads its own documents: the parent only plans.

The exports' first way (:func:`~annotator.io.export_common.render_chunks`) reads every
document in the parent process, as objects (an object per span), sends them to the workers
and gets each one's text back: for 10,000 articles the parent spent ~8 s reading and
~2 s pickling, while the workers waited. Here the parent hands out *keys* only —
``(split, article id, annotator)`` — a chunk at a time; a worker reads the chunk's gold
itself (``read``: its own connection to the project file, one batch of SQL per chunk),
renders it, counts it in its own :class:`~annotator.io.export_common.ExportReport`, and
sends back each split's output of the chunk as one piece (JSONL and CoNLL: the encoded
bytes). The parent writes the pieces in chunk order and merges the reports in that order:
the files and the report are those of one process doing everything in input order.

At most two chunks per worker are in flight, so memory stays flat however large the
project. A project without a file (in memory), or an export of fewer than
:data:`~annotator.io.export_common.PARALLEL_FROM` chunks, runs the same functions in this
process.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from annotator.io import export_common
from annotator.io.export_common import ExportDoc, ExportReport, Item, output_path

Key = tuple[str, int, str]  # (split, article id, annotator)
# a chunk's output: per split, what to write (in the chunk's order), and its report
Pieces = tuple[dict[str, Any], ExportReport]
Work = Callable[[list[Key]], Pieces]


def chunk_outputs(
    keys: Sequence[Key],
    work: Work,
    parallel: bool = True,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Pieces]:
    """Each chunk's :data:`Pieces`, in order. ``work`` (picklable: a module-level function
    or a ``partial`` of one) reads and renders one chunk; ``parallel`` False keeps it in
    this process (e.g. a project in memory, which a worker cannot open)."""
    size = export_common.CHUNK
    chunks = [list(keys[i : i + size]) for i in range(0, len(keys), size)]
    workers = workers or min(os.cpu_count() or 1, 4)
    with export_common._frozen_heap():
        if not parallel or workers < 2 or len(chunks) < export_common.PARALLEL_FROM:
            for chunk in chunks:
                yield work(chunk)
                if progress is not None:
                    progress(len(chunk))
            return
        yield from _in_workers(chunks, work, workers, progress)


def _in_workers(
    chunks: list[list[Key]], work: Work, workers: int, progress: Callable[[int], None] | None
) -> Iterator[Pieces]:
    # the workers open their own connections (never the parent's)
    with export_common.worker_pool(workers) as pool:
        window: deque[tuple[int, Future[Pieces]]] = deque()
        for chunk in chunks:
            window.append((len(chunk), pool.submit(work, chunk)))
            if len(window) >= 2 * workers:
                n, future = window.popleft()
                yield export_common._result(future)
                if progress is not None:
                    progress(n)
        while window:
            n, future = window.popleft()
            yield export_common._result(future)
            if progress is not None:
                progress(n)


class SplitBytes:
    """One binary file per split (``out`` itself when there is no split), opened on first
    use: the workers' pieces are UTF-8 already."""

    def __init__(self, out: Path, suffix: str) -> None:
        self.out, self.suffix = out, suffix
        self.paths: dict[str, Path] = {}
        self._files: dict[str, BinaryIO] = {}

    def __enter__(self) -> SplitBytes:
        return self

    def __exit__(self, *exc: object) -> None:
        for f in self._files.values():
            f.close()

    def write(self, split: str, data: bytes) -> None:
        if split not in self._files:
            path = self.paths[split] = output_path(self.out, split, self.suffix)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[split] = path.open("wb")
        self._files[split].write(data)


def write_chunk_bytes(
    outputs: Iterable[Pieces], out: Path, suffix: str, report: ExportReport
) -> dict[str, Path]:
    """Write each chunk's bytes into its split's file, merging the chunks' reports."""
    with SplitBytes(out, suffix) as files:
        for pieces, part in outputs:
            report.merge(part)
            for split, data in pieces.items():
                files.write(split, data)
    return files.paths


def joined(pieces: dict[str, list[bytes]]) -> dict[str, bytes]:
    return {split: b"".join(parts) for split, parts in pieces.items()}


class SpanRow(NamedTuple):
    """A stored gold span as the exporters read it: ``Span``'s fields and ``text``, as a
    tuple (made, hashed and compared in C; a frozen ``Span`` dataclass hashes in Python,
    and a CoNLL export of 10,000 articles hashed 432,000 of them)."""

    start: int
    end: int
    label: str

    def text(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]


def chunk_items(read: Callable[[list[Key]], list[Any]], keys: list[Key]) -> list[Item]:
    """A chunk's gold, read by ``read``, as the (split, document) items the writers of the
    first way take (spans as :class:`SpanRow`: what their tagging code reads of a span)."""
    make = SpanRow._make
    return [
        (split, ExportDoc(r.article, r.annotator, list(map(make, r.spans)), r.events, r.pending))
        for (split, _, _), r in zip(keys, read(keys))
    ]
