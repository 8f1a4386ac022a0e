"""Adjudication of one article: the annotators' versions side by side, the adjudicated
version (annotator ``gold``) made from them by keys.

On entering, what every annotator agrees on goes into ``gold`` (one command, the first
time only: an item the adjudicator removed later is not forced back). Then keys take one
annotator's version of the current row's disagreement (1–9), or none (X, Delete), or
edit the adjudicated item (the label picker, the boundary keys); D / Shift+D jump to the
next / previous disagreement. Every change is a command on ``gold``'s own undo stack
(:class:`~annotator.core.history.CommandStack`, rebuilt from the decisions log), saved
through ``Store.apply_command`` in one transaction: the same path as every other edit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from annotator.core import adjudication as adj
from annotator.core.article_state import ArticleState
from annotator.core.commands import Command, set_status
from annotator.core.history import CommandStack, rebuild
from annotator.core.models import Argument, Article, Event, Span
from annotator.core.review import Review, Token
from annotator.gui import conflicts
from annotator.gui.conflicts import conflict_line
from annotator.store import ConflictError, Store
from annotator.store.errors import StoreError, describe
from annotator.store.team import ADJUDICATOR, review


@dataclass(frozen=True)
class AdjudicationUpdate:
    """What ``changed`` reports: ``ranges`` of text whose gold spans changed (None: all,
    (): none), and whether only the current row moved."""

    ranges: tuple[tuple[int, int], ...] | None = None
    current_only: bool = False


class AdjudicationSession(QObject):
    """The adjudication of one open article (no Qt views: the window shows it)."""

    changed = Signal(object)  # AdjudicationUpdate
    message = Signal(str)

    def __init__(
        self,
        store: Store,
        article: Article,
        tokens: Callable[[], Sequence[Token]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.article = article
        self._tokens = tokens
        self.comparison, gold = review(store, article.id)
        self.names = self.comparison.annotators
        aid = article.id
        self.state = ArticleState.read([], list(gold.spans), list(gold.events), gold.status)
        self._stack: CommandStack | None = None  # read from the log when first needed
        merged = store.db.execute(
            "SELECT 1 FROM decisions WHERE article_id = ? AND annotator = ? AND action = ?",
            [aid, ADJUDICATOR, adj.MERGE],
        ).fetchone()
        self._merged_before = merged is not None
        self.rows: list[adj.Row] = []
        self.current: int | None = None
        self._taken_none: set[int] = set()  # disagreements decided as "none" here (X)
        self._done_asked = False  # Ctrl+Enter warned of undecided ones; again: done
        if self._merged_before:  # else start() builds the rows once, after the merge
            self._rebuild()
            self.current = self._first_disagreement()

    def start(self) -> None:
        """Merge what everyone agrees on into the adjudicated version: the first time
        only (an agreed item the adjudicator took out stays out), one undoable command."""
        if not self._merged_before:
            self._merged_before = self._execute(self._merge(), None)
            if not self._merged_before:  # nothing agreed, or not saved
                self._rebuild()
            self.current = self._first_disagreement()

    @property
    def stack(self) -> CommandStack:
        """``gold``'s undo/redo stack of this article, rebuilt from its decisions log."""
        if self._stack is None:
            logged = self.store.decisions(self.article.id, ADJUDICATOR)
            self._stack = CommandStack(self._apply, rebuild(logged))
        return self._stack

    # -- what the window shows ----------------------------------------------------------

    @property
    def current_row(self) -> adj.Row | None:
        return None if self.current is None else self.rows[self.current]

    def gold_spans(self) -> list[Span]:
        return self.state.sorted_spans()

    def gold_events(self) -> list[Event]:
        return self.state.sorted_events()

    @property
    def disagreements(self) -> int:
        return len(self.comparison.disagreements)

    def open_disagreements(self) -> int:
        """Disagreements the adjudicated version holds none of the items of (not taken
        yet, or taken as none)."""
        regions = {r.region for r in self.rows if r.region is not None}
        touched = {r.region for r in self.rows if r.region is not None and r.gold is not None}
        return len(regions - touched)

    def undecided(self) -> int:
        """Disagreements with nothing in gold that were not taken as none here (X)."""
        regions = {r.region for r in self.rows if r.region is not None}
        touched = {r.region for r in self.rows if r.region is not None and r.gold is not None}
        return len(regions - touched - self._taken_none)

    # -- moving -------------------------------------------------------------------------

    def move(self, step: int) -> None:
        if not self.rows:
            return
        now = -1 if self.current is None else self.current
        self._set_current(max(0, min(len(self.rows) - 1, now + step)))

    def set_current(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self._set_current(index)

    def next_disagreement(self, step: int = 1) -> None:
        """The first row of the next (+1) or previous (-1) disagreement, wrapping."""
        first_row = {r.region: i for i, r in reversed(list(enumerate(self.rows)))}
        firsts = sorted(i for region, i in first_row.items() if region is not None)
        if not firsts:
            self.message.emit("The annotators agree on everything in this article.")
            return
        here = -1 if self.current is None else self.current
        row = self.current_row
        if row is not None and row.region is not None:
            here = self._first_of(row.region)
        if step > 0:
            target = next((i for i in firsts if i > here), firsts[0])
        else:
            target = next((i for i in reversed(firsts) if i < here), firsts[-1])
        self._set_current(target)

    def _set_current(self, index: int | None) -> None:
        if index != self.current:
            self.current = index
            self.changed.emit(AdjudicationUpdate((), current_only=True))

    def _first_of(self, region: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.region == region), None)

    def _first_disagreement(self) -> int | None:
        first = next((i for i, r in enumerate(self.rows) if not r.agreed), None)
        return first if first is not None else (0 if self.rows else None)

    # -- deciding -----------------------------------------------------------------------

    def take(self, number: int) -> bool:
        """The adjudicated version takes annotator ``number``'s (1-based) version of the
        current row's disagreement."""
        if not 1 <= number <= len(self.names):
            self.message.emit(f"Annotators are 1–{len(self.names)}: {', '.join(self.names)}.")
            return False
        return self._take(self.names[number - 1])

    def take_none(self) -> bool:
        return self._take(None)

    def _take(self, who: str | None) -> bool:
        if self.current is None:
            return False
        command = adj.take_command(
            self.rows, self.current, who, self.gold_spans(), self.gold_events()
        )
        if command is None:
            region = self.current_row.region if self.current_row else None
            if who is None and region is not None and region not in self._taken_none:
                self._taken_none.add(region)  # "none" decided: nothing to write
                self._done_asked = False
                self.message.emit("The adjudicated version keeps none of this: decided.")
                return False
            self.message.emit(f"The adjudicated version has {who or 'none'}'s version already.")
            return False
        group = adj.group_of(self.rows, self.current)
        taken = [r for r in group if who is not None and who in r.has]
        region = self.current_row.region
        done = self._execute(command, (taken and taken[0].span) or self.current_row.span)
        if done and who is None and region is not None:
            self._taken_none.add(region)
        wanted = [r.item for r in taken if r.kind == adj.EVENT]
        others = [r for r in group if r.kind == adj.EVENT and who not in r.has]
        note = taken_note(command, wanted, who, self.article.text, others) if done and who else ""
        if note:  # the gold label won: say so, or gold is neither version without a word
            self.message.emit(note)
        return done

    def relabel(self, label: str) -> bool:
        return self._edit(lambda review: review.relabel(label))

    def move_boundary(self, edge: str, step: int) -> bool:
        return self._edit(lambda review: review.move_boundary(edge, step, self._tokens()))

    def _edit(self, make: Callable[[Review], object]) -> bool:
        """Relabel or move the adjudicated copy of the current entity (the normal review
        commands, on the gold version)."""
        row = self.current_row
        if row is None or row.kind != adj.SPAN or row.gold is None:
            what = "an event" if row is not None and row.kind == adj.EVENT else "this row"
            self.message.emit(f"The adjudicated version has no entity here to edit ({what}).")
            return False
        a = self.article
        review = Review(a.id, a.text, [], self.gold_spans(), self.state.status, self.gold_events())
        review.current = next(i for i, it in enumerate(review.items) if it.span == row.gold)
        step = make(review)
        if step is None:
            return False
        return self._execute(step.command, step.focus.span)

    def mark_done(self) -> bool:
        """The adjudicated version of this article is finished."""
        if self.state.status == "done":
            self.message.emit("The adjudicated version is marked done already.")
            return False
        left = self.undecided()
        if left and not self._done_asked:  # as the normal view asks about pending ones
            self._done_asked = True
            are = "disagreement has" if left == 1 else "disagreements have"
            self.message.emit(
                f"Not done: {left} {are} nothing in gold yet: take a version (1–9) or none "
                "(X); D goes to the next. Ctrl+Enter again marks gold done as it is."
            )
            return False
        command = Command("done", (set_status(self.state.status, "done"),))
        here = self.current_row.span if self.current_row else None
        if self._execute(command, here):
            self.message.emit("Adjudicated version marked done.")
            return True
        return False

    def undo(self) -> bool:
        return self._replay(undo=True)

    def redo(self) -> bool:
        return self._replay(undo=False)

    def _replay(self, *, undo: bool) -> bool:
        if not (self.stack.can_undo() if undo else self.stack.can_redo()):
            self.message.emit(f"Nothing to {'undo' if undo else 'redo'} in the adjudication.")
            return False
        applied = self.stack.undo() if undo else self.stack.redo()
        if applied is None:
            return False
        self._after(applied, _first_span(applied))
        return True

    # -- applying -----------------------------------------------------------------------

    def _merge(self) -> Command | None:
        return adj.merge_command(self.comparison, self.gold_spans(), self.gold_events())

    def _execute(self, command: Command | None, focus: Span | None) -> bool:
        if command is None:
            return False
        applied = self.stack.push(command)
        if applied is None:
            return False
        self._after(applied, focus)
        return True

    def _apply(
        self, command: Command, undo_of: int | None, redo_of: int | None
    ) -> tuple[int, Command] | None:
        """The stack's way to the store: one transaction, or one "Not saved" line."""
        try:
            done = self.store.apply_command(
                self.article.id, ADJUDICATOR, command, undo_of=undo_of, redo_of=redo_of
            )
        except ConflictError as exc:
            self.message.emit(conflict_line(exc, self.article.text, reloaded=False))
            return None
        except ValueError as exc:
            self.message.emit(f"Not saved: {exc}")
            return None
        except (sqlite3.Error, StoreError) as exc:
            self.message.emit(f"Not saved: {describe(exc)}")
            return None
        return done.decision_id, done.command

    def _after(self, applied: Command, focus: Span | None) -> None:
        self._done_asked = False  # a change: Ctrl+Enter checks again
        self.state.absorb(applied)
        self._rebuild()
        if focus is not None:
            found = [i for i, r in enumerate(self.rows) if r.span == focus]
            near = [i for i, r in enumerate(self.rows) if r.span.start >= focus.start]
            self.current = (found or near or [len(self.rows) - 1 if self.rows else None])[0]
        self.changed.emit(AdjudicationUpdate(_ranges(applied)))

    def _rebuild(self) -> None:
        self.rows = adj.table_rows(self.comparison, self.gold_spans(), self.gold_events())
        if self.current is not None and self.current >= len(self.rows):
            self.current = len(self.rows) - 1 if self.rows else None


def taken_note(
    command: Command,
    wanted: Sequence[Event],
    who: str,
    text: str,
    others: Sequence[adj.Row] = (),
) -> str:
    """What the events a take added differ in from ``who``'s (``wanted``): an argument
    linked to the adjudicated entity at its offsets takes that entity's label, or a gold
    entity's boundaries; and whose version (of ``others``' rows) the result is instead.
    "" when they are ``who``'s as they are."""
    added = [
        Event.from_dict(c.after)
        for c in command.changes
        if c.kind == "event" and c.before is None and c.after is not None
    ]
    notes, alike = [], []
    for want in wanted:
        got = next((e for e in added if e.trigger == want.trigger), None)
        if got is None or got == want:
            continue
        notes += [_differs(a, got, who, text) for a in want.arguments if a not in got.arguments]
        alike += [name for r in others if r.item == got for name in sorted(r.has)]
    if not notes:
        return ""
    whose = f" That is {' and '.join(dict.fromkeys(alike))}'s version." if alike else ""
    return f"Taken from {who}, {'; '.join(notes)}.{whose}"


def _differs(arg: Argument, got: Event, who: str, text: str) -> str:
    """How the taken event holds ``who``'s argument ``arg`` instead."""
    words = conflicts.words(arg.span, text)
    over = [a for a in got.arguments if a.role == arg.role and a.span.overlaps(arg.span)]
    if not over:
        return f"without its {arg.role} “{words}” ({arg.span.label})"
    span = over[0].span
    if (span.start, span.end) == (arg.span.start, arg.span.end):
        return (
            f"with “{words}” as {span.label} (the gold entity's label; relabel it to take "
            f"{who}'s {arg.span.label})"
        )
    return (
        f"with its {arg.role} on the gold entity “{conflicts.words(span, text)}” "
        f"({span.label}), not {who}'s “{words}”"
    )


def _spans_of(command: Command, *, events: bool = True) -> list[Span]:
    """The entity spans a command adds or removes (and the triggers of its events)."""
    out = []
    for change in command.changes:
        for value in (change.after, change.before):
            if value is None:
                continue
            if change.kind == "span":
                out.append(Span.from_dict(value))
            elif change.kind == "event" and events:
                out.append(Event.from_dict(value).trigger)
    return out


def _first_span(command: Command) -> Span | None:
    spans = _spans_of(command)
    return min(spans, key=lambda s: (s.start, s.end)) if spans else None


def _ranges(command: Command) -> tuple[tuple[int, int], ...]:
    return tuple(dict.fromkeys((s.start, s.end) for s in _spans_of(command, events=False)))
