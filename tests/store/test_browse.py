from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.store import browse


def _fill(store, n=5):
    docs = [
        ParsedDoc(text=f"Article {i} text", title=f"Article {i}", lang="ru" if i == 2 else "en")
        for i in range(n)
    ]
    store.add_docs(docs)


def _status(store, aid, new, who="me"):
    old = store.status(aid, who)
    store.apply(aid, who, cmd.Command(new, (cmd.set_status(old, new),)))


def test_browse_article_ids_filter_by_status_and_language(store):
    _fill(store)
    _status(store, 2, "done")
    _status(store, 4, "skipped")
    assert browse.article_ids(store, "me") == [1, 2, 3, 4, 5]
    assert browse.article_ids(store, "me", statuses=["done"]) == [2]
    assert browse.article_ids(store, "me", statuses=["new", "in_progress"]) == [1, 3, 5]
    assert browse.article_ids(store, "me", lang="RU") == [3]
    assert browse.article_ids(store, "other", statuses=["done"]) == []


def test_browse_next_unfinished_wraps_round_and_skips_finished(store):
    _fill(store, 3)
    _status(store, 2, "done")
    assert browse.next_unfinished(store, "me") == 1
    assert browse.next_unfinished(store, "me", after=1) == 3
    assert browse.next_unfinished(store, "me", after=3) == 1
    _status(store, 1, "skipped")
    _status(store, 3, "done")
    assert browse.next_unfinished(store, "me", after=3) is None
    assert browse.next_unfinished(store, "you") == 1


def test_browse_status_counts_include_untouched_articles_as_new(store):
    _fill(store, 4)
    _status(store, 1, "done")
    store.apply(2, "me", cmd.Command("add_span", (cmd.add_span(Span(0, 7, "X")),)))
    assert browse.status_counts(store, "me") == {"done": 1, "in_progress": 1, "new": 2}


def test_browse_models_run_lists_runs_even_without_results(store):
    _fill(store, 2)
    store.add_suggestions([(1, []), (2, [Suggestion(Span(0, 7, "X"))])], "m", "1")
    assert browse.models_run(store, 1) == [("m", "1")]
    assert browse.models_run(store, 2) == [("m", "1")]
    store.add_docs([ParsedDoc(text="imported spans", spans=[Span(0, 8, "Y")])])
    assert browse.models_run(store, 3) == [("import", "")]
