"""The Qt models pass Qt's model tester and stay lazy and in sync with the store."""

from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.labels import load_labels
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.core.review import Review
from annotator.gui import article_list
from annotator.gui.article_list import ArticleListModel
from annotator.gui.review_panel import ReviewModel
from annotator.gui.styles import SpanStyles


def _docs(n: int) -> list[ParsedDoc]:
    return [
        ParsedDoc(
            text=f"Title {i}\n\nBody {i} in Astana.",
            title=f"Title {i}",
            lang="en" if i % 3 else "ru",
            date="2025-01-02",
            source=f"{i}.txt",
        )
        for i in range(n)
    ]


def test_article_list_model_passes_the_model_tester(qtmodeltester, store):
    store.add_docs(_docs(30))
    model = ArticleListModel(store, "me")
    qtmodeltester.check(model)
    assert model.rowCount() == 30
    assert model.index(0, 1).data() == "Title 0"
    assert model.index(0, 4).data() == "0 / 0"


def test_article_list_model_fetches_pages_lazily(store, monkeypatch):
    monkeypatch.setattr(article_list, "PAGE", 10)
    monkeypatch.setattr(article_list, "MAX_PAGES", 2)
    store.add_docs(_docs(45))
    model = ArticleListModel(store, "me")
    assert model.rowCount() == 45
    assert not model._pages  # nothing read until a row is shown
    assert model.index(44, 1).data() == "Title 44"
    assert model.index(0, 1).data() == "Title 0"
    assert model.index(25, 1).data() == "Title 25"
    assert sorted(model._pages) == [0, 2]  # bounded: page 4 was dropped


def test_article_list_model_filters_and_refreshes_one_row(qtbot, store):
    store.add_docs(_docs(6))
    model = ArticleListModel(store, "me")
    model.set_filter(lang="ru")
    assert [model.article_id(r) for r in range(model.rowCount())] == [1, 4]
    model.set_filter(statuses=("done",))
    assert model.rowCount() == 0
    model.set_filter()
    assert model.index(2, 0).data() == "○"
    store.apply(3, "me", cmd.Command("done", (cmd.set_status("new", "done"),)))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.refresh_article(3)
    assert blocker.args[0].row() == 2
    assert model.index(2, 0).data() == "●"


def test_article_list_model_search_keeps_rank_order(store):
    store.add_docs(_docs(5))
    model = ArticleListModel(store, "me")
    model.set_filter(search_ids=[4, 2, 99])
    assert [model.article_id(r) for r in range(model.rowCount())] == [4, 2]


def _review() -> Review:
    text = "Tokayev met Mirziyoyev in Astana."
    sugg = [
        (Suggestion(Span(0, 7, "PERSON"), model="m", id=1), "pending"),
        (Suggestion(Span(12, 22, "PERSON"), model="m", id=2), "rejected"),
    ]
    return Review(1, text, sugg, [Span(26, 32, "GPE")])


def test_review_model_passes_the_model_tester(qtmodeltester):
    model = ReviewModel(SpanStyles(load_labels()))
    model.set_review(_review())
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert [model.index(r, 3).data() for r in range(3)] == ["pending", "rejected", "gold"]
    assert model.index(2, 1).data() == "Astana"
    model.set_review(None)
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_review_model_same_rows_update_in_place(qtbot):
    model = ReviewModel(SpanStyles(load_labels()))
    model.set_review(_review())
    text = "Tokayev met Mirziyoyev in Astana."
    changed = Review(
        1,
        text,
        [
            (Suggestion(Span(0, 7, "PERSON"), model="m", id=1), "rejected"),
            (Suggestion(Span(12, 22, "PERSON"), model="m", id=2), "rejected"),
        ],
        [Span(26, 32, "GPE")],
    )
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.set_review(changed)
    assert model.index(0, 3).data() == "rejected"
