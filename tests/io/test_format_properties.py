"""Properties of the JSONL, CoNLL and DocBin writers and readers: export -> import gives back
what the format can hold, exactly; what it cannot hold is refused or counted, never altered.
Spans may cut tokens anywhere ("Ltd|.", "Kazakh|stan's"): the exports cut the tokens there.

Texts are drawn from an alphabet with the characters that have broken offsets before:
line breaks, tabs, NBSP and other Unicode spaces, emoji (outside the BMP), Cyrillic,
punctuation. They never hold a carriage return or a leading BOM: every reader normalises
those away on import, so no stored article has them.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

from annotator.core.models import Argument, Article, Event, ParsedDoc, Span, Suggestion
from annotator.io import conll, docbin
from annotator.io.conll import DOCSTART_LOSS, EVENTS, parse_conll, write_conll
from annotator.io.export_common import ExportDoc, ExportReport, unsplit
from annotator.io.export_jsonl import write_jsonl
from annotator.io.jsonl import read_jsonl
from annotator.io.tokens import blank

SETTINGS = settings(max_examples=60, deadline=None)
ALPHABET = "abcXYZ019 .,-()'\"\n\n\t\u00a0\u2028\u3000\x85\u200b😀🇰🇿ТокаевҚазақ$%"
LANGS = ("en", "ru", "xx")

# "-DOCSTART-" is a token to spaCy and a document separator to a CoNLL reader
WORDS = ("-DOCSTART-", "Tokayev", " ", "\n\n", "Ltd.", "Kazakhstan's", "can't")
texts = (
    st.lists(st.one_of(st.text(ALPHABET, min_size=1, max_size=8), st.sampled_from(WORDS)))
    .map("".join)
    .filter(lambda t: t and not t.isspace() and len(t) <= 80)
)
labels = st.text("ABCXYZ-_/:é😀 ", min_size=1, max_size=8).filter(
    lambda t: t.strip() == t
)  # no control chars, no spaces at an edge: refused on import
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
    """Any spans: each one comes back on exactly its characters, or is counted, or the
    export is refused (a label with whitespace); events are counted."""
    report = ExportReport()
    try:
        back = _round_trip_conll(docs, report)
    except ValueError as err:
        assert "cannot be written to CoNLL" in str(err)
        assert any(s.label.split() != [s.label] for d in docs for s in d.spans)
        return
    _assert_conll_exact(docs, back, report)


@st.composite
def conll_any_docs(draw: st.DrawFn, i: int = 1) -> ExportDoc:
    """Any text and any spans (cutting tokens, overlapping, edged with whitespace), labels
    a CoNLL column can hold, and events."""
    text = draw(texts)
    spans = draw(st.lists(spans_in(text, conll_labels), max_size=6))
    events = draw(st.lists(events_in(text), max_size=2))
    return ExportDoc(_article(i, text, draw(st.sampled_from(LANGS))), "ann", spans, events)


@SETTINGS
@given(st.lists(conll_any_docs(), min_size=1, max_size=3))
def test_format_properties_conll_holds_every_span_but_overlaps_and_edges_exactly(docs):
    report = ExportReport()
    _assert_conll_exact(docs, _round_trip_conll(docs, report), report)


def _policy(text: str, spans) -> tuple[list[Span], list[Span], list[Span]]:
    """(held in one layer, edged with whitespace, overlapped): longest first, then earliest,
    then by label."""
    edged = [s for s in set(spans) if text[s.start].isspace() or text[s.end - 1].isspace()]
    kept: list[Span] = []
    usable = sorted(set(spans) - set(edged), key=lambda s: (s.start - s.end, s.start, s.label))
    for span in usable:
        if all(span.end <= k.start or k.end <= span.start for k in kept):
            kept.append(span)
    return sorted(kept), edged, [s for s in usable if s not in kept]


def _cut_words(doc: ExportDoc, kept: list[Span]) -> list[str]:
    """The tokenizer's tokens cut at the held spans' edges, whitespace left out."""
    text = doc.article.text
    cuts = sorted({c for s in kept for c in (s.start, s.end)})
    words = []
    for t in blank(doc.article.lang)(text):
        end = t.idx + len(t)
        bounds = [t.idx, *(c for c in cuts if t.idx < c < end), end]
        words += [text[a:b] for a, b in zip(bounds, bounds[1:]) if not text[a:b].isspace()]
    return words


def _original_spans(doc: ExportDoc, got: ParsedDoc) -> list[Span]:
    """The read spans at the article's offsets: the k-th token read is the k-th run of the
    article's non-whitespace text, found by walking the article."""
    text, pos = doc.article.text, 0
    starts, ends = {}, {}
    for m in re.finditer(r"\S+", got.text):
        while text[pos].isspace():
            pos += 1
        assert text.startswith(m.group(), pos), (m.group(), text[pos:])
        starts[m.start()], ends[m.end()] = pos, pos + len(m.group())
        pos += len(m.group())
    assert not text[pos:].strip()
    return sorted(Span(starts[s.start], ends[s.end], s.label) for s in got.spans)


def _assert_conll_exact(docs: list[ExportDoc], back: list, report: ExportReport) -> None:
    written, edged, overlapped = [], 0, 0
    for doc in docs:
        kept, edge, over = _policy(doc.article.text, doc.spans)
        if "-DOCSTART-" not in _cut_words(doc, kept):
            written.append((doc, kept))
            edged, overlapped = edged + len(edge), overlapped + len(over)
    assert len(back) == len(written) and all(isinstance(d, ParsedDoc) for d in back)
    for (doc, kept), got in zip(written, back):
        assert got.text.split() == _cut_words(doc, kept)
        assert _original_spans(doc, got) == kept
    counts = {what: x.count for what, x in report.losses.items() if what != EVENTS}
    expected = {
        conll.EDGE_SPACE: edged,
        conll.OVERLAP: overlapped,
        DOCSTART_LOSS: len(docs) - len(written),
    }
    assert counts == {what: n for what, n in expected.items() if n}


# -- DocBin and JSONL tokens ------------------------------------------------------------------


@st.composite
def docbin_docs(draw: st.DrawFn, i: int = 1) -> ExportDoc:
    """Any spans and events, and undecided entity suggestions (their tokens: missing)."""
    doc = draw(jsonl_docs(i))
    pending = draw(st.lists(spans_in(doc.article.text), max_size=2))
    return ExportDoc(doc.article, "ann", doc.spans, doc.events, [Suggestion(s) for s in pending])


def _triples(spans) -> list[tuple[int, int, str]]:
    return sorted((s.start_char, s.end_char, s.label_) for s in spans)


def _ours(spans) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in spans)


@SETTINGS
@given(st.lists(docbin_docs(), min_size=1, max_size=3))
def test_format_properties_docbin_holds_every_span_exactly(docs):
    report = ExportReport()
    with tempfile.TemporaryDirectory() as tmp:
        path = docbin.write_docbins((("train", d) for d in docs), Path(tmp), report)["train"]
        back = list(DocBin().from_disk(path).get_docs(blank("xx").vocab))
    edged = overlapped = 0
    for doc, got in zip(docs, back, strict=True):
        text = doc.article.text
        kept, edge, over = _policy(text, doc.spans)
        edged, overlapped = edged + len(edge), overlapped + len(over)
        assert got.text == text
        assert _triples(got.spans[docbin.SPANS_KEY]) == _ours(set(doc.spans))
        assert _triples(got.ents) == _ours(kept)
        assert _triples(got.spans[docbin.EVENTS_KEY]) == _ours({e.trigger for e in doc.events})
        for t in got:  # undecided characters outside the entities: missing, all others known
            end = t.idx + len(t)
            under = any(p.span.start <= t.idx and end <= p.span.end for p in doc.pending)
            in_ent = any(k.start <= t.idx and end <= k.end for k in kept)
            assert (t.ent_iob_ == "") == (under and not in_ent), (t.text, t.idx)
    counts = {what: x.count for what, x in report.losses.items()}
    expected = {docbin.EDGE_SPACE: edged, docbin.OVERLAP: overlapped}
    assert counts == {what: n for what, n in expected.items() if n}


@SETTINGS
@given(st.lists(jsonl_docs(), min_size=1, max_size=3))
def test_format_properties_jsonl_tokens_hold_every_span_and_the_text(docs):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.jsonl"
        write_jsonl(unsplit(docs), path, ExportReport())
        lines = path.read_text(encoding="utf-8").split("\n")
        records = [json.loads(line) for line in lines if line]
    for rec in records:
        toks = rec["tokens"]
        assert "".join(t["text"] + " " * t["ws"] for t in toks) == rec["text"]
        assert all(rec["text"][t["start"] : t["end"]] == t["text"] for t in toks)
        for span in rec["spans"]:
            assert toks[span["token_start"]]["start"] == span["start"]
            assert toks[span["token_end"]]["end"] == span["end"]
