"""Most useful first: articles ordered by how much two models disagree on them."""

from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.store.ranking import disagreement, most_useful_first


def test_ranking_disagreement_is_one_minus_f1():
    a = {(0, 5, "PERSON"), (10, 15, "GPE")}
    assert disagreement(a, a) == 0.0
    assert disagreement(a, set()) == 1.0
    assert disagreement(set(), set()) == 0.0
    # one of two shared: F1 = 2*1/(2+2) = 0.5
    assert disagreement(a, {(0, 5, "PERSON"), (10, 15, "ORG")}) == 0.5


def test_ranking_orders_unfinished_articles_by_model_disagreement(store):
    ids = [r.article_id for r in store.add_docs(
        [ParsedDoc(f"Article {i} about Astana and Almaty.", lang="en") for i in range(4)]
    )]  # fmt: skip
    astana, almaty = Span(17, 23, "GPE"), Span(28, 34, "GPE")
    base = {ids[0]: [astana, almaty], ids[1]: [astana, almaty], ids[2]: [astana]}
    trained = {ids[0]: [astana, almaty], ids[1]: [], ids[2]: [Span(17, 23, "ORG")]}
    for model, found in (("base", base), ("trained", trained)):
        store.add_suggestions(
            [(aid, [Suggestion(s) for s in spans]) for aid, spans in found.items()], model, "1"
        )
    order = most_useful_first(store, "ann", "base", "trained")
    assert [aid for aid, _ in order] == [ids[1], ids[2], ids[0]]  # ids[3]: not run, left out
    assert [round(d, 2) for _, d in order] == [1.0, 1.0, 0.0]
    store.apply(ids[1], "ann", cmd.Command("done", (cmd.set_status("new", "done"),)))
    assert ids[1] not in [aid for aid, _ in most_useful_first(store, "ann", "base", "trained")]


def _steps_to_rank(store, extra: int) -> int:
    """SQLite VM steps most_useful_first takes when the base model also ran on ``extra``
    articles the trained model did not (a big project, a trained model run on a few)."""
    docs = [ParsedDoc(f"Article {i} about Astana and Almaty.", lang="en") for i in range(extra + 3)]
    ids = [r.article_id for r in store.add_docs(docs)]
    astana = Suggestion(Span(17, 23, "GPE"))
    store.add_suggestions([(aid, [astana]) for aid in ids], "base", "1")
    store.add_suggestions([(aid, [astana]) for aid in ids[:3]], "trained", "1")
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    store.db.conn.set_progress_handler(count, 100)
    try:
        assert [aid for aid, _ in most_useful_first(store, "ann", "base", "trained")] == ids[:3]
    finally:
        store.db.conn.set_progress_handler(None, 100)
    return steps[0]


def test_ranking_work_follows_the_articles_both_models_ran_on(tmp_path):
    from annotator.store import Store

    with Store(tmp_path / "small.db") as small, Store(tmp_path / "big.db") as big:
        few, many = _steps_to_rank(small, 20), _steps_to_rank(big, 2000)
    assert many < 2 * few + 50, (few, many)  # not 100 times the base model's articles
