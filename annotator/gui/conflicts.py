"""A change the store refused because the project holds something else (another window, a
``merge`` or an ``import`` changed the article), said in the user's terms: the thing as
the window shows it — an event by its type and trigger, an entity by its words and label —
and what happened, never an internal uid or id."""

from __future__ import annotations

from collections.abc import Mapping

from annotator.core import commands as cmd
from annotator.core.models import Event, Span
from annotator.store import ConflictError


def conflict_line(
    exc: ConflictError,
    text: str,
    entity_suggestions: Mapping[int, Span] | None = None,
    event_suggestions: Mapping[int, Span] | None = None,
    *,
    reloaded: bool = True,
) -> str:
    """``Not saved: the Meet event “met” was changed by another program; …``.
    ``*_suggestions``: suggestion id → span (an event's: its trigger, labelled with the
    type); ``reloaded``: the window read the article again."""
    what = thing(exc.change, text, entity_suggestions or {}, event_suggestions or {})
    after = "; the article was reloaded." if reloaded else "."
    if what is None:
        return f"Not saved: {exc} (changed by another program){after}"
    return f"Not saved: {what} was changed by another program{after}"


def thing(
    change: cmd.Change | None,
    text: str,
    entity_suggestions: Mapping[int, Span],
    event_suggestions: Mapping[int, Span],
) -> str | None:
    """What ``change`` is about, as the window shows it; None when it cannot say."""
    value = None if change is None else change.before or change.after
    if change is None or value is None:
        return None
    if change.kind == cmd.EVENT:
        return event_name(Event.from_dict(value).trigger, text)
    if change.kind == cmd.SPAN:
        return entity_name(Span.from_dict(value), text)
    if change.kind == cmd.STATUS:
        return "the article's status"
    sid = value.get("id")
    if sid in event_suggestions:
        return "the suggested " + event_name(event_suggestions[sid], text)[4:]
    if sid in entity_suggestions:
        return "the suggestion " + entity_name(entity_suggestions[sid], text)[11:]
    return None


def event_name(trigger: Span, text: str) -> str:
    return f"the {trigger.label} event “{words(trigger, text)}”"


def entity_name(span: Span, text: str) -> str:
    return f"the entity “{words(span, text)}” ({span.label})"


def words(span: Span, text: str, most: int = 40) -> str:
    words = " ".join(text[span.start : span.end].split())
    return words if len(words) <= most else words[: most - 1] + "…"
