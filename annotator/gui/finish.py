"""Marking an article done while suggestions are still pending: accept or reject the rest.

A done article is exported as complete, so a suggestion left pending in it would be
trained as "outside". Ctrl+Enter therefore decides the rest first: accepting (or
rejecting) every pending entity and event suggestion AND the status change make ONE
command, so the store saves it in one transaction and one undo brings all of it back.
Pure: composes the commands :mod:`annotator.core.review` and
:mod:`annotator.core.event_review` already build.
"""

from __future__ import annotations

import json

from annotator.core import commands as cmd
from annotator.core.event_review import EventReview
from annotator.core.review import PENDING, REJECTED, Focus, Review, Step
from annotator.gui.prefs import DONE_ACCEPT, DONE_REJECT

DONE = "done"
ACCEPT_REST_DONE, REJECT_REST_DONE = "accept_rest_done", "reject_rest_done"
_ACTION = {DONE_ACCEPT: ACCEPT_REST_DONE, DONE_REJECT: REJECT_REST_DONE}


def pending_counts(review: Review | None, events: EventReview | None) -> tuple[int, int]:
    """Pending (entity, event) suggestions of the open article."""
    entities = review.pending_count() if review else 0
    return entities, sum(1 for it in events.items if it.state == PENDING) if events else 0


def finish_step(review: Review, events: EventReview | None, how: str) -> Step | None:
    """Accept (``DONE_ACCEPT``) or reject (``DONE_REJECT``) every pending suggestion and
    mark the article done, as one command; None when there is nothing to change."""
    if how not in _ACTION:
        raise ValueError(f"unknown way to finish {how!r}")
    changes = _decide_rest(review, events, accept=how == DONE_ACCEPT)
    if review.status != DONE:
        changes.append(cmd.set_status(review.status, DONE))
    if not changes:
        return None
    item = review.current_item
    return Step(cmd.Command(_ACTION[how], tuple(changes)), Focus(item.span if item else None))


def _decide_rest(review: Review, events: EventReview | None, *, accept: bool) -> list[cmd.Change]:
    if accept:
        first = review.accept_all()  # the entities, then the events linked to them
        made = first.command.changes if first else ()
        steps = [first, events.accept_all(made) if events else None]
        changes = [change for step in steps if step for change in step.command.changes]
        # accepting an event accepts the entity suggestions of its arguments too: once
        seen: set[str] = set()
        out = []
        for change in changes:
            key = json.dumps(change.to_dict(), sort_keys=True)
            if key not in seen:
                seen.add(key)
                out.append(change)
        return out
    pending = [it.suggestion_id for it in review.items if it.state == PENDING]
    if events is not None:
        pending += [it.suggestion_id for it in events.items if it.state == PENDING]
    return [cmd.set_suggestion(sid, PENDING, REJECTED) for sid in pending]
