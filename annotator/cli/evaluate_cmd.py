"""``annotator evaluate``: model suggestions against an annotator's gold (ACE-style P/R/F1)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from annotator.cli.common import db_option, default_annotator, fail, open_store, user_errors
from annotator.core.evaluate import Report, evaluate
from annotator.core.models import ENTITY, EVENT, Suggestion, partial_entities
from annotator.store import GoldDoc, Store
from annotator.store.team import ADJUDICATOR

ModelKey = tuple[str, str]  # (model, version)


@dataclass
class Evaluation:
    report: Report
    annotator: str
    # language -> kind -> the (model, version) scored on that language's articles
    by_lang: dict[str, dict[str, ModelKey | None]]
    articles: int = 0
    skipped: list[int] = field(default_factory=list)  # gold articles without suggestions
    partial: list[int] = field(default_factory=list)  # entity gold partial: entities unscored
    # suggestions the annotator neither accepted nor rejected, per article: not scored
    undecided: dict[int, int] = field(default_factory=dict)

    @property
    def models(self) -> dict[str, ModelKey | None]:
        """kind -> the (model, version) scored, when every language agrees on it (else None:
        see :attr:`by_lang`)."""
        out: dict[str, ModelKey | None] = {}
        for kind in (ENTITY, EVENT):
            used = {keys[kind] for keys in self.by_lang.values() if keys[kind]}
            out[kind] = used.pop() if len(used) == 1 else None
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "articles": self.articles,
            "skipped_articles": self.skipped,
            "entities_not_scored": self.partial,
            "undecided_suggestions_not_scored": sum(self.undecided.values()),
            "articles_with_undecided_suggestions": sorted(self.undecided),
            "models": _model_dicts(self.models),
            "models_by_language": {lang: _model_dicts(k) for lang, k in self.by_lang.items()},
            **self.report.to_dict(),
        }

    def render(self) -> str:
        lines = [f"Gold of {self.annotator}: {self.articles} articles"]
        several = len(self.by_lang) > 1
        for lang, keys in self.by_lang.items():
            for kind, key in keys.items():
                used = f"{key[0]} {key[1]}".strip() if key else "none"
                lines.append(f"Suggestions ({kind}{f', {lang}' if several else ''}): {used}")
        if self.partial:
            lines.append(
                f"Entities not scored on {len(self.partial)} articles whose entity gold is "
                "partial (meta entities=partial); their events are scored"
            )
        if self.undecided:
            n, docs = sum(self.undecided.values()), len(self.undecided)
            lines.append(
                f"Left out {n} undecided suggestion{'s' * (n != 1)} on {docs} "
                f"article{'s' * (docs != 1)} (neither accepted nor rejected by "
                f"{self.annotator}: not scored as right or wrong)"
            )
        if self.skipped:
            lines.append(
                f"Skipped {len(self.skipped)} articles with gold but no suggestions "
                "(run `annotator suggest` on them)"
            )
        return "\n".join(lines) + "\n\n" + self.report.render()


def parse_model(text: str | None) -> tuple[str | None, str | None]:
    """ "NAME" or "NAME@VERSION"."""
    if not text:
        return None, None
    name, _, version = text.partition("@")
    return name, version or None


def evaluate_store(
    store: Store,
    annotator: str,
    *,
    model: str | None = None,
    status: str | None = "done",
) -> Evaluation:
    """Score stored model suggestions against one annotator's gold.

    For each language and kind (entity, event) the most recent (model, version) with
    suggestions on that language's gold articles is scored (a Russian model's suggestions
    are never scored against English gold), unless ``model`` ("NAME" or "NAME@VERSION")
    picks one.
    ``status`` "any" (or None) takes every article with gold. Raises ValueError when there
    is nothing to score.
    """
    status = None if status == "any" else status
    gold = list(store.iter_gold(annotator=annotator, status=status))
    if not gold:
        where = f" with status {status}" if status else ""
        raise ValueError(f"no gold of annotator {annotator!r}{where}; annotate or import some")
    name, version = parse_model(model)
    suggestions = {
        g.article.id: [
            s
            for s, _state in store.suggestions(g.article.id, annotator)
            if s.source == "model" and _wanted(s, name, version)
        ]
        for g in gold
    }
    by_lang = _latest_by_lang(gold, suggestions)
    if not any(k for keys in by_lang.values() for k in keys.values()):
        which = f" from model {model}" if model else ""
        raise ValueError(f"no model suggestions{which} on the gold articles; run annotator suggest")
    result = Evaluation(Report(), annotator, by_lang)
    pairs = []
    for g in gold:
        keys = by_lang[g.article.lang]
        chosen = [
            s for s in suggestions[g.article.id] if (s.model, s.model_version) == keys[s.kind]
        ]
        if not chosen:
            result.skipped.append(g.article.id)
            continue
        pairs.append(_pair(g, chosen, result))
    result.report, result.articles = evaluate(pairs), len(pairs)
    return result


def _pair(g: GoldDoc, chosen: list[Suggestion], result: Evaluation) -> tuple[Any, Any]:
    """(predicted, gold) of one article; undecided suggestions are neither right nor wrong."""
    undecided = {s.id for s in g.pending if s.id is not None}
    left_out = sum(s.id in undecided for s in chosen)
    if left_out:
        result.undecided[g.article.id] = left_out
        chosen = [s for s in chosen if s.id not in undecided]
    spans = [s.span for s in chosen if s.kind == ENTITY]
    events = [s.as_event() for s in chosen if s.kind == EVENT]
    gold_spans = g.spans
    if partial_entities(g.article.meta):
        result.partial.append(g.article.id)
        spans, gold_spans = [], []
    return (spans, events), (gold_spans, g.events)


def _model_dicts(keys: dict[str, ModelKey | None]) -> dict[str, dict[str, str] | None]:
    return {k: None if v is None else {"model": v[0], "version": v[1]} for k, v in keys.items()}


def _latest_by_lang(
    gold: list[GoldDoc], suggestions: dict[int, list[Suggestion]]
) -> dict[str, dict[str, ModelKey | None]]:
    """Per language of the gold articles (sorted), the latest (model, version) per kind."""
    groups: dict[str, list[list[Suggestion]]] = {}
    for g in gold:
        groups.setdefault(g.article.lang, []).append(suggestions[g.article.id])
    return {
        lang: {kind: _latest(groups[lang], kind) for kind in (ENTITY, EVENT)}
        for lang in sorted(groups)
    }


def _wanted(s: Suggestion, name: str | None, version: str | None) -> bool:
    return (name is None or s.model == name) and (version is None or s.model_version == version)


def _latest(groups: Iterable[list[Suggestion]], kind: str) -> ModelKey | None:
    """The (model, version) whose suggestions of this kind were stored last."""
    best: dict[ModelKey, int] = {}
    for group in groups:
        for s in group:
            if s.kind == kind:
                key = (s.model, s.model_version)
                best[key] = max(best.get(key, -1), s.id or 0)
    return max(best, key=best.__getitem__) if best else None


@click.command("evaluate")
@db_option
@click.option(
    "--annotator",
    default=None,
    help="Whose gold (default: the OS user's if any, else the adjudicated 'gold', else the "
    "only annotator's).",
)
@click.option(
    "--model",
    default=None,
    metavar="NAME[@VERSION]",
    help="Score this model's suggestions (default: the latest run for each kind).",
)
@click.option(
    "--status",
    default="done",
    show_default=True,
    help="Only articles with this status; 'any' for every article with gold.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@user_errors
def evaluate_cmd(
    db: Path | None, annotator: str | None, model: str | None, status: str, as_json: bool
) -> None:
    """Entity and event suggestions against gold: P/R/F1 for entities by label, event
    triggers (identification, classification) and arguments (identification,
    classification), micro-averaged over the articles (ACE style)."""
    with open_store(db, create=False) as store:
        who = annotator or _whose_gold(store)
        try:
            result = evaluate_store(store, who, model=model, status=status)
        except ValueError as exc:
            fail(str(exc))
    click.echo(json.dumps(result.to_dict(), indent=2) if as_json else result.render())


def _whose_gold(store: Store) -> str:
    """The gold ``evaluate`` scores when no annotator is named: the OS user's, else the
    adjudicated version, else the one annotator's; with several and none of those, a
    one-line error naming them (a new user's project had only 'eve', and the default
    'root' found no gold)."""
    names = store.annotators()
    me = default_annotator()
    for who in (me, ADJUDICATOR):
        if who in names:
            return who
    if len(names) == 1:
        return names[0]
    if not names:
        return me  # evaluate_store says there is no gold
    fail(f"whose gold? annotators: {', '.join(names)}; pass --annotator NAME")
    raise AssertionError  # fail exits
