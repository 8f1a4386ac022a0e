"""Import files into a project: read with annotator.io, store with annotator.store."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from annotator.core import links
from annotator.core.models import PARTIAL, ParsedDoc, ReadError, Skipped, partial_entities
from annotator.core.procs import die_with_parent
from annotator.core.spans import (
    ARGUMENTS_DROPPED,
    DROPPED,
    TRIMMED,
    clean_doc,
    clean_span,
    doc_problems,
)
from annotator.io import extras, langdetect, reader
from annotator.io.labelstudio import NOT_GOLD, SHADOWED
from annotator.store import Store, bulk_import
from annotator.store import gold_import as gi
from annotator.store.suggestions import ADDED_TO_STORED
from annotator.workflows import import_reader

DEFAULT_MAX_BYTES = 5_000_000
BATCH = 500
PARALLEL_FROM = 2000  # files; below this, starting worker processes costs more than it saves


@dataclass
class ImportSummary:
    files: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list[ReadError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    gold: Counter[str] = field(default_factory=Counter)  # AddResult.gold outcomes
    cleaned: Counter[str] = field(default_factory=Counter)  # spans trimmed / dropped
    article_ids: list[int] = field(default_factory=list)
    stopped: bool = False  # asked to stop: the files read so far are stored, no others
    notes: Counter[str] = field(default_factory=Counter)  # what inputs held and we cannot
    suggestions: int = 0  # predictions in the input stored as a model's suggestions
    # languages detected for the articles imported whose input named none ("xx": unsure)
    detected: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return len(self.errors)

    def line(self) -> str:
        parts = [
            f"{_n(self.files, 'file')} read: {_n(self.imported, 'article')} imported",
            f"{self.duplicates} already in the project" if self.duplicates else "0 duplicates",
        ]
        parts += [text.format(n=n) for key, text in GOLD_NOTES if (n := self.gold[key])]
        if cleaned := _cleaned(self.cleaned):
            parts.append(cleaned)
        parts += [
            f"{what}: {n}"
            for what in (links.CREATED, links.RELABELLED, links.EVENT_PHRASES, ADDED_TO_STORED)
            if (n := self.cleaned[what])
        ]
        if self.suggestions:
            parts.append(f"{_n(self.suggestions, 'prediction')} stored as suggestions")
        if self.notes:
            parts.append(f"{sum(self.notes.values())} annotations not imported (notes above)")
        if self.skipped:
            parts.append(
                f"{len(self.skipped)} notes on what was left out on purpose (listed above)"
            )
        parts.append(f"{self.failed} failed")
        return ", ".join(parts)

    def languages_line(self) -> str:
        """What language detection did (empty when no article needed it)."""
        return langdetect.describe(self.detected)


GOLD_NOTES = (
    (gi.ATTACHED, "gold attached to {n} of them"),
    (gi.UNCHANGED, "{n} with the same gold already"),
    (gi.REPLACED, "gold replaced on {n}"),
    (gi.CONFLICT, "{n} refused: different gold already there (--replace replaces it)"),
    (
        gi.NOT_ANNOTATED,
        "{n} had no annotations (or were answered reject) and were not made gold "
        "(--empty-is-gold if no annotation is the truth)",
    ),
)


OTHERS_FILE = (
    "files of other annotators (their annotator note names them): not imported for "
    "--annotator (without --annotator each file goes to the annotator it names)"
)


def _cleaned(tally: Counter[str]) -> str:
    parts = [
        f"{n} {what}" for what, n in ((TRIMMED, tally[TRIMMED]), (DROPPED, tally[DROPPED])) if n
    ]
    if tally[ARGUMENTS_DROPPED]:
        parts.append(f"{tally[ARGUMENTS_DROPPED]} event arguments dropped")
    if tally[MARKED_PARTIAL]:
        parts.append(f"{tally[MARKED_PARTIAL]} {MARKED_PARTIAL}")
    what = "spans with whitespace or invisible characters at an edge, or paragraph breaks"
    return f"{what}: {', '.join(parts)}" if parts else ""


# a gold article whose dropped span leaves its entities incomplete (not a negative example)
MARKED_PARTIAL = "gold articles marked entities-partial (a dropped span was gold)"


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
    file_annotators: bool = False,
    replace: bool = False,
    empty_is_gold: bool = False,
    trim_spans: bool = False,
    on_error: Callable[[ReadError], None] | None = None,
    on_file: Callable[[Path], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_total: Callable[[int], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> ImportSummary:
    """Import every readable document; report each bad one and carry on.

    Documents are written in batches, each batch one transaction, and each document in it
    whole or not at all (with its annotations and suggestions). A file read whole
    (article, text, brat, CoNLL) is never partly stored: its documents are only added once
    it has been read to its end. A record file (JSONL, Label Studio JSON) is read and
    stored a batch of records at a time, so its memory stays flat: a bad record is
    reported and left out, the others are stored; if the import is stopped or killed
    midway, the batches before are stored, and importing the file again adds the rest
    (records already stored are recognised by their text).
    ``replace`` and ``empty_is_gold`` are :meth:`Store.add_docs`'s options for gold.
    With ``file_annotators``, gold whose input names who made it (Label Studio's
    ``completed_by``) becomes that person's; otherwise everything is ``annotator``'s.
    Gold whose spans break the span rule (:mod:`annotator.core.spans`: whitespace at an
    edge, across a paragraph break) is refused per document, or cleaned with
    ``trim_spans``; suggestions are always cleaned (and counted).
    """
    summary = ImportSummary()
    files, missing = reader.collect_files(paths, fmt)
    if on_total:  # for a progress bar: the folders are walked once
        on_total(len(files))
    report = _reporter(summary, on_error, on_skip)
    for err in missing:
        report(err)
    batch = _Batch(
        store,
        summary=summary,
        report=report,
        gold=dict(
            as_gold=as_gold,
            replace=replace,
            empty_is_gold=empty_is_gold,
            tally=summary.cleaned,
        ),
        annotator=annotator,
        file_annotators=file_annotators,
    )
    read = partial(_read, fmt=fmt, lang=lang, encoding=encoding, max_bytes=max_bytes)
    stream = partial(reader.read_file, fmt=fmt, lang=lang, encoding=encoding, max_bytes=max_bytes)

    def streamed(path: Path) -> bool:
        return reader.stream_format(path, fmt, encoding) is not None

    stop = should_stop or (lambda: False)
    check = partial(_checked, as_gold=as_gold, trim=trim_spans, tally=summary.cleaned)
    # a large record file is read and checked by a worker process (import_reader)
    checked = partial(
        import_reader.read_checked,
        check=partial(_check_counted, as_gold=as_gold, trim=trim_spans),
        tally=summary.cleaned,
        prepare=partial(bulk_import.prepare, as_gold=as_gold),
        fmt=fmt,
        lang=lang,
        encoding=encoding,
        max_bytes=max_bytes,
    )
    for path, items in zip(files, _map(read, files, stream, streamed, checked)):
        if stop():
            summary.stopped = True
            break
        summary.files += 1
        try:
            summary.stopped = _import_items(items, path, batch, check, stop)
        finally:
            if isinstance(items, Generator):  # a worker reading it ends now, not at exit
                items.close()
        if on_file:
            on_file(path)
        if summary.stopped:
            break
    batch.flush()
    return summary


def _import_items(
    items: Iterable[tuple[ParsedDoc | ReadError | Skipped, bool]],
    path: Path,
    batch: _Batch,
    check: Callable[[ParsedDoc, Path], ParsedDoc | ReadError],
    stop: Callable[[], bool],
) -> bool:
    """Add one file's documents (``(item, checked already)``) to the batch, storing full
    batches; True when asked to stop in the middle of a record file (the batches stored
    so far stay)."""
    for item, checked in items:
        if not checked and isinstance(item, ParsedDoc):
            item = check(item, path)
        if isinstance(item, ParsedDoc):
            batch.add(item)
        else:
            batch.report(item)
        if batch.full() and batch.flush() and stop():
            return True
    return False


def _source_line(doc: ParsedDoc) -> int | None:
    """The input line a document came from (JSONL readers note it), for error lines."""
    line = doc.meta.get("source_line")
    return line if isinstance(line, int) else None


def _named(doc: ParsedDoc, reason: str) -> str:
    """``reason`` naming the record in its file where the line does not: a Label Studio
    task by its id ("task id 4242: ..."), as the reader's own error lines do."""
    task = doc.meta.get("labelstudio")
    tid = task.get("task") if isinstance(task, dict) else None
    if tid is None or isinstance(tid, (dict, list)):
        return reason
    return f"task id {str(tid)[:40]}: {reason}"


def _checked(
    doc: ParsedDoc, path: Path, *, as_gold: bool, trim: bool, tally: Counter[str]
) -> ParsedDoc | ReadError:
    """The document as it may be stored, or why it may not."""
    line = _source_line(doc)
    if problems := doc.problems():
        return ReadError(doc.source or str(path), _named(doc, "; ".join(problems)), line)
    if trim:
        cleaned = clean_doc(doc, tally)
        if as_gold and not partial_entities(doc.meta):
            lost = sum(clean_span(doc.text, s) is None for s in set(doc.spans))
            if lost:  # what it annotated there is gone: the rest is not all the entities
                cleaned.meta = {**cleaned.meta, "entities": PARTIAL}
                tally[MARKED_PARTIAL] += 1
        return cleaned
    if as_gold and doc.has_annotations() and (bad := doc_problems(doc)):
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        reason = f"{bad[0]}{more}; not imported (--trim-spans trims such spans)"
        return ReadError(doc.source or str(path), _named(doc, reason), line)
    return doc


def _check_counted(
    doc: ParsedDoc, path: Path, tally: Counter[str], *, as_gold: bool, trim: bool
) -> ParsedDoc | ReadError:
    """:func:`_checked` as a worker process runs it (import_reader.Check)."""
    return _checked(doc, path, as_gold=as_gold, trim=trim, tally=tally)


def _reporter(
    summary: ImportSummary,
    on_error: Callable[[ReadError], None] | None,
    on_skip: Callable[[Skipped], None] | None,
) -> Callable[[ReadError | Skipped], None]:
    def report(item: ReadError | Skipped) -> None:
        if isinstance(item, Skipped):
            summary.skipped.append(item)
            if on_skip:
                on_skip(item)
            return
        summary.errors.append(item)
        if on_error:
            on_error(item)

    return report


def _map(
    read: Callable[[Path], list[ParsedDoc | ReadError]],
    files: list[Path],
    stream: Callable[[Path], Iterator[ParsedDoc | ReadError | Skipped]],
    streamed: Callable[[Path], bool],
    checked: Callable[[Path], Iterator[tuple[ParsedDoc | ReadError | Skipped, bool]]],
) -> Iterator[Iterable[tuple[ParsedDoc | ReadError | Skipped, bool]]]:
    """Each file's items, in file order, as ``(item, checked already)``; large jobs are
    parsed by a process per core.

    Parsing dominates a bulk import (the store inserts ~3x faster than files parse), so
    spreading it over the cores nearly divides the import time by their number. Results
    come back in file order, so the output does not depend on the number of workers.
    Record files are read a record at a time (``stream``), never by the pool: a pool
    worker would hand back the whole file at once. A large record file is read and
    checked by a worker process of its own (``checked``, :mod:`import_reader`) while this
    process stores it.
    """

    def unchecked(items: Iterable[ParsedDoc | ReadError | Skipped]) -> Iterator[tuple[Any, bool]]:
        return ((item, False) for item in items)

    def record_file(f: Path) -> Iterable[tuple[ParsedDoc | ReadError | Skipped, bool]]:
        return checked(f) if import_reader.worth_it(f) else unchecked(stream(f))

    whole = [f for f in files if not streamed(f)]
    workers = min(os.cpu_count() or 1, 8)
    if len(whole) < PARALLEL_FROM or workers < 2:
        results: Iterator[list[ParsedDoc | ReadError]] = map(read, whole)
        yield from (record_file(f) if streamed(f) else unchecked(next(results)) for f in files)
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        results = pool.map(read, whole, chunksize=100)
        yield from (record_file(f) if streamed(f) else unchecked(next(results)) for f in files)
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
    except UnicodeError as exc:  # e.g. --encoding undefined, or punycode on plain text
        return [
            ReadError(
                reader.display_name(path),
                f"cannot be read as {encoding}: {' '.join(str(exc).split())}",
            )
        ]
    except Exception as exc:  # a reader bug must not stop the other files
        return [
            ReadError(reader.display_name(path), f"unexpected error ({type(exc).__name__}: {exc})")
        ]


class _Batch:
    """Documents waiting to be stored, with what their readers handed along (extras)."""

    def __init__(
        self,
        store: Store,
        *,
        summary: ImportSummary,
        report: Callable[[ReadError | Skipped], None],
        gold: dict[str, Any],
        annotator: str,
        file_annotators: bool,
    ) -> None:
        self.store, self.summary, self.report, self.gold = store, summary, report, gold
        self.annotator, self.file_annotators = annotator, file_annotators
        self.pending: list[tuple[ParsedDoc, extras.Extras]] = []

    def add(self, doc: ParsedDoc) -> None:
        langdetect.detect_doc(doc)  # only where the input named no language
        more = extras.take(doc)
        self.summary.notes.update(more.notes)
        if more.rank and not self.gold["as_gold"]:
            self.summary.notes[NOT_GOLD] += 1
        elif more.rank and not self.file_annotators:
            self.summary.notes[SHADOWED] += 1
        elif (
            self.gold["as_gold"]
            and not self.file_annotators
            and more.named_by_export
            and more.annotator != self.annotator
        ):  # a team's export: this file is another annotator's gold, not theirs
            self.summary.notes[OTHERS_FILE] += 1
        else:
            self.pending.append((doc, more))

    def full(self) -> bool:
        return len(self.pending) >= BATCH

    def flush(self) -> bool:
        """Store the pending documents, grouped by whose gold they are; True if any."""
        if not self.pending:
            return False
        groups: dict[str, list[tuple[ParsedDoc, extras.Extras]]] = {}
        for doc, more in self.pending:
            who = (more.annotator if self.file_annotators else None) or self.annotator
            groups.setdefault(who, []).append((doc, more))
        for who, group in groups.items():
            self._store(who, group)
        self.pending.clear()
        return True

    def _store(self, who: str, group: list[tuple[ParsedDoc, extras.Extras]]) -> None:
        docs = [doc for doc, _ in group]
        predicted: dict[tuple[str, str], list[tuple[int, Any]]] = {}
        stored = self.store.add_docs(docs, annotator=who, **self.gold)
        for (doc, more), result in zip(group, stored):
            line = _source_line(doc)
            if result.gold == gi.FAILED:
                why = _named(doc, f"{result.reason}; not imported")
                self.report(ReadError(result.source, why, line))
                continue
            self.summary.gold[result.gold] += 1
            if result.gold == gi.CONFLICT:
                why = CONFLICT_LINE.format(who=who, id=result.article_id)
                self.report(ReadError(result.source, _named(doc, why), line))
            if result.duplicate:
                self.summary.duplicates += 1
            else:
                self.summary.imported += 1
                self.summary.article_ids.append(result.article_id)
                if langdetect.DETECTED in doc.meta:
                    self.summary.detected[doc.lang] += 1
            for model, version, suggestions in more.predictions:
                predicted.setdefault((model, version), []).append((result.article_id, suggestions))
        for (model, version), results in predicted.items():
            self.summary.suggestions += self.store.add_suggestions(results, model, version)


CONFLICT_LINE = (
    "{who} already has different gold for this text (article {id}); not changed "
    "(pass --replace to replace it)"
)
