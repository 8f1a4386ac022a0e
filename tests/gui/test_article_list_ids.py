"""The article list without reading every id: a gapless project is a range, a row is found
by bisection, search hits are filtered among themselves, done -> next wraps without copies."""

from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc
from annotator.gui.article_list import ArticleListModel
from annotator.store import browse


def _docs(n: int, lang: str = "en") -> list[ParsedDoc]:
    return [
        ParsedDoc(f"Article {lang} {i} text.", lang=lang, source=f"{lang}{i}") for i in range(n)
    ]


def _done(store, aid: int, who: str = "me") -> None:
    store.apply(aid, who, cmd.Command("done", (cmd.set_status("new", "done"),)))


def test_article_list_ids_gapless_project_is_a_range_and_a_gap_is_not(store):
    store.add_docs(_docs(6))
    assert browse.shown_ids(store, "me") == range(1, 7)
    with store.write():
        store.db.execute("DELETE FROM articles WHERE id = 3")
    assert browse.shown_ids(store, "me") == [1, 2, 4, 5, 6]
    model = ArticleListModel(store, "me")
    assert model.row_of(4) == 2 and model.row_of(3) is None and model.row_of(99) is None


def test_article_list_ids_languages_and_hits_among_filters(store):
    store.add_docs(_docs(3) + _docs(2, "ru") + _docs(1, "kk"))
    assert browse.languages(store) == ["en", "kk", "ru"] == store.languages()
    _done(store, 2)
    assert browse.among(store, "me", [5, 2, 1, 99], statuses=("new",)) == [5, 1]
    assert browse.among(store, "me", [5, 2, 1], lang="ru") == [5]
    model = ArticleListModel(store, "me")
    model.set_filter(statuses=("new", "in_progress"), search_ids=[6, 2, 1])
    assert [model.article_id(r) for r in range(model.rowCount())] == [6, 1]
    assert model.row_of(1) == 1


def test_article_list_ids_next_after_wraps_round_in_a_range(store):
    store.add_docs(_docs(5))
    model = ArticleListModel(store, "me")
    assert isinstance(model._ids, range)
    for aid in (4, 5):
        _done(store, aid)
    assert model.next_after(3) == 1  # 4 and 5 done: round to the top
    assert model.next_after(None) == 1 and model.row_of(5) == 4
