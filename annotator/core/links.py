"""Event arguments stand on gold entities.

An argument of a gold event refers to a gold entity span of the same article and
annotator: the argument's offsets and label *are* that span's (brat's E lines point at T
ids, INCEpTION's link features at span annotations; here the reference is by value, and
the store refuses a command that leaves an argument without its entity). So:

- accepting an event makes each argument's span gold, or links it to the gold span
  already there (:func:`link_event`);
- relabelling, moving or deleting a gold entity changes every argument that refers to it
  in the same command, so one undo step takes both back (:func:`carry_over`);
- gold from a file whose arguments disagree with its entities is linked the same way
  (:func:`link_doc`), and so are projects made before this rule (store migration 3).

Arguments labelled ``SPAN`` (the schema's "any phrase": a topic, an indicator, a position)
are not entities: they stand on their own and are never made entity gold.

Pure: no I/O, no Qt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from annotator.core import commands as cmd
from annotator.core.models import ENTITY, Argument, Event, ParsedDoc, Span, Suggestion
from annotator.core.schema import ANY_SPAN

# what link_doc / the migration did, as tally keys (counted on stderr by imports)
RELABELLED = "event arguments given their entity's label"
CREATED = "entities added for event arguments"
EVENT_PHRASES = "event arguments that are other events, kept as the phrase of their trigger"


def on_entity(span: Span) -> bool:
    """Whether an argument with this span refers to an entity (not a SPAN phrase)."""
    return span.label != ANY_SPAN


def entity_for(
    span: Span,
    gold: Collection[Span],
    corrected: Collection[tuple[int, int]] = (),
    *,
    nudged: bool = False,
    near: bool = False,
) -> Span | None:
    """The gold entity an argument with ``span`` refers to; None: none yet (it becomes one).

    The same span; else the gold span at the same offsets (the annotator relabelled the
    entity: its label wins); else the one gold span overlapping it where the annotator
    corrected the entity suggestion at these offsets (``corrected``: offsets of decided
    entity suggestions) or, with ``nudged``, the one overlapping gold span of the same
    label (the corrected boundaries: "Akim Kumar Aksakalov" → "Kumar Aksakalov"); with
    ``near`` too, only one holding it or held by it with at most NUDGE characters more
    ("Ministry of Finance" → "the Ministry of Finance"; not "2023" for "2023 to 2025").
    """
    if span in gold:
        return span
    same = sorted(s for s in gold if s.start == span.start and s.end == span.end)
    if same:
        return same[0]
    over = [s for s in gold if s.overlaps(span)]
    if (span.start, span.end) in corrected and len(over) == 1:
        return over[0]
    if nudged:
        alike = [s for s in over if s.label == span.label and (not near or _near(s, span))]
        if len(alike) == 1:
            return alike[0]
    return None


# how many characters one span may have beyond the other to be the same mention with its
# edges moved ("Akim " before a name, "the " before an organisation): more, and the
# overlap is another entity holding or held by it ("Ministry of Finance" inside "State
# Revenue Committee of the Ministry of Finance", "2023" inside "2023 to 2025")
NUDGE = 5


def _near(a: Span, b: Span) -> bool:
    """True when one span holds the other and they differ by at most NUDGE characters."""
    inside = (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)
    return inside and abs(a.start - b.start) + abs(a.end - b.end) <= NUDGE


def link_event(
    event: Event,
    gold: Collection[Span],
    entity_suggestions: Sequence[tuple[Suggestion, str]] = (),
    triggers: Collection[Span] = (),
) -> tuple[Event, list[cmd.Change]]:
    """``event`` with every argument on a gold entity, and the changes that make the
    missing entities gold (a pending entity suggestion with that span is accepted with
    it). An argument that overlaps exactly one gold entity of its label links to that
    entity (its boundaries are the entity's: "Ministry of Finance" → the gold "the Ministry
    of Finance"), never a second, overlapping entity on the same words. An argument on an
    entity suggestion the annotator rejected (and did not correct) is left out: they said
    it is no entity. An argument that is another event of the article (``triggers``: the
    triggers of its gold and suggested events, labelled with their type) is the phrase of
    that trigger, as :func:`link_doc` keeps it on import: never an entity labelled with an
    event type. Two arguments that end up alike become one."""
    have = set(gold)
    corrected = {
        (s.span.start, s.span.end)
        for s, state in entity_suggestions
        if s.kind == ENTITY and state != cmd.PENDING
    }
    pending = {
        s.span: s.id
        for s, state in entity_suggestions
        if s.kind == ENTITY and state == cmd.PENDING and s.id is not None
    }
    rejected = {
        s.span for s, state in entity_suggestions if s.kind == ENTITY and state == cmd.REJECTED
    }
    changes: list[cmd.Change] = []
    args: list[Argument] = []
    for arg in event.arguments:
        if other_event(arg, event, triggers, have):
            arg = trigger_phrase(arg)
        target = (
            entity_for(arg.span, have, corrected, nudged=True, near=True)
            if on_entity(arg.span)
            else arg.span
        )
        if target is None and arg.span in rejected:
            continue
        if target is None:
            target = arg.span
            have.add(target)
            if target in pending:
                changes.append(cmd.set_suggestion(pending.pop(target), cmd.PENDING, cmd.ACCEPTED))
            changes.append(cmd.add_span(target))
        linked = Argument(arg.role, target, arg.rule)
        if linked not in args:
            args.append(linked)
    return replace(event, arguments=tuple(args)), changes


def carry_over(events: Iterable[Event], renamed: Mapping[Span, Span | None]) -> list[cmd.Change]:
    """The event changes that follow gold entities being relabelled or moved (``renamed``:
    old span → new span) or deleted (→ None: the argument goes)."""
    out = []
    for event in events:
        args: list[Argument] = []
        for arg in event.arguments:
            if arg.span in renamed:
                new = renamed[arg.span]
                if new is None:
                    continue
                arg = Argument(arg.role, new, arg.rule)
            if arg not in args:
                args.append(arg)
        if tuple(args) != event.arguments:
            out.append(cmd.replace_event(event, replace(event, arguments=tuple(args))))
    return out


def referring(events: Iterable[Event], span: Span) -> int:
    """How many arguments refer to ``span``."""
    return sum(1 for e in events for a in e.arguments if a.span == span)


def link_doc(doc: ParsedDoc, tally: Counter[str] | None = None) -> ParsedDoc:
    """An imported document whose event arguments all refer to its entities: an argument
    at the offsets of an entity with another label takes the entity's label; one with no
    entity there adds it to the document's spans; one that is another event of the
    document (its trigger, labelled with that event's type) becomes a SPAN phrase there."""
    if not doc.events:
        return doc
    spans = list(dict.fromkeys(doc.spans))
    have = set(spans)
    triggers = {e.trigger for e in doc.events}  # labelled with their event's type
    events = []
    for event in doc.events:
        args: list[Argument] = []
        for arg in event.arguments:
            if other_event(arg, event, triggers, have):
                _count(tally, EVENT_PHRASES)
                arg = trigger_phrase(arg)
            target = entity_for(arg.span, have) if on_entity(arg.span) else arg.span
            if target is None:
                target = arg.span
                have.add(target)
                spans.append(target)
                _count(tally, CREATED)
            elif target != arg.span:
                _count(tally, RELABELLED)
            linked = Argument(arg.role, target, arg.rule)
            if linked not in args:
                args.append(linked)
        events.append(replace(event, arguments=tuple(args)))
    return replace(doc, spans=spans, events=events)


def other_event(
    arg: Argument, event: Event, triggers: Collection[Span], gold: Collection[Span]
) -> bool:
    """Whether ``arg`` is another event as this one's argument (brat: "Cause:E2"; JSONL:
    labelled with that event's type, on its trigger) rather than an entity: it is on the
    trigger of another event of the article and no gold entity is there with that label."""
    return arg.span in triggers and arg.span != event.trigger and arg.span not in gold


def event_phrases(doc: ParsedDoc, tally: Counter[str] | None = None) -> list[Event]:
    """The document's events with each argument that is another event of it (on its
    trigger, labelled with its type) kept as that trigger's SPAN phrase: :func:`link_doc`'s
    rule for events imported as suggestions, which link to no entity until accepted (the
    pending suggestion showed, and exported, an argument labelled "Meet")."""
    triggers = {e.trigger for e in doc.events}
    have = set(doc.spans)
    events = []
    for event in doc.events:
        args = tuple(
            trigger_phrase(a) if other_event(a, event, triggers, have) else a
            for a in event.arguments
        )
        if args != event.arguments:
            for a, b in zip(args, event.arguments):
                if a is not b:
                    _count(tally, EVENT_PHRASES)
            event = replace(event, arguments=args)
        events.append(event)
    return events


def trigger_phrase(arg: Argument) -> Argument:
    """Another event as an argument, kept as the phrase of its trigger (the brat export
    writes it as that event's E id again), not as an entity labelled with the event type."""
    return Argument(arg.role, Span(arg.span.start, arg.span.end, ANY_SPAN), arg.rule)


def _count(tally: Counter[str] | None, key: str) -> None:
    if tally is not None:
        tally[key] += 1


def unlinked(spans: Collection[Span], events: Iterable[Event]) -> list[tuple[Event, Argument]]:
    """Arguments that refer to no entity of ``spans`` (none, in a consistent store)."""
    have = set(spans)
    return [(e, a) for e in events for a in e.arguments if on_entity(a.span) and a.span not in have]
