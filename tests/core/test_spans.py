"""The span rule: no whitespace at an edge, no paragraph break inside."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.models import EVENT, Argument, Event, ParsedDoc, Span, Suggestion
from annotator.core.review import trim
from annotator.core.spans import (
    ARGUMENTS_DROPPED,
    DROPPED,
    EDGE,
    PARAGRAPH_BREAK,
    TRIMMED,
    WHITESPACE,
    clean_doc,
    clean_offsets,
    clean_rows,
    clean_suggestions,
    doc_problems,
    problem,
)

TEXT = "Bishkek\n\nBISHKEK, 3 March. Talks in Astana\u00a0ended."


def test_spans_trailing_paragraph_break_is_trimmed():
    assert clean_offsets(TEXT, 0, 9) == (0, 7)  # "Bishkek\n\n"
    assert problem(TEXT, Span(0, 9, "GPE")) == (
        "span 0..9 (GPE) 'Bishkek\\n\\n' has whitespace at its edge"
    )


def test_spans_across_a_paragraph_break_is_dropped():
    assert clean_offsets(TEXT, 0, 16) is None  # "Bishkek\n\nBISHKEK"
    assert "crosses a paragraph break" in problem(TEXT, Span(0, 16, "GPE"))


def test_spans_only_whitespace_and_nbsp_edges():
    nbsp = TEXT.index("\u00a0")
    assert clean_offsets(TEXT, 7, 9) is None
    assert clean_offsets(TEXT, nbsp - 6, nbsp + 1) == (nbsp - 6, nbsp)
    assert problem(TEXT, Span(0, 7, "GPE")) is None


def test_spans_a_single_line_break_is_not_a_paragraph_break():
    assert clean_offsets("New\nYork", 0, 8) == (0, 8)


def test_spans_clean_suggestions_trims_drops_dedupes_and_counts():
    event = Suggestion(
        Span(26, 32, "Meet"),
        EVENT,
        (Argument("Place", Span(34, 41, "GPE")), Argument("Place", Span(7, 9, "GPE"))),
    )
    given_ = [
        Suggestion(Span(0, 9, "GPE")),
        Suggestion(Span(0, 7, "GPE")),  # the same once trimmed
        Suggestion(Span(0, 16, "GPE")),
        event,
    ]
    tally: Counter[str] = Counter()
    got = clean_suggestions(TEXT, given_, tally)
    assert [s.span for s in got] == [Span(0, 7, "GPE"), Span(27, 32, "Meet")]
    assert got[1].arguments == (Argument("Place", Span(34, 41, "GPE")),)
    assert tally == Counter({TRIMMED: 2, DROPPED: 1, ARGUMENTS_DROPPED: 1})


def test_spans_clean_doc_and_doc_problems():
    doc = ParsedDoc(
        TEXT,
        spans=[Span(0, 9, "GPE"), Span(9, 16, "GPE")],
        events=[Event(Span(7, 9, "Meet")), Event(Span(26, 32, "Meet"))],
    )
    assert len(doc_problems(doc)) == 3
    tally: Counter[str] = Counter()
    cleaned = clean_doc(doc, tally)
    assert cleaned.spans == [Span(0, 7, "GPE"), Span(9, 16, "GPE")]
    assert [e.trigger for e in cleaned.events] == [Span(27, 32, "Meet")]
    assert tally == Counter({TRIMMED: 2, DROPPED: 1})
    assert doc_problems(cleaned) == []


texts = st.text(st.sampled_from("ab \n\t\u00a0\r\ufeff\u200b\u00adЖ😀."), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_spans_any_cleaned_span_is_stripped_and_in_one_paragraph(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    found = clean_offsets(text, start, end)
    if found is None:
        part = text[start:end].strip(EDGE)
        assert not part or PARAGRAPH_BREAK.search(part)
        return
    a, b = found
    assert start <= a < b <= end
    assert text[a:b] == text[a:b].strip(EDGE) == text[start:end].strip(EDGE)
    assert not PARAGRAPH_BREAK.search(text[a:b])


def test_spans_whitespace_is_what_str_isspace_calls_whitespace():
    everything = map(chr, range(sys.maxunicode + 1))
    assert WHITESPACE == "".join(c for c in everything if c.isspace())


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_spans_an_invisible_character_at_an_edge_is_trimmed_as_whitespace(char):
    """A zero-width space, joiner, word joiner, BOM or soft hyphen at a span's edge was
    kept: "\u200bAstana" is not "Astana" to a string comparison, nor a clean NER target."""
    text = f"Talks in {char}Astana{char} and Tokayev{char} {char}"
    at = text.index("Astana") - 1
    assert clean_offsets(text, at, at + 8) == (at + 1, at + 7)
    assert problem(text, Span(at, at + 8, "GPE")) == (
        f"span {at}..{at + 8} (GPE) {text[at : at + 8]!r} has an invisible character "
        f"(U+{ord(char):04X}) at its edge"
    )
    assert problem(text, Span(at + 1, at + 7, "GPE")) is None
    rows = [(at, at + 8, "GPE"), (at + 1, at + 7, "GPE"), (len(text) - 2, len(text), "X")]
    tally: Counter[str] = Counter()
    assert clean_rows(text, rows, tally) == [(at + 1, at + 7, "GPE")]
    assert tally == Counter({TRIMMED: 1, DROPPED: 1})
    assert trim(text, at - 1, at + 9) == (at + 1, at + 7)  # a selection in the window
    inside = f"Tokayev{char}Putin"  # inside a span it is part of the text: kept
    assert clean_offsets(inside, 0, len(inside)) == (0, len(inside))
