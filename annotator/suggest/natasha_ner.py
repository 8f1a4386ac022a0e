"""Russian NER from natasha, as a spaCy component (``natasha_ner``) on a blank pipeline.

natasha (slovnet's NER over navec embeddings; both ship their models inside their wheels,
nothing is downloaded) finds PER, ORG and LOC spans by character offsets in the text.
The component turns them into ``doc.ents`` on spaCy's own tokens, so suggestions, the
review and every export see an ordinary spaCy pipeline. natasha tokenises with razdel,
spaCy with its Russian rules; the two nearly always agree on entity edges. Where they do
not, the span shrinks to the spaCy tokens inside it (``contract``) or, when none is, grows
to the tokens it touches (``expand``); what still cannot be placed (an expanded span
overlapping another) is dropped. ``counts`` tallies spans, adjusted and dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from itertools import islice
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from annotator.suggest.natasha_labels import identity, map_label

FACTORY = "natasha_ner"


class NatashaNER:
    """Sets ``doc.ents`` from natasha's spans, labels mapped to the project's."""

    def __init__(self, name: str = FACTORY, batch_size: int = 8) -> None:
        self.name = name
        self.batch_size = batch_size
        self.counts: Counter[str] = Counter()  # spans, adjusted, unaligned

    def __call__(self, doc: Doc) -> Doc:
        return self._set(doc, _models().ner(doc.text).spans)

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Docs in batches through natasha's own batched inference (about 2x faster)."""
        size = batch_size or self.batch_size
        stream = iter(docs)
        while batch := list(islice(stream, size)):
            markups = _models().ner.map([d.text for d in batch])
            for doc, markup in zip(batch, markups, strict=True):
                yield self._set(doc, markup.spans)

    def _set(self, doc: Doc, found: Iterable[Any]) -> Doc:
        spans = []
        for item in found:
            self.counts["spans"] += 1
            label = map_label(item.type, doc.text[item.start : item.stop], _lemmas)
            span = align(doc, item.start, item.stop, label)
            if span is None:
                self.counts["unaligned"] += 1
                continue
            if (span.start_char, span.end_char) != (item.start, item.stop):
                self.counts["adjusted"] += 1
            spans.append(span)
        kept = filter_spans(spans)  # an expanded span can overlap its neighbour
        self.counts["unaligned"] += len(spans) - len(kept)
        doc.ents = kept
        return doc


def align(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """The spaCy span for natasha's character offsets: exact, else contracted to the
    tokens inside, else expanded to the tokens touched; None when there is no token.

    Whitespace at either edge is left out first: spaCy makes a no-break space a token of
    its own, which would otherwise start or end the span."""
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    for mode in ("contract", "expand"):
        span = doc.char_span(start, end, label=label, alignment_mode=mode)
        if span is not None and len(span) and span.text.strip():
            return span
    return None


@Language.factory(FACTORY, assigns=["doc.ents"], default_config={"batch_size": 8})
def make_natasha_ner(nlp: Language, name: str, batch_size: int) -> NatashaNER:
    _models()  # load now: a missing or broken natasha fails when the pipeline is built
    return NatashaNER(name, batch_size)


def natasha_pipeline(blank: str = "ru") -> Language:
    """A blank spaCy pipeline (Russian tokenizer) with natasha's NER.

    Raises ValueError (one line) when natasha or its models cannot be loaded.
    """
    import spacy

    nlp = spacy.blank(blank)
    nlp.add_pipe(FACTORY)
    name, version = identity()
    nlp.meta.update(name=name.removeprefix(f"{nlp.lang}_"), version=version)
    return nlp


class _Models:
    def __init__(self) -> None:
        try:
            from natasha import NewsEmbedding, NewsNERTagger
        except ImportError as exc:
            raise ValueError(f"natasha: not installed ({exc.name or exc})") from None
        try:  # the models are files inside the natasha package
            self.ner = NewsNERTagger(NewsEmbedding())
        except Exception as exc:  # OSError, tarfile and pickle errors of a broken install
            raise ValueError(f"natasha: cannot load its NER model ({exc})") from None
        self._morph: Any = None

    @property
    def morph(self) -> Any:
        if self._morph is None:  # pymorphy's dictionaries: only needed for places
            from natasha import MorphVocab

            self._morph = MorphVocab()
        return self._morph


@cache
def _models() -> _Models:
    """natasha's models, loaded once per process (about 3 s and 100 MB)."""
    return _Models()


@lru_cache(maxsize=20_000)
def _lemmas(word: str) -> tuple[str, ...]:
    """A word's dictionary forms, most likely first (pymorphy's first three parses)."""
    parses = _models().morph.parse(word)
    return tuple(dict.fromkeys(p.normal_form for p in parses[:3]))
