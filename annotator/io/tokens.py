"""spaCy tokens for the exports: one blank tokenizer per language, run in batches, then
cut at the gold's boundaries.

Token fields (Prodigy ``tokens``, CoNLL lines, DocBin docs) come from ``spacy.blank(lang)``:
the language's rule-based tokenizer, no model, so every export agrees on token boundaries
and they are the ones a spaCy pipeline for that language sees. A language spaCy lacks, or
whose tokenizer needs a package that is not installed (Japanese, Korean, Thai, ...), falls
back to spaCy's multi-language tokenizer ``xx``.

The tokenisation adapts to the gold, never the gold to the tokenisation: :func:`gold_doc`
cuts the tokenizer's tokens at every span start and end that falls inside one ("Acme Ltd"
before a full stop, where spaCy keeps "Ltd." as one token, becomes "Ltd" and "."), so every
span of the gold sits on token boundaries and no exporter has to drop or move one. A span
that starts or ends in the single space after a token gets that space as a token of its own
(it then starts or ends with whitespace, which the exporters count as before).

How: a new ``Doc`` from words and spaces (the tokens, cut), built only for the few documents
that need a cut; every other document is the tokenizer's ``Doc`` itself, so the common case
costs one strict ``char_span`` per span. ``Doc.retokenize().split`` was the alternative: it
needs a head for every piece, one call per token, and cannot turn a token's trailing space
into a token; one constructor call is simpler and does all three. Token norms that the
tokenizer's exceptions set (``n't`` -> ``not``) and sentence starts already set are carried
over to the unchanged tokens; a piece of a cut token starts no sentence unless its token
did. The new ``Doc`` holds exactly the article text (checked).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from annotator.core.models import Span

if TYPE_CHECKING:  # spaCy is imported on first use: an export from cached tokens needs none
    from spacy.language import Language
    from spacy.pipeline import Sentencizer
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

FALLBACK_LANG = "xx"
# SENT_START (1 yes, -1 no, 0 unknown) as Doc(sent_starts=...) takes it, for a token and for
# the pieces after its first (they start no sentence, if sentences are known at all)
SENT = {1: True, -1: False, 0: None}
SENT_INSIDE = {1: False, -1: False, 0: None}
BATCH = 1000

T = TypeVar("T")


@cache
def blank(lang: str) -> Language:
    """The blank pipeline for ``lang`` (cached: building one costs ~50 ms)."""
    import spacy

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
    from spacy.pipeline import Sentencizer

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


def gold_doc(tokens: Doc, spans: Iterable[Span], text: str | None = None) -> Doc:
    """``tokens`` cut so every span starts and ends on a token boundary (see the module).

    Returns ``tokens`` itself when every span already does. ``text`` is the text that was
    tokenized (``tokens.text``, which costs a pass over the tokens, when not given).
    Offsets outside the text are ignored (those spans still do not align)."""
    pairs = {(s.start, s.end) for s in spans}
    text = tokens.text if text is None else text
    fast = splits_at_whitespace(tokens.lang_)
    if all(
        (fast and _between_whitespace(text, a, b))
        or tokens.char_span(a, b, alignment_mode="strict") is not None
        for a, b in pairs
    ):
        return tokens
    return _recut(tokens, text, {a for a, _ in pairs}, {b for _, b in pairs})


@cache
def splits_at_whitespace(lang: str) -> bool:
    """True when no token of ``lang``'s tokenizer holds whitespace next to other characters.

    spaCy's tokenizer first cuts the text at every change between whitespace and the rest;
    only a special case that holds a space ("в т.ч." in Russian) joins pieces across one."""
    rules = blank(lang).tokenizer.rules or {}
    return not any(not key.isspace() and any(c.isspace() for c in key) for key in rules)


def _between_whitespace(text: str, start: int, end: int) -> bool:
    """True when ``start..end`` begins and ends at a change between whitespace and the rest:
    token boundaries, for a tokenizer that splits at whitespace (the quick check)."""
    return (
        0 < end <= len(text)
        and not text[start].isspace()
        and (start == 0 or text[start - 1].isspace())
        and not text[end - 1].isspace()
        and (end == len(text) or text[end].isspace())
    )


def _recut(tokens: Doc, text: str, starts: set[int], ends: set[int]) -> Doc:
    from spacy.attrs import IDX, LENGTH, SENT_START, SPACY
    from spacy.tokens import Doc

    # one pass over the token structs (a Token object per token costs ~10x more)
    rows = tokens.to_array([IDX, LENGTH, SPACY, SENT_START]).astype("int64").tolist()
    cuts = sorted(starts | ends)
    words: list[str] = []
    spaces: list[bool] = []
    sent_starts: list[bool | None] = []
    kept: dict[int, int] = {}  # new index -> old index of the tokens left whole
    for i, (start, length, space, sent) in enumerate(rows):
        end = start + length
        bounds = [start, *cuts[bisect_right(cuts, start) : bisect_right(cuts, end - 1)], end]
        if len(bounds) == 2:
            kept[len(words)] = i
        for a, b in zip(bounds, bounds[1:]):
            words.append(text[a:b])
            spaces.append(False)
            sent_starts.append(SENT[sent] if a == start else SENT_INSIDE[sent])
        if space and (end in starts or end + 1 in ends):
            words.append(text[end])  # the space after the token: a token of its own
            spaces.append(False)
            sent_starts.append(SENT_INSIDE[sent])
        else:
            spaces[-1] = bool(space)
    doc = Doc(tokens.vocab, words=words, spaces=spaces, sent_starts=sent_starts)
    _copy_norms(tokens, doc, kept)
    if doc.text != text:
        raise AssertionError(f"re-cut tokens changed the text: {text[:40]!r}")
    return doc


def recut_offsets(
    starts: list[int],
    ends: list[int],
    spaces: list[int],
    text: str,
    pairs: Iterable[tuple[int, int]],
) -> tuple[list[int], list[int], list[int]]:
    """:func:`gold_doc`'s cut on tokens as numbers (start, end, trailing space per token):
    the same tokens as the cut ``Doc``'s, without building one."""
    pairs = list(pairs)
    cut_starts = {a for a, _ in pairs}
    cut_ends = {b for _, b in pairs}
    cuts = sorted(cut_starts | cut_ends)
    new_starts: list[int] = []
    new_ends: list[int] = []
    new_spaces: list[int] = []
    for start, end, space in zip(starts, ends, spaces):
        bounds = [start, *cuts[bisect_right(cuts, start) : bisect_right(cuts, end - 1)], end]
        new_starts.extend(bounds[:-1])
        new_ends.extend(bounds[1:])
        new_spaces.extend([0] * (len(bounds) - 1))
        if space and (end in cut_starts or end + 1 in cut_ends):
            new_starts.append(end)  # the space after the token: a token of its own
            new_ends.append(end + 1)
            new_spaces.append(0)
        else:
            new_spaces[-1] = space
    if new_ends and new_ends[-1] + new_spaces[-1] != len(text):
        raise AssertionError(f"re-cut tokens changed the text: {text[:40]!r}")
    return new_starts, new_ends, new_spaces


def _copy_norms(tokens: Doc, doc: Doc, kept: dict[int, int]) -> None:
    """Norms the tokenizer's exceptions set (``n't`` -> ``not``) on the tokens left whole."""
    from spacy.attrs import NORM

    old = tokens.to_array(NORM)
    new = doc.to_array(NORM)
    for i, j in kept.items():
        if new[i] != old[j]:
            doc[i].norm_ = tokens[j].norm_


def align(doc: Doc, span: Span) -> SpacySpan | None:
    """The spaCy span with exactly these character offsets, or None when they cut a token."""
    return doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")


def space_at_edge(span: SpacySpan) -> bool:
    """True when the span starts or ends with a whitespace token (NER cannot learn those)."""
    return span[0].is_space or span[-1].is_space
