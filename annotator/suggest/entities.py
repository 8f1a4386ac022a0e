"""Entity suggestions: exactly the pipeline's ``doc.ents`` (plus scored ``doc.spans``).

Offsets are spaCy's character offsets, which are code points into the text given, so a
suggestion's span indexes the stored article text as is (NBSP, Cyrillic, emoji alike).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from annotator.core.models import ENTITY, Span, Suggestion
from annotator.core.procs import die_with_parent

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from annotator.suggest.pipeline import Pipeline

SpanKey = tuple[int, int, str]


class TokenSink(Protocol):
    """Receives each text's ``Doc`` right after the tokenizer cut it (before any pipeline
    component ran), in the process that cut it; ``flush`` after each batch."""

    def add(self, text: str, doc: Doc) -> None: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class EntityExtractor:
    """``doc.ents`` as suggestions, in document order, score None; spans of span
    components (``span_keys``) carry their score, on the entity with the same offsets and
    label or as extra suggestions after the entities."""

    span_keys: tuple[str, ...] = ()

    def __call__(self, doc: Doc) -> list[Suggestion]:
        scored = self._scored_spans(doc)
        out = []
        for ent in doc.ents:
            key = (ent.start_char, ent.end_char, ent.label_)
            out.append(Suggestion(Span(*key), ENTITY, score=scored.pop(key, None)))
        out += [Suggestion(Span(*key), ENTITY, score=score) for key, score in scored.items()]
        return out

    def _scored_spans(self, doc: Doc) -> dict[SpanKey, float | None]:
        found: dict[SpanKey, float | None] = {}
        for name in self.span_keys:
            group = doc.spans.get(name)
            if group is None:
                continue
            scores = group.attrs.get("scores")
            for i, span in enumerate(group):
                score = float(scores[i]) if scores is not None and i < len(scores) else None
                found.setdefault((span.start_char, span.end_char, span.label_), score)
        return found


def suggest_article(pipeline: Pipeline, text: str) -> list[Suggestion]:
    """Suggestions for one article's stored text (runs the pipeline once)."""
    return pipeline.suggestions(pipeline.nlp(text))


def suggest_texts(
    pipeline: Pipeline,
    texts: Iterable[tuple[int, str]],
    batch_size: int = 32,
    n_process: int = 1,
    stop: Callable[[], bool] | None = None,
    tokens: TokenSink | None = None,
) -> Iterator[tuple[int, list[Suggestion]]]:
    """(article id, suggestions) for each (article id, text), in input order, lazily.

    With one process: ``nlp.pipe`` on the plain texts, the ids paired back in order.
    With several: batches go to forked worker processes that hold the loaded pipeline and
    send back only the suggestions (see :func:`_pooled`).

    ``stop()`` is checked before each text (batch) is handed to spaCy: once it is true no
    more are, and the iterator ends after the work already in progress. ``tokens`` (if
    given) sees every text's tokenizer ``Doc`` before the components run on it (the
    tokenizer's cut, whatever a component may merge or split later).
    """
    if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
        yield from _pooled(pipeline, texts, batch_size, n_process, stop, tokens)
        return
    halted = False
    keys: deque[int] = deque()

    def feed() -> Iterator[str | Doc]:
        for key, text in texts:
            if halted or (stop is not None and stop()):
                return
            keys.append(key)
            yield text if tokens is None else _cut(pipeline, text, tokens)

    docs = pipeline.nlp.pipe(feed(), batch_size=batch_size, n_process=n_process)
    try:
        for n, doc in enumerate(docs, 1):
            yield keys.popleft(), pipeline.suggestions(doc)
            if tokens is not None and n % batch_size == 0:
                tokens.flush()
    finally:
        halted = True
        if n_process > 1:  # let the workers finish what they hold, then exit cleanly
            deque(docs, maxlen=0)
        docs.close()  # type: ignore[attr-defined]
        if tokens is not None:
            tokens.flush()


def _cut(pipeline: Pipeline, text: str, tokens: TokenSink) -> Doc:
    """The tokenizer's ``Doc`` of ``text`` (``nlp.pipe`` takes it and runs the components),
    shown to ``tokens`` first."""
    doc = pipeline.nlp.make_doc(text)
    tokens.add(text, doc)
    return doc


# The pipeline the forked workers use: set before the pool forks, inherited by the children.
_WORKER_PIPELINE: Pipeline | None = None
_WORKER_TOKENS: TokenSink | None = None


def _suggest_batch(batch: list[tuple[int, str]]) -> list[tuple[int, list[Suggestion]]]:
    pipeline, tokens = _WORKER_PIPELINE, _WORKER_TOKENS
    assert pipeline is not None, "worker started without a pipeline"
    if tokens is None:
        inputs: list[str | Doc] = [text for _, text in batch]
    else:
        inputs = [_cut(pipeline, text, tokens) for _, text in batch]
        tokens.flush()
    docs = pipeline.nlp.pipe(inputs, batch_size=len(batch))
    return [(key, pipeline.suggestions(doc)) for (key, _), doc in zip(batch, docs)]


def _pooled(
    pipeline: Pipeline,
    texts: Iterable[tuple[int, str]],
    batch_size: int,
    n_process: int,
    stop: Callable[[], bool] | None,
    tokens: TokenSink | None = None,
) -> Iterator[tuple[int, list[Suggestion]]]:
    """Batches in forked workers, results in input order.

    spaCy's own ``n_process`` ships every processed Doc back to the calling process, which
    then spends as much CPU deserialising them as a worker spends parsing: on 2 cores it
    reached 1.5x one process. Forked workers inherit the loaded pipeline (no reload) and
    return a few suggestions per article, so the calling process stays nearly idle.
    """
    global _WORKER_PIPELINE, _WORKER_TOKENS
    _WORKER_PIPELINE, _WORKER_TOKENS = pipeline, tokens
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        n_process, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    )
    pending: deque[Future[list[tuple[int, list[Suggestion]]]]] = deque()
    batches = _batches(texts, batch_size, stop)
    try:
        for batch in itertools.islice(batches, 2 * n_process):  # keep every worker busy
            pending.append(pool.submit(_suggest_batch, batch))
        while pending:
            done = pending.popleft().result()
            for batch in itertools.islice(batches, 1):
                pending.append(pool.submit(_suggest_batch, batch))
            yield from done
    finally:  # on close or stop: wait for the batches in progress, start no others
        pool.shutdown(wait=True, cancel_futures=True)
        _WORKER_PIPELINE, _WORKER_TOKENS = None, None


def _batches(
    texts: Iterable[tuple[int, str]], size: int, stop: Callable[[], bool] | None
) -> Iterator[list[tuple[int, str]]]:
    batch: list[tuple[int, str]] = []
    for item in texts:
        if stop is not None and stop():
            break
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
