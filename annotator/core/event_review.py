"""The events of one article under review, and the commands the annotator's keys produce.

Pure, like :mod:`annotator.core.review`: built from the store's event suggestions (with
this annotator's states) and gold events, it lists rows to walk through — each event, then
one row per argument — and turns each key into one :class:`~annotator.core.commands.Command`.

A suggested event is decided as a whole: ``A`` accepts it (a gold event with a new uid,
the suggestion marked accepted, one command), ``X`` rejects it. Editing part of a suggested
event (dropping an argument, changing a role, adding an argument, an attribute) accepts it
with that edit in the same command: its trigger and type were right, the edit is the
correction. Changing its *type* rejects it and adds a gold event of the new type, as a
relabelled entity does: the model's proposal as such was wrong. Edits of gold events
replace them and keep their uid, so undo and the decisions log follow one event.

Arguments refer to gold entities (:mod:`annotator.core.links`): accepting an event, or
adding an argument, makes the argument's span gold in the same command (or links it to
the gold span already there, whose label it takes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from annotator.core import commands as cmd
from annotator.core.links import link_event
from annotator.core.models import ENTITY, EVENT, Argument, Event, Span, Suggestion, new_uid
from annotator.core.review import GOLD, MANUAL, PENDING, REJECTED, trim
from annotator.core.schema import EventSchema, Role

ACCEPTED = cmd.ACCEPTED
_RANK = {GOLD: 0, PENDING: 1, REJECTED: 2}

# decision actions, as logged
ACCEPT_EVENT, REJECT_EVENT, ACCEPT_ALL_EVENTS = "accept_event", "reject_event", "accept_all_events"
ADD_EVENT, DELETE_EVENT, RETYPE_EVENT = "add_event", "delete_event", "retype_event"
ADD_ARGUMENT, REMOVE_ARGUMENT, SET_ROLE = "add_argument", "remove_argument", "set_role"
SET_ATTRIBUTE, MOVE_ARGUMENT = "set_attribute", "move_argument"
KEYS = "1234567890abcdefghilmnopqrstuvwxyz"  # no j, k: they walk the candidates


@dataclass(frozen=True)
class EventItem:
    """A gold event or an event suggestion still to decide (or rejected)."""

    event: Event
    state: str  # gold | pending | rejected
    source: str  # the model (or "import") that suggested it, or "manual"
    suggestion_id: int | None = None
    problems: tuple[str, ...] = ()  # why it does not fit the schema
    # a suggestion's score: the learned trigger model's probability for a word it added
    # (the lexicon's triggers have none), shown so an annotator sees why it was proposed
    score: float | None = None

    @property
    def is_gold(self) -> bool:
        return self.state == GOLD

    def key(self) -> tuple[int, int, int, str]:
        t = self.event.trigger
        return (t.start, t.end, _RANK[self.state], t.label)


@dataclass(frozen=True)
class Row:
    """A row of the events list: an event (``argument`` None) or one of its arguments."""

    item: int
    argument: int | None = None


@dataclass(frozen=True)
class EventFocus:
    """Where the current row goes after a command: the gold event ``uid``, else an event
    with ``trigger`` (gold first); its ``argument`` row when given. ``next_pending`` moves
    on to the first pending event after that one."""

    trigger: Span | None = None
    uid: str | None = None
    argument: int | None = None
    next_pending: bool = False


@dataclass(frozen=True)
class EventStep:
    command: cmd.Command
    focus: EventFocus
    note: str = ""  # what else the command did, for the status bar


class EventReview:
    def __init__(
        self,
        article_id: int,
        text: str,
        suggestions: Sequence[tuple[Suggestion, str]],
        gold: Sequence[Event],
        schema: EventSchema,
        spans: Sequence[Span] = (),
    ) -> None:
        self.article_id = article_id
        self.text = text
        self.schema = schema
        self.gold = list(gold)
        self.spans = frozenset(spans)  # the gold entities arguments refer to
        self.entity_suggestions = [
            (s, st) for s, st in suggestions if s.kind == ENTITY and s.id is not None
        ]
        mine = [(s, st) for s, st in suggestions if s.kind == EVENT and s.id is not None]
        self.suggestion_triggers = {s.id: s.span for s, _ in mine}
        # every event's trigger, labelled with its type: an argument on one of them is
        # that event, kept as its trigger's phrase (links.link_event), never an entity
        self.triggers = frozenset(e.trigger for e in self.gold) | frozenset(
            self.suggestion_triggers.values()
        )
        self._accepted = [(s.id, s.span, _source(s)) for s, st in mine if st == ACCEPTED]
        source = {span: src for _, span, src in self._accepted}
        items = [self._item(e, GOLD, source.get(e.trigger, MANUAL)) for e in self.gold]
        items += [
            self._item(s.as_event(f"suggestion-{s.id}"), st, _source(s), s.id, s.score)
            for s, st in mine
            if st != ACCEPTED
        ]
        self.items: list[EventItem] = sorted(items, key=EventItem.key)
        self.rows: list[Row] = []
        for n, item in enumerate(self.items):
            self.rows.append(Row(n))
            if item.state != REJECTED:  # a rejected event is one faint row
                self.rows += [Row(n, a) for a in range(len(item.event.arguments))]
        self.current: int | None = self._first_visible()
        # uids of the events whose argument rows J/K walk (all rows are shown; a collapsed
        # event's arguments are passed over, so J/K go from event to event)
        self.expanded: set[str] = set()

    def _item(
        self,
        event: Event,
        state: str,
        source: str,
        sid: int | None = None,
        score: float | None = None,
    ) -> EventItem:
        problems = tuple(self.schema.check_event(event))
        return EventItem(event, state, source, sid, problems, score)

    def _first_visible(self) -> int | None:
        visible = [n for n, r in enumerate(self.rows) if self.items[r.item].state != REJECTED]
        return visible[0] if visible else (0 if self.rows else None)

    # -- the current row ----------------------------------------------------------------

    @property
    def current_row(self) -> Row | None:
        return None if self.current is None else self.rows[self.current]

    @property
    def current_item(self) -> EventItem | None:
        row = self.current_row
        return None if row is None else self.items[row.item]

    @property
    def current_argument(self) -> Argument | None:
        row, item = self.current_row, self.current_item
        if row is None or item is None or row.argument is None:
            return None
        return item.event.arguments[row.argument]

    def move(self, step: int) -> bool:
        """The next (+1) or previous (-1) row, passing over rejected events and the
        argument rows of events that are not expanded."""
        return self._move_to(step, self._passed)

    def move_event(self, step: int) -> bool:
        """The next (+1) or previous (-1) event row, whatever is expanded."""
        return self._move_to(step, lambda n: self._hidden(n) or self.rows[n].argument is not None)

    def move_pending(self, step: int) -> bool:
        """The next (+1) or previous (-1) pending event (wrapping)."""
        pending = [n for n, r in enumerate(self.rows) if r.argument is None and self._pending(n)]
        if not pending:
            return False
        here = self.rows[self.current].item if self.current is not None else -1
        if step > 0:
            later = [n for n in pending if self.rows[n].item > here]
            target = (later or pending)[0]
        else:
            earlier = [n for n in pending if self.rows[n].item < here]
            target = (earlier or pending)[-1]
        moved = target != self.current
        self.current = target
        return moved

    def _move_to(self, step: int, passed: Any) -> bool:
        if self.current is None:
            return False
        target = self.current + step
        while 0 <= target < len(self.rows) and passed(target):
            target += step
        if not 0 <= target < len(self.rows):
            return False
        self.current = target
        return True

    def _passed(self, row: int) -> bool:
        if self._hidden(row):
            return True
        r = self.rows[row]
        return r.argument is not None and not self.is_expanded(r.item)

    def is_expanded(self, item: int) -> bool:
        return self.items[item].event.uid in self.expanded

    def expand(self, on: bool) -> bool:
        """Expand (J/K then walk its arguments) or collapse the current event; collapsing
        from an argument row goes back to its event row."""
        row, item = self.current_row, self.current_item
        if row is None or item is None or item.state == REJECTED:
            return False
        uid = item.event.uid
        if on == (uid in self.expanded):
            return False
        if on:
            self.expanded.add(uid)
        else:
            self.expanded.discard(uid)
            self.current = self.rows.index(Row(row.item))
        return True

    def _hidden(self, row: int) -> bool:
        return self.items[self.rows[row].item].state == REJECTED

    def pending_count(self) -> int:
        return sum(1 for i in self.items if i.state == PENDING)

    def gold_count(self) -> int:
        return sum(1 for i in self.items if i.is_gold)

    def problem_count(self) -> int:
        return sum(1 for i in self.items if i.problems and i.state != REJECTED)

    def row_at(self, offset: int) -> int | None:
        """The row for a click: an argument of the current event, else a trigger."""
        item = self.current_item
        if item is not None and item.state != REJECTED:
            for a, arg in enumerate(item.event.arguments):
                if arg.span.start <= offset < arg.span.end:
                    return self.rows.index(Row(self.rows[self.current].item, a))
        hits = [
            (it.event.trigger.end - it.event.trigger.start, _RANK[it.state], n)
            for n, it in enumerate(self.items)
            if it.state != REJECTED and it.event.trigger.start <= offset < it.event.trigger.end
        ]
        return self.rows.index(Row(min(hits)[2])) if hits else None

    # -- finding rows again after a change ----------------------------------------------

    def here(self) -> EventFocus:
        """A focus that finds the current row again in a reloaded review."""
        row, item = self.current_row, self.current_item
        if row is None or item is None:
            return EventFocus()
        uid = item.event.uid if item.is_gold else None
        return EventFocus(item.event.trigger, uid, row.argument)

    def locate(self, focus: EventFocus) -> int | None:
        if not self.rows:
            return None
        found = self._find_item(focus)
        if focus.next_pending:
            later = self._next_pending(found, focus.trigger)
            if later is not None:
                return later
        if found is None:
            return self._nearest(focus.trigger)
        argument = focus.argument
        count = len(self.items[found].event.arguments)
        if argument is not None and count and self.items[found].state != REJECTED:
            self.expanded.add(self.items[found].event.uid)  # on an argument: walk them
            return self.rows.index(Row(found, min(argument, count - 1)))
        return self.rows.index(Row(found))

    def _find_item(self, focus: EventFocus) -> int | None:
        if focus.uid is not None:
            for n, it in enumerate(self.items):
                if it.is_gold and it.event.uid == focus.uid:
                    return n
        if focus.trigger is None:
            return None
        for state in (GOLD, PENDING, REJECTED):
            for n, it in enumerate(self.items):
                if it.event.trigger == focus.trigger and it.state == state:
                    return n
        return None

    def _next_pending(self, found: int | None, trigger: Span | None) -> int | None:
        pending = [n for n, r in enumerate(self.rows) if r.argument is None and self._pending(n)]
        if found is not None or trigger is not None:
            mark = self.items[found].key() if found is not None else (trigger.start, trigger.end)
            later = [n for n in pending if self.items[self.rows[n].item].key() > mark]
            pending = later or pending
        return pending[0] if pending else None

    def _pending(self, row: int) -> bool:
        return self.items[self.rows[row].item].state == PENDING

    def _nearest(self, trigger: Span | None) -> int | None:
        if trigger is None:
            return self._first_visible()
        for n, row in enumerate(self.rows):
            if row.argument is None and self.items[row.item].event.trigger.start >= trigger.start:
                return n
        return self.rows.index(Row(len(self.items) - 1))

    def focus_for(self, command: cmd.Command) -> EventFocus | None:
        """Where to look after undoing or redoing ``command``; None if it has no event."""
        for change in command.changes:
            value = change.after or change.before
            if change.kind == cmd.EVENT and value is not None:
                event = Event.from_dict(value)
                uid = event.uid if change.after is not None else None
                return EventFocus(event.trigger, uid)
            if change.kind == cmd.SUGGESTION and value["id"] in self.suggestion_triggers:
                return EventFocus(self.suggestion_triggers[value["id"]])
        return None

    # -- commands on whole events -------------------------------------------------------

    def accept(self) -> EventStep | None:
        item = self.current_item
        if item is None or item.state != PENDING:
            return None
        return self._accept_as(item, item.event, ACCEPT_EVENT, None, next_pending=True)

    def reject(self) -> EventStep | None:
        """Reject a pending event, or the current argument (of a pending or gold event)."""
        row, item = self.current_row, self.current_item
        if row is None or item is None or item.state == REJECTED:
            return None
        if row.argument is not None:
            return self._drop_argument(item, row.argument)
        if item.state != PENDING:
            return None
        change = cmd.set_suggestion(item.suggestion_id, PENDING, REJECTED)
        focus = EventFocus(item.event.trigger, next_pending=True)
        return EventStep(cmd.Command(REJECT_EVENT, (change,)), focus)

    def delete(self) -> EventStep | None:
        """Remove the current gold event or argument; on a pending event, reject."""
        row, item = self.current_row, self.current_item
        if row is None or item is None or not item.is_gold or row.argument is not None:
            return self.reject()
        changes = [cmd.remove_event(item.event)]
        changes += [
            cmd.set_suggestion(sid, ACCEPTED, REJECTED)
            for sid, span, _ in self._accepted
            if span == item.event.trigger
        ]
        focus = EventFocus(item.event.trigger)
        return EventStep(cmd.Command(DELETE_EVENT, tuple(changes)), focus)

    def accept_all(self, also_gold: Iterable[cmd.Change] = ()) -> EventStep | None:
        """Accept every pending event. ``also_gold``: changes of the same command that make
        entities gold first (accepting the entity suggestions too): the arguments link to
        those entities instead of adding another span on the same words."""
        pending = [it for it in self.items if it.state == PENDING]
        if not pending:
            return None
        changes = [cmd.set_suggestion(it.suggestion_id, PENDING, ACCEPTED) for it in pending]
        spans, entities = set(self.spans), list(self.entity_suggestions)
        for change in also_gold:
            if change.kind == cmd.SPAN and change.after is not None:
                spans.add(Span.from_dict(change.after))
            elif change.kind == cmd.SUGGESTION and change.after is not None:
                entities = [(s, st) for s, st in entities if s.id != change.after["id"]]
        for it in pending:
            event, linked = link_event(_fresh(it.event), spans, entities, self.triggers)
            for change in linked:  # later events link to the entities this one made gold
                if change.kind == cmd.SPAN and change.after is not None:
                    spans.add(Span.from_dict(change.after))
                elif change.kind == cmd.SUGGESTION:
                    entities = [(s, st) for s, st in entities if s.id != change.after["id"]]
            changes += [*linked, cmd.add_event(event)]
        return EventStep(cmd.Command(ACCEPT_ALL_EVENTS, tuple(changes)), self.here())

    def create(self, start: int, end: int, event_type: str) -> EventStep | None:
        """A new gold event with the (trimmed) range as its trigger."""
        start, end = trim(self.text, start, end)
        if end <= start:
            return None
        trigger = Span(start, end, event_type)
        if any(it.is_gold and it.event.trigger == trigger for it in self.items):
            return None
        event = Event(trigger, (), self.default_attributes())
        focus = EventFocus(trigger, event.uid)
        return EventStep(cmd.Command(ADD_EVENT, (cmd.add_event(event),)), focus)

    def retype(self, event_type: str) -> EventStep | None:
        """Give the current event another type (a pending one: reject it, add gold)."""
        item = self.current_item
        if item is None or item.event.type == event_type:
            return None
        old = item.event
        new = replace(old, trigger=Span(old.trigger.start, old.trigger.end, event_type))
        if item.is_gold:
            change = cmd.replace_event(old, new)
            return EventStep(cmd.Command(RETYPE_EVENT, (change,)), EventFocus(new.trigger, new.uid))
        new, linked = self._linked(_fresh(new))
        changes = [*linked, cmd.add_event(new)]
        if item.state == PENDING:
            changes.insert(0, cmd.set_suggestion(item.suggestion_id, PENDING, REJECTED))
        focus = EventFocus(new.trigger, new.uid)
        return EventStep(cmd.Command(RETYPE_EVENT, tuple(changes)), focus)

    # -- commands on parts of an event ----------------------------------------------------

    def add_argument(self, span: Span, role: str) -> EventStep | None:
        item = self.current_item
        if item is None or item.state == REJECTED:
            return None
        argument = Argument(role, span)
        if argument in item.event.arguments:
            return None
        event = replace(item.event, arguments=(*item.event.arguments, argument))
        return self._edit(item, event, ADD_ARGUMENT, len(event.arguments) - 1)

    def set_role(self, role: str) -> EventStep | None:
        row, item = self.current_row, self.current_item
        if row is None or item is None or row.argument is None or item.state == REJECTED:
            return None
        args = list(item.event.arguments)
        if args[row.argument].role == role:
            return None
        args[row.argument] = Argument(role, args[row.argument].span)
        if len(set(args)) < len(args):  # the same span already fills that role
            return None
        return self._edit(item, replace(item.event, arguments=tuple(args)), SET_ROLE, row.argument)

    def move_argument(self, span: Span) -> EventStep | None:
        """The current argument of a gold event on other words: a SPAN phrase (a topic,
        an indicator) with its boundaries moved. An entity argument moves with its entity
        instead (:meth:`annotator.core.review.Review.move_boundary_of`)."""
        row, item = self.current_row, self.current_item
        if row is None or item is None or row.argument is None or not item.is_gold:
            return None
        args = list(item.event.arguments)
        if args[row.argument].span == span:
            return None
        args[row.argument] = Argument(args[row.argument].role, span)
        if len(set(args)) < len(args):  # the same span already fills that role
            return None
        event = replace(item.event, arguments=tuple(args))
        return self._edit(item, event, MOVE_ARGUMENT, row.argument)

    def step_attribute(self, name: str) -> EventStep | None:
        """Negation on/off, Modality to its next value (per the schema's attribute)."""
        item = self.current_item
        attribute = self.schema.attributes.get(name)
        if item is None or item.state == REJECTED or attribute is None:
            return None
        attrs = dict(item.event.attributes)
        values = list(attribute.values)
        now = attrs.get(name, attribute.default)
        attrs[name] = values[(values.index(now) + 1) % len(values)] if now in values else values[0]
        event = replace(item.event, attributes=tuple(sorted(attrs.items())))
        row = self.current_row
        return self._edit(item, event, SET_ATTRIBUTE, row.argument if row else None)

    def _drop_argument(self, item: EventItem, index: int) -> EventStep:
        args = item.event.arguments[:index] + item.event.arguments[index + 1 :]
        event = replace(item.event, arguments=args)
        return self._edit(item, event, REMOVE_ARGUMENT, index if args else None)

    def _edit(self, item: EventItem, event: Event, action: str, argument: int | None) -> EventStep:
        if item.is_gold:
            event, linked = self._linked(event)
            changes = (*linked, cmd.replace_event(item.event, event))
            focus = EventFocus(event.trigger, event.uid, argument)
            return EventStep(cmd.Command(action, changes), focus)
        return self._accept_as(item, event, action, argument)

    def _linked(self, event: Event) -> tuple[Event, list[cmd.Change]]:
        return link_event(event, self.spans, self.entity_suggestions, self.triggers)

    def _accept_as(
        self,
        item: EventItem,
        event: Event,
        action: str,
        argument: int | None,
        *,
        next_pending: bool = False,
    ) -> EventStep:
        """Accept a pending suggestion as ``event`` (a new gold event): one command."""
        new, linked = self._linked(_fresh(event))
        changes = (
            cmd.set_suggestion(item.suggestion_id, PENDING, ACCEPTED),
            *linked,
            cmd.add_event(new),
        )
        focus = EventFocus(new.trigger, new.uid, argument, next_pending=next_pending)
        return EventStep(cmd.Command(action, changes), focus, _left_out(event, new, self.text))

    # -- the schema, for the keys -------------------------------------------------------

    def default_attributes(self) -> tuple[tuple[str, Any], ...]:
        return tuple(sorted((a.name, a.default) for a in self.schema.attributes.values()))

    def roles(self) -> list[Role]:
        """The roles of the current event's type, in schema order (key 1 is the first)."""
        item = self.current_item
        etype = self.schema.get(item.event.type) if item else None
        return list(etype.roles) if etype else []


def _fresh(event: Event) -> Event:
    return Event(event.trigger, event.arguments, event.attributes, new_uid())


def _source(s: Suggestion) -> str:
    return s.model or s.source


def type_keys(schema: EventSchema) -> list[tuple[str, str]]:
    """(key, type name) for the type palette: 1-9, 0, then letters."""
    return list(zip(KEYS, schema.type_names))


def argument_candidates(
    text: str, trigger: Span, spans: Sequence[Span], taken: Sequence[Span] = ()
) -> list[Span]:
    """Spans to offer as arguments of an event: the trigger's paragraph first, nearest
    first, then the rest of the article by distance; spans already ``taken`` (arguments
    of the event) last."""
    lo = text.rfind("\n", 0, trigger.start) + 1
    hi = text.find("\n", trigger.end)
    hi = len(text) if hi < 0 else hi

    def distance(s: Span) -> int:
        return max(s.start - trigger.end, trigger.start - s.end, 0)

    at = (trigger.start, trigger.end)  # the trigger's words are no argument of it
    unique = [s for s in dict.fromkeys(spans) if (s.start, s.end) != at]
    used = set(taken)
    return sorted(
        unique, key=lambda s: (s in used, not (lo <= s.start and s.end <= hi), distance(s), s)
    )


def attribute_text(event: Event, schema: EventSchema) -> str:
    """The attributes that differ from the schema's defaults, e.g. "negated · future"."""
    out = []
    for name, value in event.attributes:
        attribute = schema.attributes.get(name)
        if attribute is not None and value == attribute.default:
            continue
        if isinstance(value, bool):
            out.append(("negated" if name == "Negation" else name) if value else f"no {name}")
        else:
            out.append(str(value))
    return " · ".join(out)


def _left_out(event: Event, linked: Event, text: str) -> str:
    """The status line for arguments accepting left out (their entity was rejected)."""
    kept = {(a.span.start, a.span.end) for a in linked.arguments}
    gone = [a for a in event.arguments if (a.span.start, a.span.end) not in kept]
    if not gone:
        return ""
    names = ", ".join(f"{a.role} “{a.span.text(text)}”" for a in gone)
    many = len(gone) != 1
    return (
        f"{len(gone)} argument{'s' if many else ''} left out ({names}): "
        f"{'their entities were' if many else 'its entity was'} rejected"
    )
