"""Row types of the store and their conversion from and to SQLite rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from annotator.core import commands as cmd
from annotator.core.models import (
    EVENT,
    Argument,
    Article,
    Event,
    Span,
    Suggestion,
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class AddResult:
    """Outcome of adding one parsed document.

    ``new``: the text was not in the project before. ``gold`` (imports as gold only): what
    happened to its gold, one of the outcomes in :mod:`annotator.store.gold_import`.
    """

    source: str
    article_id: int
    new: bool
    gold: str = ""
    reason: str = ""  # why the store refused it (gold == "failed")

    @property
    def duplicate(self) -> bool:
        return not self.new


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list."""

    id: int
    title: str
    date: str | None
    lang: str
    status: str
    suggestions: int
    gold: int


@dataclass(frozen=True)
class GoldDoc:
    article: Article
    annotator: str
    spans: list[Span]
    events: list[Event]
    # suggestions this annotator left pending that no gold item equals: in a done article
    # they are undecided, so exports must treat their tokens as missing, never as "O"
    pending: list[Suggestion] = field(default_factory=list)


@dataclass(frozen=True)
class LoggedDecision:
    id: int
    action: str
    command: cmd.Command
    undo_of: int | None
    redo_of: int | None


@dataclass(frozen=True)
class Applied:
    """A command the store applied: its decision id, and the command as logged (with the
    implied changes, e.g. a first edit's status change; for an undo, the inverse)."""

    decision_id: int
    command: cmd.Command


_ARTICLE_COLUMNS = (
    "id content_hash source external_id lang date time title text meta imported_at".split()
)


def _article(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        content_hash=row["content_hash"],
        text=row["text"],
        title=row["title"] or "",
        lang=row["lang"],
        date=row["date"],
        time=row["time"],
        source=row["source"] or "",
        external_id=row["external_id"],
        meta=json.loads(row["meta"] or "{}"),
    )


def _suggestion(r: Sequence[Any]) -> Suggestion:
    sid, kind, start, end, label, args, attrs, score, source, model, version = r[:11]
    return Suggestion(
        span=Span(start, end, label),
        kind=kind,
        # entity suggestions (most rows) have none: skip the JSON parser for them
        arguments=tuple(Argument.from_dict(a) for a in json.loads(args))
        if args and args != "[]"
        else (),
        attributes=tuple(sorted(json.loads(attrs).items())) if attrs and attrs != "{}" else (),
        score=score,
        source=source,
        model=model or "",
        model_version=version or "",
        id=sid,
    )


def e_sugg(e: Event) -> Suggestion:
    return Suggestion(e.trigger, EVENT, e.arguments, e.attributes, source="import", model="import")


def _tagged(kind: str, value: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else {"kind": kind, **value}


def _change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> cmd.Change:
    kind = (before or after or {}).get("kind", "")
    strip = lambda v: None if v is None else {k: x for k, x in v.items() if k != "kind"}  # noqa: E731
    return cmd.Change(kind, strip(before), strip(after))
