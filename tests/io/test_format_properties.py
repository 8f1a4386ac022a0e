"""Properties of the JSONL and CoNLL writers and readers: export -> import gives back what
the format can hold, exactly; what it cannot hold is refused or counted, never altered.

Texts are drawn from an alphabet with the characters that have broken offsets before:
line breaks, tabs, NBSP and other Unicode spaces, emoji (outside the BMP), Cyrillic,
punctuation. They never hold a carriage return or a leading BOM: every reader normalises
those away on import, so no stored article has them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.models import Argument, Article, Event, ParsedDoc, Span
from annotator.io.conll import DOCSTART_LOSS, EVENTS, parse_conll, write_conll
from annotator.io.export_common import ExportDoc, ExportReport, unsplit
from annotator.io.export_jsonl import write_jsonl
from annotator.io.jsonl import read_jsonl
from annotator.io.tokens import blank

SETTINGS = settings(max_examples=60, deadline=None)
ALPHABET = "abcXYZ019 .,-()'\"\n\n\t\u00a0\u2028\u3000\x85\u200b😀🇰🇿ТокаевҚазақ$%"
LANGS = ("en", "ru", "xx")

# "-DOCSTART-" is a token to spaCy and a document separator to a CoNLL reader
WORDS = ("-DOCSTART-", "Tokayev", " ", "\n\n")
texts = (
    st.lists(st.one_of(st.text(ALPHABET, min_size=1, max_size=8), st.sampled_from(WORDS)))
    .map("".join)
    .filter(lambda t: t and not t.isspace() and len(t) <= 80)
)
labels = st.text("ABCXYZ-_/:é😀 \t", min_size=1, max_size=8).filter(lambda t: t.strip())
attr_values = st.one_of(st.booleans(), st.integers(-5, 5), st.text("abc ", max_size=4))


def _article(i: int, text: str, lang: str) -> Article:
    return Article(i, f"h{i}", text, f"title {i}", lang, None, None, "", f"ext-{i}", {})


@st.composite
def spans_in(draw: st.DrawFn, text: str, label=labels) -> Span:
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return Span(start, end, draw(label))


@st.composite
def events_in(draw: st.DrawFn, text: str) -> Event:
    trigger = draw(spans_in(text))
    roles = st.text("abcP", min_size=1, max_size=5)
    args = draw(st.lists(st.tuples(roles, spans_in(text)), max_size=3))
    attrs = draw(st.dictionaries(st.text("abNM", min_size=1, max_size=4), attr_values))
    return Event(
        trigger,
        tuple(Argument(role, span) for role, span in args),
        tuple(sorted(attrs.items())),
    )


@st.composite
def jsonl_docs(draw: st.DrawFn, i: int = 1) -> ExportDoc:
    text = draw(texts)
    spans = draw(st.lists(spans_in(text), max_size=6))
    events = draw(st.lists(events_in(text), max_size=3))
    return ExportDoc(_article(i, text, draw(st.sampled_from(LANGS))), "ann", spans, events)


def _event_set(events) -> set[tuple]:
    return {(e.trigger, e.arguments, e.attributes) for e in events}


def _round_trip_jsonl(docs: list[ExportDoc]) -> list[ParsedDoc]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.jsonl"
        write_jsonl(unsplit(docs), path, ExportReport())
        content = path.read_text(encoding="utf-8")
    return list(read_jsonl(content, "out.jsonl"))


@SETTINGS
@given(st.lists(jsonl_docs(), min_size=1, max_size=3))
def test_format_properties_jsonl_gives_back_text_spans_and_events(docs):
    back = _round_trip_jsonl(docs)
    assert all(isinstance(d, ParsedDoc) for d in back), back
    assert [d.text for d in back] == [d.article.text for d in docs]
    assert [set(d.spans) for d in back] == [set(d.spans) for d in docs]
    assert [_event_set(d.events) for d in back] == [_event_set(d.events) for d in docs]
    assert [d.lang for d in back] == [d.article.lang for d in docs]
    assert all(d.annotated for d in back)


# -- CoNLL ------------------------------------------------------------------------------------

conll_labels = st.text("ABCXYZ-_/:é😀O", min_size=1, max_size=8)


@st.composite
def conll_docs(draw: st.DrawFn, i: int = 1) -> ExportDoc:
    """A text and non-overlapping spans on its (non-space) token boundaries."""
    text = draw(texts)
    lang = draw(st.sampled_from(LANGS))
    words = [t for t in blank(lang)(text) if not t.is_space]
    spans: list[Span] = []
    pos = 0
    while pos < len(words) and len(spans) < 5:
        start = draw(st.integers(pos, len(words) - 1))
        end = draw(st.integers(start, min(start + 3, len(words) - 1)))
        if draw(st.booleans()):
            first, last = words[start], words[end]
            spans.append(Span(first.idx, last.idx + len(last), draw(conll_labels)))
        pos = end + 1
    return ExportDoc(_article(i, text, lang), "ann", spans)


def _round_trip_conll(docs: list[ExportDoc], report: ExportReport) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.conll"
        write_conll(unsplit(docs), path, report)
        content = path.read_text(encoding="utf-8") if path.exists() else ""
    return list(parse_conll(content, "out.conll", None))


def _words(doc: ExportDoc) -> list[str]:
    return [t.text for t in blank(doc.article.lang)(doc.article.text) if not t.is_space]


def _entity_words(doc: ExportDoc) -> list[tuple[list[str], str]]:
    tokens = blank(doc.article.lang)(doc.article.text)
    out = []
    for s in sorted(doc.spans):
        chunk = tokens.char_span(s.start, s.end, alignment_mode="strict")
        out.append(([t.text for t in chunk if not t.is_space], s.label))
    return out


def _read_entities(doc: ParsedDoc) -> list[tuple[list[str], str]]:
    return [(s.text(doc.text).split(), s.label) for s in sorted(doc.spans)]


@SETTINGS
@given(st.lists(conll_docs(), min_size=1, max_size=3))
def test_format_properties_conll_gives_back_tokens_and_entities(docs):
    """CoNLL keeps tokens (not the spaces between them) and one layer of entities."""
    report = ExportReport()
    back = _round_trip_conll(docs, report)
    assert all(isinstance(d, ParsedDoc) for d in back), back
    kept = [d for d in docs if "-DOCSTART-" not in _words(d)]
    assert [d.text.split() for d in back] == [_words(d) for d in kept]
    assert [_read_entities(d) for d in back] == [_entity_words(d) for d in kept]
    left_out = len(docs) - len(kept)
    assert {w: x.count for w, x in report.losses.items()} == (
        {DOCSTART_LOSS: left_out} if left_out else {}
    )


@SETTINGS
@given(st.lists(jsonl_docs(), min_size=1, max_size=3))
def test_format_properties_conll_refuses_or_counts_what_it_cannot_hold(docs):
    """Any spans: each one comes back on the same tokens, or is counted, or the export is
    refused (a label with whitespace); events are counted."""
    report = ExportReport()
    try:
        back = _round_trip_conll(docs, report)
    except ValueError as err:
        assert "cannot be written to CoNLL" in str(err)
        assert any(s.label.split() != [s.label] for d in docs for s in d.spans)
        return
    kept = [d for d in docs if "-DOCSTART-" not in _words(d)]
    assert len(back) == len(kept) and all(isinstance(d, ParsedDoc) for d in back)
    lost = sum(x.count for what, x in report.losses.items() if what not in (EVENTS, DOCSTART_LOSS))
    written = sum(len(d.spans) for d in back)
    assert written + lost == sum(len(set(d.spans)) for d in kept)
    for doc, got in zip(kept, back):
        held = {(tuple(w), label) for w, label in _entity_words_loose(doc)}
        assert {(tuple(w), label) for w, label in _read_entities(got)} <= held


def _entity_words_loose(doc: ExportDoc) -> list[tuple[list[str], str]]:
    tokens = blank(doc.article.lang)(doc.article.text)
    out = []
    for s in doc.spans:
        chunk = tokens.char_span(s.start, s.end, alignment_mode="strict")
        if chunk is not None:
            out.append(([t.text for t in chunk if not t.is_space], s.label))
    return out
