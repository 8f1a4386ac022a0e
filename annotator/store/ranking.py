"""Which article to annotate next: the most useful first.

spaCy's NER gives no scores, so uncertainty is measured as *disagreement between two
models* on the same article — the base pipeline and the model trained on the project's
gold (query by committee, Seung et al. 1992): where they disagree most, the trained model
is least sure of what it learned, and a decision there teaches it most. The disagreement
of an article is 1 − F1 between the two models' entity suggestions (exact span and label),
from what the store already holds (no model runs here). Articles on which either model has
not run yet rank last. Annotator disagreement (articles two annotators labelled
differently) is the other order a lead may want: see annotator.store.team.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.store import browse
from annotator.store.models import models
from annotator.store.store import Store


def disagreement(a: set[tuple[int, int, str]], b: set[tuple[int, int, str]]) -> float:
    """1 − F1 between two sets of (start, end, label): 0 when they agree, 1 when disjoint."""
    if not a and not b:
        return 0.0
    both = len(a & b)
    return 1.0 - 2 * both / (len(a) + len(b))


_CHUNK = 500  # articles whose suggestions are read per query


def most_useful_first(
    store: Store, annotator: str, model_a: str, model_b: str, *, lang: str | None = None
) -> list[tuple[int, float]]:
    """(article id, disagreement) of the articles both models ran on that ``annotator``
    has not finished (done or skipped), the models' disagreement highest first."""
    # the runs of model_b (by the model index), each paired with model_a's by its key
    sql = """SELECT b.article_id FROM suggestion_runs b
        JOIN articles a ON a.id = b.article_id
        LEFT JOIN article_status s ON s.article_id = b.article_id AND s.annotator = ?
        WHERE b.model = ? AND coalesce(s.status, 'new') NOT IN ('done', 'skipped')
          AND EXISTS (SELECT 1 FROM suggestion_runs x
                      WHERE x.article_id = b.article_id AND x.model = ?)"""
    args: list = [annotator, model_b, model_a]
    if lang:
        sql += " AND a.lang = ?"
        args.append(lang)
    ids = sorted({r[0] for r in store.db.execute(sql, args)})
    scored = []
    for at in range(0, len(ids), _CHUNK):
        chunk = ids[at : at + _CHUNK]
        found: dict[int, dict[str, set]] = {aid: {model_a: set(), model_b: set()} for aid in chunk}
        marks = ",".join("?" * len(chunk))
        # by the article index (+model: not the model index, which holds every article)
        rows = store.db.execute(
            f"""SELECT article_id, model, start, "end", label FROM suggestions
            WHERE article_id IN ({marks}) AND kind = 'entity' AND +model IN (?, ?)""",
            [*chunk, model_a, model_b],
        )
        for aid, model, start, end, label in rows:
            found[aid][model].add((start, end, label))
        scored += [(aid, disagreement(m[model_a], m[model_b])) for aid, m in found.items()]
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored


@dataclass(frozen=True)
class UsefulOrder:
    """Unfinished articles ranked by model disagreement, over every language with a
    trained model; ``pairs``: (language, base model, trained model) compared."""

    ranked: list[tuple[int, float]]
    pairs: list[tuple[str, str, str]]


def useful_order(store: Store, annotator: str, *, lang: str | None = None) -> UsefulOrder | None:
    """Most useful first for each language (``lang``: that one) that has a registered
    trained model, its latest one against the base model that suggested most for that
    language; None when no trained model is registered (for ``lang``). Articles one model
    has not run on are left out (the caller puts them after the ranked ones)."""
    latest: dict[str, str] = {}
    for model in models(store):  # newest first
        if (lang is None or model.lang == lang) and model.lang not in latest:
            latest[model.lang] = model.name
    if not latest:
        return None
    ranked: list[tuple[int, float]] = []
    pairs = []
    for code, trained in sorted(latest.items()):
        base = base_model(store, code, trained)
        pairs.append((code, base, trained))
        found = most_useful_first(store, annotator, base, trained, lang=code)
        ranked += found
    ranked.sort(key=lambda x: (-x[1], x[0]))
    return UsefulOrder(ranked, pairs)


def base_model(store: Store, lang: str, trained: str) -> str:
    """The model the trained one is compared with: the other model that suggested for
    this language's articles most often ("" when none did)."""
    if browse.languages(store) == [lang]:
        # one language: count the runs by the model index (a million runs: 0.1 s, not
        # the 0.7-2.5 s of pairing each run with its article)
        row = store.db.execute(
            """SELECT model, count(*) FROM suggestion_runs WHERE model != ?
            GROUP BY model ORDER BY 2 DESC, 1 LIMIT 1""",
            [trained],
        ).fetchone()
    else:
        row = store.db.execute(
            """SELECT r.model, count(*) FROM suggestion_runs r
            JOIN articles a ON a.id = r.article_id
            WHERE a.lang = ? AND r.model != ? GROUP BY r.model ORDER BY 2 DESC, 1 LIMIT 1""",
            [lang, trained],
        ).fetchone()
    return row[0] if row else ""
