"""Import files into a project: read with annotator.io, store with annotator.store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path

from annotator.core.models import ParsedDoc, ReadError
from annotator.io import reader
from annotator.store import Store

DEFAULT_MAX_BYTES = 5_000_000
BATCH = 500
PARALLEL_FROM = 2000  # files; below this, starting worker processes costs more than it saves


@dataclass
class ImportSummary:
    files: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list[ReadError] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    stopped: bool = False  # asked to stop: the files read so far are stored, no others

    @property
    def failed(self) -> int:
        return len(self.errors)

    def line(self) -> str:
        dup = (
            f"{self.duplicates} already in the project (skipped, with any annotations they carried)"
            if self.duplicates
            else "0 duplicates"
        )
        return (
            f"{_n(self.files, 'file')} read: {_n(self.imported, 'article')} imported, "
            f"{dup}, {self.failed} failed"
        )


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    fmt: str = "auto",
    lang: str | None = None,
    encoding: str = "utf-8",
    max_bytes: int = DEFAULT_MAX_BYTES,
    as_gold: bool = False,
    annotator: str = "",
    on_error: Callable[[ReadError], None] | None = None,
    on_file: Callable[[Path], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import every readable document; report each bad one and carry on.

    Documents are written in batches, each batch one transaction. A file that fails is
    never partly stored: its documents are only added once it has been read whole.
    """
    summary = ImportSummary()
    files, missing = reader.collect_files(paths, fmt)
    if on_total:  # for a progress bar: the folders are walked once
        on_total(len(files))
    report = _reporter(summary, on_error)
    for err in missing:
        report(err)
    pending: list[ParsedDoc] = []
    read = partial(_read, fmt=fmt, lang=lang, encoding=encoding, max_bytes=max_bytes)
    for path, items in zip(files, _map(read, files)):
        if should_stop is not None and should_stop():
            summary.stopped = True
            break
        summary.files += 1
        for item in items:
            if isinstance(item, ReadError):
                report(item)
            elif problems := item.problems():
                report(ReadError(item.source or str(path), "; ".join(problems)))
            else:
                pending.append(item)
        if len(pending) >= BATCH:
            _flush(store, pending, summary, as_gold, annotator)
        if on_file:
            on_file(path)
    _flush(store, pending, summary, as_gold, annotator)
    return summary


def _reporter(
    summary: ImportSummary, on_error: Callable[[ReadError], None] | None
) -> Callable[[ReadError], None]:
    def report(err: ReadError) -> None:
        summary.errors.append(err)
        if on_error:
            on_error(err)

    return report


def _map(
    read: Callable[[Path], list[ParsedDoc | ReadError]], files: list[Path]
) -> Iterator[list[ParsedDoc | ReadError]]:
    """Read files in order; large jobs are parsed by a process per core.

    Parsing dominates a bulk import (the store inserts ~3x faster than files parse), so
    spreading it over the cores nearly divides the import time by their number. Results
    come back in file order, so the output does not depend on the number of workers.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FROM or workers < 2:
        yield from map(read, files)
        return
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
    try:
        yield from pool.map(read, files, chunksize=100)
    finally:  # a stopped import must not wait for the files it will not store
        pool.shutdown(wait=True, cancel_futures=True)


def _read(
    path: Path, *, fmt: str, lang: str | None, encoding: str, max_bytes: int
) -> list[ParsedDoc | ReadError]:
    """All items of one file, read before anything of it is stored."""
    try:
        return list(
            reader.read_file(path, fmt=fmt, lang=lang, encoding=encoding, max_bytes=max_bytes)
        )
    except Exception as exc:  # a reader bug must not stop the other files
        return [ReadError(str(path), f"unexpected error ({type(exc).__name__}: {exc})")]


def _flush(
    store: Store, pending: list[ParsedDoc], summary: ImportSummary, as_gold: bool, annotator: str
) -> None:
    if not pending:
        return
    for result in store.add_docs(pending, as_gold=as_gold, annotator=annotator):
        if result.duplicate:
            summary.duplicates += 1
        else:
            summary.imported += 1
            summary.article_ids.append(result.article_id)
    pending.clear()
