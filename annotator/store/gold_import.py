"""Gold from an import, for an article that may already be in the project.

The everyday workflow is "import the raw articles, later import someone's gold for them":
the gold attaches to the stored article for that annotator. What the annotator already
decided is never silently overwritten: different gold is refused per article unless the
user asked to replace it, and the replacement is one logged (undoable) decision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from annotator.core import commands as cmd
from annotator.core.models import (
    EVENT,
    PARTIAL,
    Event,
    ParsedDoc,
    Span,
    Suggestion,
    new_uid,
    partial_entities,
)

# what happened to the gold an imported document carried (AddResult.gold)
ADDED = "added"  # a new article, with its gold
ATTACHED = "attached"  # an article already stored, gold added for the annotator
UNCHANGED = "unchanged"  # the annotator already had exactly this gold
REPLACED = "replaced"  # different gold replaced, as asked
CONFLICT = "conflict"  # different gold there: refused
NOT_ANNOTATED = "not_annotated"  # the input states no annotations: stored as a plain article
FAILED = "failed"  # the store refused the document (AddResult.reason says why): not stored


@dataclass(frozen=True)
class Existing:
    """What an annotator already has for one article."""

    spans: list[Span]
    events: list[Event]
    status: str
    entities: str | None = None  # the gold's entities flag ("partial")

    @property
    def has_gold(self) -> bool:
        return bool(self.spans or self.events) or self.status == "done"


def gold_command(doc: ParsedDoc, old: Existing, action: str) -> cmd.Command:
    """The changes that turn ``old`` into the document's gold, marked done.

    Events get new uids: a uid is the project's own key, and input files number their
    events per document (``"uid": 1`` in every file would collide).
    """
    new_spans = list(dict.fromkeys(doc.spans))
    wanted, have_spans = set(new_spans), set(old.spans)  # once, not once per span
    if merges(doc, old):  # one more judged span of partial gold: added, nothing taken
        wanted |= have_spans
    changes = [cmd.remove_span(s) for s in old.spans if s not in wanted]
    changes += [cmd.add_span(s) for s in new_spans if s not in have_spans]
    kept = _content_counts(doc.events)  # compare content; uids have no meaning here
    for event in old.events:
        if kept[_content(event)] > 0:
            kept[_content(event)] -= 1
        else:
            changes.append(cmd.remove_event(event))
    have = _content_counts(old.events)
    for event in doc.events:
        if have[_content(event)] > 0:
            have[_content(event)] -= 1
        else:
            changes.append(cmd.add_event(replace(event, uid=new_uid())))
    flag = PARTIAL if partial_entities(doc.meta) else None
    if changes or old.status != "done" or old.entities != flag:
        changes.append(cmd.set_status(old.status, "done", (old.entities, flag)))
    return cmd.Command(action, tuple(changes))


BINARY_VIEW = "ner"  # Prodigy's binary NER answers: one proposed span per line


def binary(doc: ParsedDoc) -> bool:
    """A Prodigy binary NER answer (``_view_id`` "ner", e.g. ner.teach): it judges one span
    of a text that other lines judge more of; alone it is partial entity gold."""
    return doc.meta.get("_view_id") == BINARY_VIEW


def merges(doc: ParsedDoc, old: Existing) -> bool:
    """Whether ``doc`` adds to the annotator's gold instead of replacing it: a binary answer
    onto partial gold (the earlier answers on the same text)."""
    return binary(doc) and old.entities == PARTIAL and not doc.events


def _content(event: Event) -> tuple:
    attrs = tuple((k, repr(v)) for k, v in event.attributes)  # values need not be hashable
    return (event.trigger, event.arguments, attrs)


def _content_counts(events: list[Event]) -> Counter[tuple]:
    return Counter(_content(e) for e in events)


def decide_suggestions(
    doc: ParsedDoc, suggestions: list[tuple[Suggestion, str]]
) -> list[cmd.Change]:
    """Imported gold is the truth: the suggestions it contains are accepted and the others
    rejected (logged with the import), so that none stays undecided — and, when it replaces
    earlier gold, none stays accepted for a span the gold no longer has. Gold whose entities
    are partial (``meta.entities == "partial"``: only some entities were annotated) says
    nothing of the entities it lacks: their suggestions stay (or become again) pending."""
    spans = set(doc.spans)
    events = {_content(e) for e in doc.events}
    partial = partial_entities(doc.meta)
    changes = []
    for s, state in suggestions:
        found = s.span in spans if s.kind != EVENT else _content(s.as_event()) in events
        if found:
            want = cmd.ACCEPTED
        elif partial and s.kind != EVENT:
            want = cmd.PENDING if state == cmd.ACCEPTED else state
        else:
            want = cmd.REJECTED
        if want != state:
            changes.append(cmd.set_suggestion(s.id, state, want))
    return changes


def outcome(
    command: cmd.Command, old: Existing, new_article: bool, replace: bool, merge: bool = False
) -> str:
    """What applying ``command`` means: different gold is gold the import would take away
    from, or add to once the annotator marked it done (``merge``: adding is expected)."""
    if new_article:
        return ADDED
    if not command:
        return UNCHANGED
    removes = any(c.before is not None for c in command.changes if c.kind in GOLD_KINDS)
    if not removes and (old.status != "done" or merge):
        return ATTACHED
    return REPLACED if replace else CONFLICT


GOLD_KINDS = (cmd.SPAN, cmd.EVENT)
