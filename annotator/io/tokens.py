"""spaCy tokens for the exports: one blank tokenizer per language, run in batches.

Token fields (Prodigy ``tokens``, CoNLL lines, DocBin docs) come from ``spacy.blank(lang)``:
the language's rule-based tokenizer, no model, so every export agrees on token boundaries
and they are the ones a spaCy pipeline for that language sees. A language spaCy lacks, or
whose tokenizer needs a package that is not installed (Japanese, Korean, Thai, ...), falls
back to spaCy's multi-language tokenizer ``xx``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from itertools import islice
from typing import TypeVar

import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from annotator.core.models import Span

FALLBACK_LANG = "xx"
BATCH = 1000

T = TypeVar("T")


@cache
def blank(lang: str) -> Language:
    """The blank pipeline for ``lang`` (cached: building one costs ~50 ms)."""
    try:
        return spacy.blank(lang or FALLBACK_LANG)
    except ImportError:  # unknown code, or a tokenizer that needs an extra package
        return spacy.blank(FALLBACK_LANG)


def spacy_lang(lang: str) -> str:
    """The language code spaCy actually uses for ``lang`` (after the fallback)."""
    return blank(lang).lang


@lru_cache(maxsize=1)
def sentencizer() -> Sentencizer:
    """spaCy's rule-based sentencizer (punctuation), used for CoNLL sentence breaks."""
    return Sentencizer()


def pipe_docs(
    items: Iterable[T],
    text_of: Callable[[T], str],
    lang_of: Callable[[T], str],
    batch_size: int = BATCH,
) -> Iterator[tuple[T, Doc]]:
    """Tokenize items in batches, each with its language's tokenizer, keeping their order."""
    it = iter(items)
    while chunk := list(islice(it, batch_size)):
        by_lang: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(chunk):
            by_lang[lang_of(item)].append(i)
        docs: list[Doc | None] = [None] * len(chunk)
        for lang, index in by_lang.items():
            texts = (text_of(chunk[i]) for i in index)
            for i, doc in zip(index, blank(lang).tokenizer.pipe(texts, batch_size=batch_size)):
                docs[i] = doc
        yield from zip(chunk, docs)  # type: ignore[misc]


def align(doc: Doc, span: Span) -> SpacySpan | None:
    """The spaCy span with exactly these character offsets, or None when they cut a token."""
    return doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")


def space_at_edge(span: SpacySpan) -> bool:
    """True when the span starts or ends with a whitespace token (NER cannot learn those)."""
    return span[0].is_space or span[-1].is_space
