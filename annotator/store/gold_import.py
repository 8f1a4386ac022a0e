"""Gold from an import, for an article that may already be in the project.

The everyday workflow is "import the raw articles, later import someone's gold for them":
the gold attaches to the stored article for that annotator. What the annotator already
decided is never silently overwritten: different gold is refused per article unless the
user asked to replace it, and the replacement is one logged (undoable) decision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from annotator.core import commands as cmd
from annotator.core.models import Event, ParsedDoc, Span

# what happened to the gold an imported document carried (AddResult.gold)
ADDED = "added"  # a new article, with its gold
ATTACHED = "attached"  # an article already stored, gold added for the annotator
UNCHANGED = "unchanged"  # the annotator already had exactly this gold
REPLACED = "replaced"  # different gold replaced, as asked
CONFLICT = "conflict"  # different gold there: refused
NOT_ANNOTATED = "not_annotated"  # the input states no annotations: stored as a plain article


@dataclass(frozen=True)
class Existing:
    """What an annotator already has for one article."""

    spans: list[Span]
    events: list[Event]
    status: str

    @property
    def has_gold(self) -> bool:
        return bool(self.spans or self.events) or self.status == "done"


def gold_command(doc: ParsedDoc, old: Existing, action: str) -> cmd.Command:
    """The changes that turn ``old`` into the document's gold, marked done."""
    new_spans = list(dict.fromkeys(doc.spans))
    changes = [cmd.remove_span(s) for s in old.spans if s not in set(new_spans)]
    changes += [cmd.add_span(s) for s in new_spans if s not in set(old.spans)]
    kept = Counter(doc.events)  # Event equality ignores uids: compare content
    for event in old.events:
        if kept[event] > 0:
            kept[event] -= 1
        else:
            changes.append(cmd.remove_event(event))
    have = Counter(old.events)
    for event in doc.events:
        if have[event] > 0:
            have[event] -= 1
        else:
            changes.append(cmd.add_event(event))
    if old.status != "done":
        changes.append(cmd.set_status(old.status, "done"))
    return cmd.Command(action, tuple(changes))


def outcome(command: cmd.Command, old: Existing, new_article: bool, replace: bool) -> str:
    if new_article:
        return ADDED
    if not command:
        return UNCHANGED
    if not old.has_gold:
        return ATTACHED
    return REPLACED if replace else CONFLICT
