"""What every exporter shares: the document shape, stable ordering, output paths, the report.

Exporters take documents that carry an :class:`~annotator.core.models.Article`, the
annotator's name, entity spans and events — the store's ``GoldDoc`` has exactly these
attributes, and :class:`ExportDoc` builds one from anything else (suggestions, tests).
Each exporter reads ``(split, doc)`` pairs; ``split == ""`` means "no split": the output is
the one file (or folder) named by ``out``; otherwise one file (or folder) per split in ``out``.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from multiprocessing import get_context
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from annotator.core.models import ENTITY, Article, Event, Span, Suggestion
from annotator.core.procs import die_with_parent
from annotator.core.schema import EventSchema, misfit_arguments
from annotator.io.token_cache import tokenizer_version

if TYPE_CHECKING:  # spaCy is imported where tokens are made: a cached export needs none
    from spacy.tokens import Doc

NO_SPLIT = ""
MAX_EXAMPLES = 3
PENDING_HOW = "not exported as gold, and their text is not marked as outside any entity"


class AnnotatedDoc(Protocol):
    @property
    def article(self) -> Article: ...
    @property
    def annotator(self) -> str: ...
    @property
    def spans(self) -> Sequence[Span]: ...
    @property
    def events(self) -> Sequence[Event]: ...
    @property
    def pending(self) -> Sequence[Suggestion]: ...


@dataclass(frozen=True)
class ExportDoc:
    article: Article
    annotator: str
    spans: Sequence[Span] = ()
    events: Sequence[Event] = ()
    pending: Sequence[Suggestion] = ()  # undecided suggestions (see store's GoldDoc)


Item = tuple[str, AnnotatedDoc]


def unsplit(docs: Iterable[AnnotatedDoc]) -> Iterable[Item]:
    """Tag documents for an export without a split."""
    return ((NO_SPLIT, d) for d in docs)


def output_path(out: Path, split: str, suffix: str) -> Path:
    """``out`` itself without a split, else ``out/<split><suffix>``."""
    return Path(out) if split == NO_SPLIT else Path(out) / f"{split}{suffix}"


def pending_entities(doc: AnnotatedDoc) -> int:
    """How many entity suggestions the annotator left undecided on this article."""
    return sum(s.kind == ENTITY for s in doc.pending)


def gold_boundaries(doc: AnnotatedDoc) -> Iterator[Span]:
    """Every span whose edges the tokens must follow: entities, event triggers and
    arguments, and undecided entity suggestions (the DocBin marks their tokens missing)."""
    yield from doc.spans
    for event in doc.events:
        yield event.trigger
        yield from (a.span for a in event.arguments)
    yield from (s.span for s in doc.pending if s.kind == ENTITY)


def sorted_spans(spans: Iterable[Span]) -> list[Span]:
    # by a key tuple: the dataclass's own __lt__ builds two tuples per comparison in Python
    return sorted(set(spans), key=_SPAN_ORDER)


_SPAN_ORDER = attrgetter("start", "end", "label")  # Span's field order (order=True)
_LABEL = attrgetter("label")


def event_key(event: Event) -> tuple[Any, ...]:
    """A total order on events that does not depend on uids or insertion times."""
    args = tuple((a.role, a.span.start, a.span.end, a.span.label) for a in event.arguments)
    attrs = tuple((k, repr(v)) for k, v in event.attributes)
    return (event.trigger.start, event.trigger.end, event.type, args, attrs)


def sorted_events(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=event_key)


def doc_ref(doc: AnnotatedDoc) -> str:
    art = doc.article
    ref = f"article {art.id}"
    return f"{ref} ({art.external_id})" if art.external_id else ref


def span_example(doc: AnnotatedDoc, span: Span) -> str:
    text = span.text(doc.article.text)
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"{doc_ref(doc)} {span.start}..{span.end} {span.label} {shown!r}"


def non_overlapping(spans: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """Pick spans that do not overlap: longest first, then earliest, then by label.

    This is the documented policy for ``doc.ents`` and CoNLL tags, which cannot hold
    overlaps. Returns (kept in text order, left out).
    """
    ordered = sorted(spans, key=_SPAN_ORDER)
    if all(a.end <= b.start for a, b in zip(ordered, ordered[1:])):
        return ordered, []  # none overlaps: all kept (the common case, without the search)
    kept: list[Span] = []
    dropped: list[Span] = []
    # the kept spans never overlap, so sorted by start their ends are sorted too: the one
    # starting last before a span's end is the only one that can reach into it
    starts: list[int] = []
    ends: list[int] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start, s.label)):
        at = bisect_left(starts, span.end)
        if at and ends[at - 1] > span.start:
            dropped.append(span)
        else:
            kept.append(span)
            starts.insert(at, span.start)
            ends.insert(at, span.end)
    return sorted(kept, key=_SPAN_ORDER), dropped


@dataclass
class _Loss:
    count: int = 0
    examples: list[str] = field(default_factory=list)


class ExportReport:
    """Counts per split and label, and everything a format could not hold (with examples)."""

    def __init__(self) -> None:
        self.articles: dict[str, set[int]] = defaultdict(set)
        self.docs: Counter[str] = Counter()
        self.spans: Counter[tuple[str, str]] = Counter()  # (split, label)
        self.events: Counter[tuple[str, str]] = Counter()  # (split, type)
        self.langs: Counter[str] = Counter()
        self.losses: dict[str, _Loss] = {}
        self.pending_docs: set[int] = set()  # articles with undecided suggestions
        self.pending_suggestions = 0
        self.pending_examples: list[str] = []
        self.pending_how = PENDING_HOW
        # with a schema: arguments whose entity label their role does not take (an entity
        # relabelled after the event was made), counted and exported as they are
        self.schema: EventSchema | None = None
        self.misfits = 0
        self.misfit_examples: list[str] = []

    def pending(self, doc: AnnotatedDoc, n: int | None = None) -> None:
        """Record that ``doc`` carries ``n`` undecided suggestions (default: all of
        ``doc.pending``) which the export kept out of the gold; nothing when ``n`` is 0.

        Writers that treat them differently from "left out" set :attr:`pending_how`
        (e.g. the DocBin marks their tokens as missing)."""
        n = len(doc.pending) if n is None else n
        if n <= 0:
            return
        self.pending_docs.add(doc.article.id)
        self.pending_suggestions += n
        if len(self.pending_examples) < MAX_EXAMPLES:
            self.pending_examples.append(f"{doc_ref(doc)}: {n}")

    def merge(self, other: ExportReport) -> None:
        """Add what ``other`` (a worker's report on the next documents) recorded: losses
        and undecided suggestions, examples kept in order up to the limit."""
        for what, loss in other.losses.items():
            self.lose(what, n=loss.count)
            mine = self.losses[what].examples
            new = [e for e in loss.examples if e not in mine]
            mine.extend(new[: MAX_EXAMPLES - len(mine)])
        self.pending_docs |= other.pending_docs
        self.pending_suggestions += other.pending_suggestions
        room = MAX_EXAMPLES - len(self.pending_examples)
        self.pending_examples.extend(other.pending_examples[:room])
        if other.pending_suggestions:
            self.pending_how = other.pending_how
        # what a worker counted (:mod:`annotator.io.export_chunks`: workers count the
        # documents they write)
        for split, ids in other.articles.items():
            self.articles[split] |= ids
        self.docs.update(other.docs)
        self.spans.update(other.spans)
        self.events.update(other.events)
        self.langs.update(other.langs)
        self.misfits += other.misfits
        room = MAX_EXAMPLES - len(self.misfit_examples)
        self.misfit_examples.extend(other.misfit_examples[:room])

    def count(self, split: str, doc: AnnotatedDoc, labels: Iterable[str] | None = None) -> None:
        """Count ``doc`` as written into ``split`` (``labels``: its spans' labels, for a
        document whose spans are plain tuples)."""
        self.articles[split].add(doc.article.id)
        self.docs[split] += 1
        self.langs[doc.article.lang] += 1
        labels = map(_LABEL, doc.spans) if labels is None else labels
        self.spans.update(zip(repeat(split), labels))  # C loops
        self.events.update((split, e.type) for e in doc.events)
        if self.schema is not None:
            for event, arg in misfit_arguments(self.schema, doc.events):
                self.misfits += 1
                if len(self.misfit_examples) < MAX_EXAMPLES:
                    self.misfit_examples.append(
                        f"{doc_ref(doc)}: {event.type} {arg.role} ← {arg.span.label}"
                    )

    def lose(self, what: str, example: str = "", n: int = 1) -> None:
        """Record ``n`` annotations a format could not hold; ``what`` says what and why."""
        loss = self.losses.setdefault(what, _Loss())
        loss.count += n
        if example and len(loss.examples) < MAX_EXAMPLES and example not in loss.examples:
            loss.examples.append(example)

    @property
    def splits(self) -> list[str]:
        order = {"train": 0, "dev": 1, "test": 2}
        return sorted(self.docs, key=lambda s: (order.get(s, 3), s))

    def summary_lines(self) -> list[str]:
        """A small table: documents, articles, spans and events per split, then per label."""
        splits = self.splits
        names = [s or "all" for s in splits]
        rows = [["", *names]]
        rows.append(["documents", *(str(self.docs[s]) for s in splits)])
        rows.append(["articles", *(str(len(self.articles[s])) for s in splits)])
        rows.append(["spans", *(str(self._total(self.spans, s)) for s in splits)])
        rows.append(["events", *(str(self._total(self.events, s)) for s in splits)])
        for label in sorted({lab for _, lab in self.spans}):
            rows.append([f"  {label}", *(str(self.spans[(s, label)]) for s in splits)])
        for etype in sorted({t for _, t in self.events}):
            rows.append([f"  event {etype}", *(str(self.events[(s, etype)]) for s in splits)])
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return [
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))
            )
            for r in rows
        ]

    def pending_line(self) -> str | None:
        """One note on undecided suggestions, or None when there were none."""
        if not self.pending_suggestions:
            return None
        n, docs = self.pending_suggestions, len(self.pending_docs)
        line = (
            f"{n} undecided suggestion{'s' if n != 1 else ''} in {docs} "
            f"article{'s' if docs != 1 else ''} (neither accepted nor rejected): "
            f"{self.pending_how}"
        )
        return line + "; e.g. " + "; ".join(self.pending_examples)

    def loss_lines(self) -> list[str]:
        """Everything a format could not hold, then the undecided suggestions."""
        pending = self.pending_line()
        out = [] if pending is None else [pending]
        if self.misfits:
            out.append(
                f"{self.misfits} event argument{'s' if self.misfits != 1 else ''} whose entity "
                "label the role does not take (exported as they are; the window flags them "
                "with ⚠); e.g. " + "; ".join(self.misfit_examples)
            )
        for what, loss in sorted(self.losses.items()):
            line = f"{loss.count} {what}"
            if loss.examples:
                line += "; e.g. " + "; ".join(loss.examples)
            out.append(line)
        return out

    @staticmethod
    def _total(counter: Counter[tuple[str, str]], split: str) -> int:
        return sum(n for (s, _), n in counter.items() if s == split)


class SplitFiles:
    """One text file per split (``out`` itself when there is no split), opened on first use."""

    def __init__(self, out: Path, suffix: str) -> None:
        self.out, self.suffix = out, suffix
        self.paths: dict[str, Path] = {}
        self._files: dict[str, TextIO] = {}

    def __enter__(self) -> SplitFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        for f in self._files.values():
            f.close()

    def write(self, split: str, text: str) -> None:
        if split not in self._files:
            path = self.paths[split] = output_path(self.out, split, self.suffix)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[split] = path.open("w", encoding="utf-8", newline="\n")
        self._files[split].write(text)


def write_rendered(
    piped: Iterable[tuple[Item, Any]],
    out: Path,
    suffix: str,
    report: ExportReport,
    render: Callable[[Any, AnnotatedDoc], str],
) -> dict[str, Path]:
    """Write each tokenized document as ``render(tokens, doc)`` into its split's file."""
    with SplitFiles(out, suffix) as files:
        for (split, doc), tokens in piped:
            report.count(split, doc)
            files.write(split, render(tokens, doc))
    return files.paths


# -- all or nothing -----------------------------------------------------------------------

PARTIAL = ".partial-"  # marks the temporary folder of an export that is being written


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """Yield where to write an export that belongs at ``out`` (a file or a folder).

    The export goes into a temporary folder beside ``out`` (same file system) and is moved
    into place only when the block ends without an error: one rename for a file; for a
    folder the old one is renamed away first and deleted after. A failure, a full disk or
    a killed process leaves the old output (or nothing) at ``out``, never half of one.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for name in _killed_beside(out.parent):  # this output's, and any other's in the folder
        recover_killed(out.parent / name)
    prefix = f".{out.name}{PARTIAL}{os.getpid()}-"
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=prefix))
    try:
        target = tmp / out.name
        yield target
        _publish(target, out, tmp / "old")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _killed_beside(folder: Path) -> set[str]:
    """The names of the outputs in ``folder`` whose exports left a temporary folder (the
    export may have been to another name: a killed export's folder stayed until the next
    export to that very name)."""
    names = set()
    for tmp in folder.glob(f".*{PARTIAL}*"):
        name, _, pid = tmp.name[1:].rpartition(PARTIAL)
        if name and pid.split("-", 1)[0].isdigit():
            names.add(name)
    return names


def recover_killed(out: Path) -> list[Path]:
    """Clean up after exports to ``out`` whose process was killed; return what was removed.

    A killed export leaves its temporary folder. If it died between moving the old
    export aside and moving the new one in, the old one is put back first: the target
    always ends up holding the old export or the new one.
    """
    removed = []
    for tmp in out.parent.glob(f".{out.name}{PARTIAL}*"):
        pid = tmp.name[len(f".{out.name}{PARTIAL}") :].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue  # another export running now (or a name we did not make)
        if (tmp / "old").exists() and not out.exists():
            os.rename(tmp / "old", out)
        shutil.rmtree(tmp, ignore_errors=True)
        removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _publish(target: Path, out: Path, old: Path) -> None:
    if not target.is_dir():
        os.replace(target, out)
        return
    if out.exists():
        os.rename(out, old)
    os.rename(target, out)


def moved(paths: dict[str, Path], target: Path, out: Path) -> dict[str, Path]:
    """The paths a writer reported under ``target``, as they are once moved to ``out``."""
    return {name: Path(out) / p.relative_to(target) for name, p in paths.items()}


# -- tokens as plain numbers --------------------------------------------------------------


class TokenTable:
    """A ``Doc``'s tokens as plain lists of character offsets, read in one pass over the
    token structs: a ``Token`` object per token (iterating a ``Doc``, ``char_span``) costs
    ~10x more, and the exports touch every token of every article."""

    __slots__ = ("starts", "ends", "spaces", "_by_start", "_by_end")

    def __init__(self, tokens: Doc) -> None:
        from spacy.attrs import IDX, LENGTH, SPACY

        rows = tokens.to_array([IDX, LENGTH, SPACY]).tolist() if len(tokens) else []
        self.starts = [r[0] for r in rows]
        self.ends = [r[0] + r[1] for r in rows]
        self.spaces = [r[2] for r in rows]
        self._by_start: dict[int, int] | None = None
        self._by_end: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def align(self, span: Span) -> tuple[int, int] | None:
        """(first token, end token exclusive) with exactly the span's offsets, else None:
        ``Doc.char_span(..., alignment_mode="strict")`` without building the span."""
        if self._by_start is None:
            self._by_start = dict(zip(self.starts, range(len(self.starts))))
            self._by_end = dict(zip(self.ends, range(len(self.ends))))
        first = self._by_start.get(span.start)
        last = self._by_end.get(span.end)  # type: ignore[union-attr]
        if first is None or last is None:
            return None
        return first, last + 1


# -- both cores -------------------------------------------------------------------------

CHUNK = 200  # documents a worker tokenizes and renders at a time
PARALLEL_FROM = 2  # chunks: a smaller export is done before worker processes would start
Rendered = tuple[list[Any], "ExportReport"]  # a chunk's renderings (None: not written)


def render_chunks(
    items: Iterable[Item],
    work: Callable[[list[Item]], Rendered],
    report: ExportReport,
    workers: int | None = None,
) -> Iterator[tuple[Item, Any]]:
    """``(item, text)`` for every document ``work`` wrote, in input order.

    ``work`` (a module-level function) tokenizes and renders one chunk with a report of its
    own, which is merged into ``report`` in chunk order (so the counts and the examples are
    those of a run in one process). From :data:`PARALLEL_FROM` chunks on, chunks go to a
    process per core, at most two per worker in flight: the store is read, and the output
    written, as fast as the workers render, never all at once (memory stays flat)."""
    chunks = _chunked(items, CHUNK)
    first = list(islice(chunks, PARALLEL_FROM))
    workers = workers or min(os.cpu_count() or 1, 4)
    with _frozen_heap():
        if len(first) < PARALLEL_FROM or workers < 2:
            for chunk in chain(first, chunks):
                yield from _merged(chunk, work(chunk), report)
            return
        yield from _in_workers(first, chunks, work, report, workers)


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Everything loaded so far (spaCy, its vocab and tokenizers: millions of objects) out
    of the garbage collector's sight for the export: its full collections walked them all,
    again and again, as the export made and dropped its documents (a 10k-article JSONL
    export spent ~2 s of its parent's time there). Forked workers inherit the frozen heap.
    A heap frozen before (the window freezes its own) stays frozen."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """An export's worker processes: forked (they start with what this process loaded), and
    ending with this process (a SIGKILLed export left them asleep for ever)."""
    return ProcessPoolExecutor(
        workers,
        mp_context=get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def _in_workers(
    first: list[list[Item]],
    chunks: Iterator[list[Item]],
    work: Callable[[list[Item]], Rendered],
    report: ExportReport,
    workers: int,
) -> Iterator[tuple[Item, Any]]:
    # the workers start with spaCy and the tokenizers already loaded; they never use the
    # parent's SQLite connection
    with worker_pool(workers) as pool:
        window: deque[tuple[list[Item], Future[Rendered]]] = deque()
        for chunk in chain(first, chunks):
            packed = _packed(chunk)
            future = (
                pool.submit(work, chunk) if packed is None else pool.submit(_unpacked, work, packed)
            )
            window.append((chunk, future))
            if len(window) >= 2 * workers:
                done, future = window.popleft()
                yield from _merged(done, _result(future), report)
        while window:
            done, future = window.popleft()
            yield from _merged(done, _result(future), report)


def warmed(items: Iterable[Item]) -> Iterator[Item]:
    """The items, each article's tokenizer loaded here on its way to the workers: those
    forked after the first chunks start with it (loading one costs ~0.5 s per process)."""
    for item in items:
        tokenizer_version(item[1].article.lang)
        yield item


def _packed(chunk: list[Item]) -> list[tuple[Any, ...]] | None:
    """A chunk as plain tuples for the trip to a worker: pickling the documents' frozen
    dataclasses (an object per span) cost the parent about as much as rendering them.
    None when the items are not (split, document) pairs (they go as they are)."""
    out = []
    for item in chunk:
        if not (isinstance(item, tuple) and len(item) == 2 and hasattr(item[1], "article")):
            return None
        split, doc = item
        a = doc.article
        art = (a.id, a.content_hash, a.text, a.title, a.lang, a.date, a.time, a.source,
               a.external_id, a.meta)  # fmt: skip
        spans = list(map(_SPAN_ORDER, doc.spans))  # (start, end, label) tuples
        out.append((split, art, doc.annotator, spans, list(doc.events), list(doc.pending)))
    return out


def _unpacked(work: Callable[[list[Item]], Rendered], packed: list[tuple[Any, ...]]) -> Rendered:
    """``work`` on the documents :func:`_packed` sent (in the worker)."""
    chunk: list[Item] = [
        (split, ExportDoc(Article(*art), who, [Span(*s) for s in spans], events, pending))
        for split, art, who, spans, events, pending in packed
    ]
    return work(chunk)


def _result(future: Future[Rendered]) -> Rendered:
    """A chunk's result; a worker that died (killed, out of memory) stops the export as an
    OSError, which the export's all-or-nothing cleanup and the CLI's one line handle."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise OSError(
            "an export worker process stopped abruptly (killed, or out of memory); "
            "nothing was written"
        ) from None


def _chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _merged(
    chunk: list[Item], rendered: Rendered, report: ExportReport
) -> Iterator[tuple[Item, Any]]:
    texts, part = rendered
    report.merge(part)
    for item, text in zip(chunk, texts):
        if text is not None:
            yield item, text


def write_texts(
    rendered: Iterable[tuple[Item, str]], out: Path, suffix: str, report: ExportReport
) -> dict[str, Path]:
    """Write rendered documents into their split's file, counting each in the report."""
    with SplitFiles(out, suffix) as files:
        for (split, doc), text in rendered:
            report.count(split, doc)
            files.write(split, text)
    return files.paths
