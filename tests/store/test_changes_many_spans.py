"""A command adding many spans reads the article's length once; its guards still hold."""

from __future__ import annotations

import pytest

from annotator.core import commands as cmd
from annotator.core.models import Span
from annotator.store import ConflictError


def _state(store, aid, who):
    return store.gold_spans(aid, who), len(store.decisions(aid, who)), store.status(aid, who)


def _statements(store):
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    return seen


def test_many_span_adds_land_with_one_length_read(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    spans = [Span(i, i + 3, "ORG") for i in range(0, 30, 4)]
    seen = _statements(store)
    store.apply(aid, "ann", cmd.Command("import", tuple(cmd.add_span(s) for s in spans)))
    store.db.conn.set_trace_callback(None)
    assert store.gold_spans(aid, "ann") == spans
    assert sum("length(text)" in s for s in seen) == 1


def test_many_span_adds_past_the_end_change_nothing(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    n = len(sample_doc.text)
    store.apply(aid, "ann", cmd.Command("one", (cmd.add_span(Span(0, 3, "ORG")),)))
    before = _state(store, aid, "ann")
    late = (cmd.add_span(Span(4, 7, "ORG")), cmd.add_span(Span(n - 2, n + 1, "GPE")))
    with pytest.raises(ValueError, match="past the end of the text"):
        store.apply(aid, "ann", cmd.Command("import", late))
    assert _state(store, aid, "ann") == before
    # exactly at the end is inside
    ok = (cmd.add_span(Span(4, 7, "ORG")), cmd.add_span(Span(n - 2, n, "GPE")))
    store.apply(aid, "ann", cmd.Command("import", ok))
    assert Span(n - 2, n, "GPE") in store.gold_spans(aid, "ann")


def test_many_span_adds_with_a_duplicate_conflict_and_change_nothing(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    store.apply(aid, "ann", cmd.Command("one", (cmd.add_span(Span(0, 3, "ORG")),)))
    before = _state(store, aid, "ann")
    again = (cmd.add_span(Span(4, 7, "ORG")), cmd.add_span(Span(0, 3, "ORG")))
    with pytest.raises(ConflictError, match="already exists"):
        store.apply(aid, "ann", cmd.Command("import", again))
    assert _state(store, aid, "ann") == before


def test_many_span_adds_to_a_missing_article_conflict(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    two = (cmd.add_span(Span(0, 3, "ORG")), cmd.add_span(Span(4, 7, "ORG")))
    with pytest.raises(ConflictError, match="no article"):
        store.apply(aid + 99, "ann", cmd.Command("import", two))
