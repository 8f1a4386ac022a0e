"""The import's span rows (ParsedDoc.with_span_rows) and their one-pass checks give what
the per-span checks give: clean_rows = clean_suggestions, doc_problems and problems() the
same lines; rows survive pickling; derived values go when the text or spans change."""

from __future__ import annotations

import pickle
import random
import unicodedata
from collections import Counter

import pytest

from annotator.core.models import PackedRows, ParsedDoc, Span, Suggestion, rows_with_article
from annotator.core.spans import clean_rows, clean_suggestions, doc_problems, problem

PIECES = ["Astana", "Tokayev", " ", "  ", "\n", "\n\n", "\n \n", ".", "\u3000", "é", "\t", "x"]


def _case(rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
    rows = []
    for _ in range(rng.randint(0, 12)):
        start = rng.randrange(len(text))
        end = rng.randint(start + 1, len(text) + (2 if rng.random() < 0.1 else 0))
        rows.append((start, end, rng.choice(["PER", "GPE", "O'X", "A\x01B"])))
    return text, rows


@pytest.mark.parametrize("seed", range(4))
def test_clean_rows_is_clean_suggestions(seed):
    rng = random.Random(seed)
    for _ in range(500):
        text, rows = _case(rng)
        want_tally: Counter[str] = Counter()
        suggestions = [Suggestion(Span(*row), source="import", model="import") for row in rows]
        want = clean_suggestions(text, suggestions, want_tally)
        got_tally: Counter[str] = Counter()
        got = clean_rows(text, rows, got_tally)
        assert got == [(s.span.start, s.span.end, s.span.label) for s in want], (text, rows)
        assert +got_tally == +want_tally


@pytest.mark.parametrize("seed", range(4))
def test_the_one_pass_checks_say_what_the_per_span_checks_say(seed):
    rng = random.Random(seed)
    for _ in range(500):
        text, rows = _case(rng)
        doc = ParsedDoc.with_span_rows(dict.fromkeys(rows), text=text)
        spans = [Span(*row) for row in dict.fromkeys(rows)]
        want = [p for p in (problem(text, s) for s in spans) if p]
        assert doc_problems(doc) == want, (text, rows)
        n = len(text)
        old = [] if text.strip() else ["no text"]  # ParsedDoc.problems before the rows
        old += [
            f"label {s.label!r} holds a control character"
            for s in spans
            if any(unicodedata.category(c) == "Cc" for c in s.label)
        ]
        old += [f"span {s.start}..{s.end} ({s.label}) is past the end of the text ({n})"
                for s in spans if s.end > n]  # fmt: skip
        assert doc.problems() == old


def test_rows_travel_as_rows_and_derived_values_go_with_a_change():
    doc = ParsedDoc.with_span_rows([(0, 7, "PER"), (12, 17, "PER")], text="Tokayev met Putin.")
    assert doc.derived("n", lambda d: len(d.text)) == 18
    back = pickle.loads(pickle.dumps(doc))
    assert "spans" not in back.__dict__ and back.span_rows() == doc.span_rows()
    assert back.derived("n", lambda d: -1) == 18  # computed before pickling, kept
    assert back.spans == [Span(0, 7, "PER"), Span(12, 17, "PER")] and back == doc
    assert back.derived("n", lambda d: -1) == -1  # a spans list anyone may change: gone
    made = ParsedDoc("abc", spans=[Span(0, 1, "X")])
    made.derived("n", lambda d: len(d.text))
    made.text = "abcdef"
    assert made.derived("n", lambda d: len(d.text)) == 6
    copied = pickle.loads(pickle.dumps(made))
    assert copied.span_rows() == [(0, 1, "X")] and copied.spans == made.spans
    with pytest.raises(ValueError):
        ParsedDoc.with_span_rows([(3, 3, "X")], text="abcdef")


def test_rows_cross_packed_once_and_come_back_the_same():
    """Pickled (a worker process's documents), the rows travel as columns, once even when
    a derived value holds the same list, and read back as the same rows."""
    rows = [(0, 7, "PER"), (12, 17, "PER"), (21, 27, "GPE")]
    doc = ParsedDoc.with_span_rows(rows, text="Tokayev met Putin in Astana.")
    doc.derived("cleaned", lambda d: (d.span_rows(), 0))
    doc.derived("other", lambda d: ([(0, 7, "PER")], 1))  # another list: as it is
    back = pickle.loads(pickle.dumps(doc))
    packed = back.__dict__["_span_rows"]
    assert isinstance(packed, PackedRows) and len(packed) == 3
    assert back.derived("cleaned", lambda d: None)[0] is packed
    assert back.derived("other", lambda d: None) == ([(0, 7, "PER")], 1)
    assert list(packed) == rows and back.span_end() == 27
    assert list(rows_with_article(5, packed)) == [(5, *row) for row in rows]
    assert list(rows_with_article(5, rows)) == [(5, *row) for row in rows]
    assert back.span_rows() == rows and type(back.span_rows()) is list
    assert back.spans == [Span(*row) for row in rows] and back == doc
    assert pickle.loads(pickle.dumps(back)).span_rows() == rows  # twice across
    again = pickle.loads(pickle.dumps(ParsedDoc.with_span_rows([], text="x")))
    assert again.span_rows() == [] and again.span_end() == 0
    made = ParsedDoc("Tokayev met Putin.", spans=[Span(12, 17, "PER"), Span(0, 7, "PER")])
    assert made.span_end() == 17
    assert pickle.loads(pickle.dumps(made)).span_end() == 17
