"""The store side of the list's orders: most useful first across languages with a trained
model (issue 12) and each annotator's assigned articles (issue 11)."""

from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.store import browse
from annotator.store import models as registry
from annotator.store.ranking import base_model, useful_order
from annotator.store.team import assign


def _project(store):
    docs = [ParsedDoc(f"Article {i} about Astana and Almaty.", lang="en") for i in range(3)]
    docs += [ParsedDoc(f"Статья {i} об Астане и Алматы.", lang="ru") for i in range(2)]
    store.add_docs(docs)  # en 1-3, ru 4-5
    a, b = Span(17, 23, "GPE"), Span(28, 34, "GPE")
    runs = {
        ("en_core_web_sm", "1"): {1: [a, b], 2: [a, b], 3: [a]},
        ("rules:en", "1"): {1: [a]},  # ran on fewer articles: not the base
        ("trained-en", "1"): {1: [a, b], 2: [a]},
        ("rules:ru", "1"): {4: [Span(10, 16, "GPE")], 5: [Span(10, 16, "GPE")]},
        ("trained-ru", "1"): {4: [], 5: [Span(10, 16, "GPE")]},
    }
    for (model, version), found in runs.items():
        store.add_suggestions(
            [(aid, [Suggestion(s) for s in spans]) for aid, spans in found.items()],
            model,
            version,
        )


def _register(store, name, lang):
    registry.register(
        store, name=name, path=f"models/{name}", lang=lang, base="b", data_hash="h", scores={}
    )


def test_useful_order_none_without_a_registered_model(store):
    _project(store)
    assert useful_order(store, "ann") is None


def test_useful_order_ranks_every_language_with_a_trained_model(store):
    _project(store)
    _register(store, "trained-en", "en")
    _register(store, "trained-ru", "ru")
    assert base_model(store, "en", "trained-en") == "en_core_web_sm"
    found = useful_order(store, "ann")
    assert found.pairs == [
        ("en", "en_core_web_sm", "trained-en"),
        ("ru", "rules:ru", "trained-ru"),
    ]
    # 4: disjoint (1.0); 2: F1 2/3; 1 and 5: agree (0.0); 3: no trained run, left out
    assert [(aid, round(score, 2)) for aid, score in found.ranked] == [
        (4, 1.0), (2, 0.33), (1, 0.0), (5, 0.0)
    ]  # fmt: skip
    assert [aid for aid, _ in useful_order(store, "ann", lang="ru").ranked] == [4, 5]
    store.apply(4, "ann", cmd.Command("done", (cmd.set_status("new", "done"),)))
    assert 4 not in [aid for aid, _ in useful_order(store, "ann").ranked]


def test_useful_order_uses_the_latest_model_of_a_language(store):
    _project(store)
    _register(store, "rules:en", "en")
    _register(store, "trained-en", "en")
    # registered in the same second here: make the first one older, as in a real project
    store.db.execute("UPDATE models SET trained_at = '2020-01-01' WHERE name = 'rules:en'")
    assert useful_order(store, "ann").pairs[0][2] == "trained-en"


def test_useful_order_browse_assigned_and_unfinished_among(store):
    _project(store)
    assert browse.assigned(store, "ann") == []
    assign(store, ["ann", "bob"], overlap=1)
    mine = browse.assigned(store, "ann")
    assert mine and mine == sorted(mine)
    assert set(mine) | set(browse.assigned(store, "bob")) == {1, 2, 3, 4, 5}
    store.apply(mine[0], "ann", cmd.Command("done", (cmd.set_status("new", "done"),)))
    assert browse.assigned(store, "ann") == mine  # done ones stay assigned
    assert browse.unfinished_among(store, "ann", mine) == set(mine[1:])
    assert browse.unfinished_among(store, "ann", []) == set()


def test_useful_order_base_model_of_a_one_language_project(store):
    from annotator.core.models import ParsedDoc, Span, Suggestion

    ids = [r.article_id for r in store.add_docs(
        [ParsedDoc(f"Article {i} about Astana.", lang="en") for i in range(4)])]  # fmt: skip
    astana = [Suggestion(Span(17, 23, "GPE"))]
    store.add_suggestions([(aid, astana) for aid in ids[:2]], "other", "1")
    store.add_suggestions([(aid, astana) for aid in ids[:3]], "base", "1")
    store.add_suggestions([(aid, astana) for aid in ids[:3]], "base", "2")  # counted together
    store.add_suggestions([(aid, astana) for aid in ids], "trained", "1")
    assert base_model(store, "en", "trained") == "base"
    assert base_model(store, "en", "base") == "trained"
    store.add_suggestions([(aid, astana) for aid in ids], "other", "2")
    assert base_model(store, "en", "trained") == "base"  # 6 runs each: by name
    store.add_suggestions([(ids[0], astana)], "other", "3")
    assert base_model(store, "en", "trained") == "other"  # 7 runs to 6
