"""Span additions in a row go to SQLite as one prepared statement (issue 15's gold import);
a refused row takes the whole run back and the same error as one-by-one names the span."""

from __future__ import annotations

import pytest

from annotator.core import commands as cmd
from annotator.core.models import Span
from annotator.store import ConflictError


def test_a_run_of_additions_lands_whole_and_in_one_statement(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    spans = [Span(i, i + 3, "ORG") for i in range(0, 40, 4)]
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    store.apply(aid, "ann", cmd.Command("import", tuple(cmd.add_span(s) for s in spans)))
    store.db.conn.set_trace_callback(None)
    assert store.gold_spans(aid, "ann") == spans
    assert any("SAVEPOINT span_adds" in s for s in seen)
    assert not any("ROLLBACK TO span_adds" in s for s in seen)


def test_a_duplicate_inside_the_run_names_it_and_changes_nothing(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    store.apply(aid, "ann", cmd.Command("one", (cmd.add_span(Span(20, 23, "GPE")),)))
    before = store.gold_spans(aid, "ann"), len(store.decisions(aid, "ann"))
    run = [Span(0, 3, "ORG"), Span(4, 7, "ORG"), Span(0, 3, "ORG"), Span(8, 11, "ORG")]
    with pytest.raises(ConflictError) as err:
        store.apply(aid, "ann", cmd.Command("import", tuple(cmd.add_span(s) for s in run)))
    assert str(err.value) == f"gold span {Span(0, 3, 'ORG')} already exists"
    assert (store.gold_spans(aid, "ann"), len(store.decisions(aid, "ann"))) == before
    # nothing of the run's savepoint is left behind: the next command commits
    store.apply(aid, "ann", cmd.Command("two", (cmd.add_span(Span(0, 3, "ORG")),) * 1))
    assert Span(0, 3, "ORG") in store.gold_spans(aid, "ann")


def test_runs_keep_their_place_among_other_changes(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    changes = (
        cmd.add_span(Span(0, 3, "ORG")),
        cmd.add_span(Span(4, 7, "ORG")),
        cmd.set_status("new", "done"),
        cmd.add_span(Span(8, 11, "ORG")),
        cmd.add_span(Span(12, 15, "ORG")),
        cmd.remove_span(Span(0, 3, "ORG")),
    )
    store.apply(aid, "ann", cmd.Command("mixed", changes))
    assert store.gold_spans(aid, "ann") == [
        Span(4, 7, "ORG"),
        Span(8, 11, "ORG"),
        Span(12, 15, "ORG"),
    ]
    assert store.status(aid, "ann") == "done"
