"""The review state of one article, and the commands the annotator's keys produce.

Pure: built from what the store returns (suggestions with this annotator's states, gold
spans, status), it lists the items the annotator walks through and turns each key into one
:class:`~annotator.core.commands.Command`. The store applies it; the window reloads the
state and puts the current item where :class:`Focus` says.

Correcting a suggestion (another label, other boundaries) rejects it and adds the
corrected gold span: the model's proposal as such was wrong, which is what agreement and
model statistics should count.

Event arguments refer to gold entities (:mod:`annotator.core.links`): relabelling, moving
or deleting a gold span changes the arguments that refer to it in the same command.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core import commands as cmd
from annotator.core.links import carry_over, referring
from annotator.core.models import ENTITY, Event, Span, Suggestion
from annotator.core.spans import EDGE

GOLD = "gold"
PENDING, ACCEPTED, REJECTED = cmd.PENDING, cmd.ACCEPTED, cmd.REJECTED
MANUAL = "manual"
_RANK = {GOLD: 0, PENDING: 1, REJECTED: 2}

# decision actions, as logged
ACCEPT, REJECT, ACCEPT_ALL = "accept", "reject", "accept_all"
RELABEL, ADD_SPAN, MOVE_BOUNDARY, DELETE_SPAN = "relabel", "add_span", "move_boundary", "delete"
DONE, SKIP = "done", "skip"

Token = tuple[int, int]


@dataclass(frozen=True)
class Item:
    """One row of the review list: a gold span or a suggestion still to decide."""

    span: Span
    state: str  # gold | pending | rejected
    source: str  # the model (or "import") that suggested it, or "manual"
    suggestion_id: int | None = None

    @property
    def is_gold(self) -> bool:
        return self.state == GOLD

    def key(self) -> tuple[int, int, int, str]:
        return (self.span.start, self.span.end, _RANK[self.state], self.span.label)


@dataclass(frozen=True)
class Focus:
    """Where the current item goes after a command: the item with ``span`` (gold first),
    or with ``next_pending`` the first pending suggestion after ``span`` (wrapping)."""

    span: Span | None = None
    next_pending: bool = False


@dataclass(frozen=True)
class Step:
    command: cmd.Command
    focus: Focus
    note: str = ""  # what else the command did, for the status bar


class Review:
    def __init__(
        self,
        article_id: int,
        text: str,
        suggestions: Sequence[tuple[Suggestion, str]] = (),
        gold: Sequence[Span] = (),
        status: str = "new",
        events: Sequence[Event] = (),
    ) -> None:
        self.article_id = article_id
        self.text = text
        self.status = status
        self.gold = frozenset(gold)
        self.events = list(events)  # the gold events, whose arguments follow the spans
        entity = [(s, st) for s, st in suggestions if s.kind == ENTITY and s.id is not None]
        self.suggestion_spans = {s.id: s.span for s, _ in entity}
        self._accepted = {s.span: _source(s) for s, st in entity if st == ACCEPTED}
        self._accepted_ids = [(s.id, s.span) for s, st in entity if st == ACCEPTED]
        items = [_item(g, GOLD, self._accepted.get(g, MANUAL), None) for g in self.gold]
        items += [_item(s.span, st, _source(s), s.id) for s, st in entity if st != ACCEPTED]
        self.items: list[Item] = sorted(items, key=Item.key)
        self.current: int | None = 0 if self.items else None
        runs = {(s.model, s.model_version) for s, _ in entity if s.source == "model"}
        self.models = sorted(f"{m} {v}".strip() for m, v in runs)

    # -- navigation ---------------------------------------------------------------------

    @property
    def current_item(self) -> Item | None:
        return None if self.current is None else self.items[self.current]

    def spans_of(self, command: cmd.Command) -> list[Span]:
        """The spans a command adds, removes or decides on, in change order (after first)."""
        out: list[Span] = []
        for change in command.changes:
            for value in (change.after, change.before):
                if value is None:
                    continue
                if change.kind == cmd.SPAN:
                    out.append(Span.from_dict(value))
                elif change.kind == cmd.SUGGESTION and value["id"] in self.suggestion_spans:
                    out.append(self.suggestion_spans[value["id"]])
        return list(dict.fromkeys(out))

    def move(self, step: int) -> bool:
        """Make the next (+1) or previous (-1) item current, passing over rejected ones
        (decided and hidden; a click on their row still reaches them). False at either end."""
        if self.current is None:
            return False
        target = self.current + step
        while 0 <= target < len(self.items) and self.items[target].state == REJECTED:
            target += step
        if not 0 <= target < len(self.items):
            return False
        self.current = target
        return True

    def pending_count(self) -> int:
        return sum(1 for i in self.items if i.state == PENDING)

    def move_pending(self, step: int) -> bool:
        """The next (+1) or previous (-1) pending suggestion (wrapping)."""
        pending = [n for n, it in enumerate(self.items) if it.state == PENDING]
        if not pending:
            return False
        here = self.current if self.current is not None else -1
        if step > 0:
            target = ([n for n in pending if n > here] or pending)[0]
        else:
            target = ([n for n in pending if n < here] or pending)[-1]
        moved = target != self.current
        self.current = target
        return moved

    def item_at(self, offset: int) -> int | None:
        """The innermost visible item covering ``offset`` (rejected ones are hidden)."""
        hits = [
            (it.span.end - it.span.start, _RANK[it.state], n)
            for n, it in enumerate(self.items)
            if it.state != REJECTED and it.span.start <= offset < it.span.end
        ]
        return min(hits)[2] if hits else None

    def locate(self, focus: Focus) -> int | None:
        if not self.items:
            return None
        if focus.next_pending:
            found = self._next_pending(focus.span)
            if found is not None:
                return found
        if focus.span is None:
            return 0
        for state in (GOLD, PENDING, REJECTED):
            for n, it in enumerate(self.items):
                if it.span == focus.span and it.state == state:
                    return n
        starts = [it.span.start for it in self.items]
        return min(bisect_left(starts, focus.span.start), len(self.items) - 1)

    def _next_pending(self, after: Span | None) -> int | None:
        pending = [n for n, it in enumerate(self.items) if it.state == PENDING]
        if after is not None:
            mark = (after.start, after.end, after.label)
            later = [n for n in pending if _pos(self.items[n]) > mark]
            pending = later or pending
        return pending[0] if pending else None

    # -- commands -----------------------------------------------------------------------

    def accept(self) -> Step | None:
        item = self.current_item
        if item is None or item.is_gold:
            return None
        changes = [cmd.set_suggestion(item.suggestion_id, item.state, ACCEPTED)]
        if item.span not in self.gold:
            changes.append(cmd.add_span(item.span))
        return Step(cmd.Command(ACCEPT, tuple(changes)), Focus(item.span, next_pending=True))

    def reject(self) -> Step | None:
        item = self.current_item
        if item is None or item.state != PENDING:
            return None
        change = cmd.set_suggestion(item.suggestion_id, PENDING, REJECTED)
        return Step(cmd.Command(REJECT, (change,)), Focus(item.span, next_pending=True))

    def accept_all(self) -> Step | None:
        pending = [it for it in self.items if it.state == PENDING]
        if not pending:
            return None
        changes = [cmd.set_suggestion(it.suggestion_id, PENDING, ACCEPTED) for it in pending]
        new = dict.fromkeys(it.span for it in pending if it.span not in self.gold)
        changes += [cmd.add_span(span) for span in new]
        item = self.current_item
        return Step(cmd.Command(ACCEPT_ALL, tuple(changes)), Focus(item.span if item else None))

    def relabel(self, label: str) -> Step | None:
        item = self.current_item
        if item is None:
            return None
        if item.span.label == label:
            return self.accept()
        new = Span(item.span.start, item.span.end, label)
        return self._correct(item, new, RELABEL)

    def add_span(self, start: int, end: int, label: str) -> Step | None:
        """Label a text range (trimmed of surrounding whitespace) as gold."""
        start, end = trim(self.text, start, end)
        if end <= start:
            return None
        new = Span(start, end, label)
        if new in self.gold:
            return None
        return Step(cmd.Command(ADD_SPAN, (cmd.add_span(new),)), Focus(new))

    def move_boundary(self, edge: str, step: int, tokens: Sequence[Token]) -> Step | None:
        item = self.current_item
        if item is None:
            return None
        new = move_edge(item.span, edge, step, tokens, self.text)
        return None if new is None else self._correct(item, new, MOVE_BOUNDARY)

    def move_boundary_of(
        self, span: Span, edge: str, step: int, tokens: Sequence[Token]
    ) -> Step | None:
        """Move an edge of the gold entity ``span`` (an event argument's, say), wherever
        the current item is."""
        found = [it for it in self.items if it.is_gold and it.span == span]
        if not found:
            return None
        new = move_edge(span, edge, step, tokens, self.text)
        return None if new is None else self._correct(found[0], new, MOVE_BOUNDARY)

    def delete(self) -> Step | None:
        """Remove the current gold span; on a pending suggestion, reject it."""
        item = self.current_item
        if item is None or item.state == PENDING:
            return self.reject()
        if not item.is_gold:
            return None
        changes = [cmd.remove_span(item.span)]
        changes += [
            cmd.set_suggestion(sid, ACCEPTED, REJECTED)
            for sid, span in self._accepted_ids
            if span == item.span
        ]
        n = referring(self.events, item.span)
        changes += carry_over(self.events, {item.span: None})
        note = f"{_arguments(n)} removed with it" if n else ""
        return Step(cmd.Command(DELETE_SPAN, tuple(changes)), Focus(item.span), note)

    def mark_done(self) -> Step | None:
        return self._status("done", DONE)

    def skip(self) -> Step | None:
        return self._status("skipped", SKIP)

    def _status(self, status: str, action: str) -> Step | None:
        if self.status == status:
            return None
        item = self.current_item
        change = cmd.set_status(self.status, status)
        return Step(cmd.Command(action, (change,)), Focus(item.span if item else None))

    def _correct(self, item: Item, new: Span, action: str) -> Step | None:
        changes: list[cmd.Change] = []
        note = ""
        if item.is_gold:
            changes.append(
                cmd.remove_span(item.span) if new in self.gold else cmd.replace_span(item.span, new)
            )
            n = referring(self.events, item.span)
            changes += carry_over(self.events, {item.span: new})
            note = f"{_arguments(n)} changed with it" if n else ""
        else:
            if item.state == PENDING:
                changes.append(cmd.set_suggestion(item.suggestion_id, PENDING, REJECTED))
            if new not in self.gold:
                changes.append(cmd.add_span(new))
        if not changes:
            return None
        return Step(cmd.Command(action, tuple(changes)), Focus(new), note)


# Items are immutable: a review rebuilt after each key (or on switching back) takes the
# ones it had instead of making ~500 frozen dataclasses again
_ITEMS: dict[tuple, Item] = {}
_ITEMS_KEPT = 100_000


def _item(span: Span, state: str, source: str, suggestion_id: int | None) -> Item:
    key = (span, state, source) if suggestion_id is None else (suggestion_id, state, source)
    found = _ITEMS.get(key)
    if found is None or (found.span is not span and found.span != span):  # a reused id
        if len(_ITEMS) >= _ITEMS_KEPT:
            _ITEMS.clear()
        found = _ITEMS[key] = Item(span, state, source, suggestion_id)
    return found


def _source(s: Suggestion) -> str:
    return s.model or s.source


def _arguments(n: int) -> str:
    return f"{n} event argument{'s' if n != 1 else ''}"


def _pos(item: Item) -> tuple[int, int, str]:
    return (item.span.start, item.span.end, item.span.label)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A selection without whitespace or invisible characters at its edges (the span rule
    of :mod:`annotator.core.spans`)."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in EDGE:
        end -= 1
    return start, end


# -- tokens ---------------------------------------------------------------------------------

_WORD = re.compile(r"\w+|[^\w\s]")


def regex_tokens(text: str) -> list[Token]:
    """Word/punctuation tokens: the fallback until the spaCy tokenizer has run."""
    return [m.span() for m in _WORD.finditer(text)]


def snap(tokens: Sequence[Token], start: int, end: int) -> Token | None:
    """Widen ``[start, end)`` to the tokens it touches; None when it touches none."""
    if end <= start or not tokens:
        return None
    first = bisect_right([t[1] for t in tokens], start)
    last = bisect_left([t[0] for t in tokens], end)
    if first >= last:
        return None
    return tokens[first][0], tokens[last - 1][1]


def move_edge(span: Span, edge: str, step: int, tokens: Sequence[Token], text: str) -> Span | None:
    """``span`` with its start or end moved one token left (-1) or right (+1).

    None when it cannot move: past the text, past the other edge, or across a line break.
    """
    starts = sorted(t[0] for t in tokens)
    ends = sorted(t[1] for t in tokens)
    start, end = span.start, span.end
    if edge == "start" and step < 0:
        i = bisect_left(starts, start) - 1
        start = starts[i] if i >= 0 else start
    elif edge == "start":
        i = bisect_right(starts, start)
        start = starts[i] if i < len(starts) and starts[i] < end else start
    elif step > 0:
        i = bisect_right(ends, end)
        end = ends[i] if i < len(ends) else end
    else:
        i = bisect_left(ends, end) - 1
        end = ends[i] if i >= 0 and ends[i] > start else end
    if (start, end) == (span.start, span.end) or "\n" in text[start:end]:
        return None
    return Span(start, end, span.label)
