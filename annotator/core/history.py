"""Rebuild an article's undo and redo stacks from the append-only decisions log.

Undo is a decision like any other: it writes the inverse command with ``undo_of`` set to
the decision whose effect it removes (the top of the undo stack). Redo writes the original
command again with ``redo_of`` set to the decision that was undone. Replaying the log with
these two rules gives back exactly the stacks the window had, so undo keeps working after
the application is closed and reopened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from annotator.core.commands import Command

# Decisions that are not the annotator's edits (importing gold, a schema migration):
# nothing before them can be undone from the window, and they cannot be undone themselves.
BARRIERS = frozenset({"import", "migrate"})


class Logged(Protocol):
    """What the store's decisions log gives for one row (``store.LoggedDecision``)."""

    @property
    def id(self) -> int: ...

    @property
    def command(self) -> Command: ...

    @property
    def undo_of(self) -> int | None: ...

    @property
    def redo_of(self) -> int | None: ...


@dataclass(frozen=True)
class Entry:
    """A command on a stack, and the decision whose effect is now in the store."""

    decision_id: int
    command: Command


@dataclass
class History:
    undo: list[Entry] = field(default_factory=list)  # last = next to undo
    redo: list[Entry] = field(default_factory=list)  # last = next to redo

    def record(self, entry: Entry) -> None:
        """A new edit: it can be undone, and nothing undone before can be redone."""
        self.undo.append(entry)
        self.redo.clear()


def rebuild(decisions: Iterable[Logged], barriers: frozenset[str] = BARRIERS) -> History:
    """The undo/redo stacks after replaying ``decisions`` (one article, one annotator, in
    log order)."""
    history = History()
    for d in decisions:
        if d.command.action in barriers:
            history = History()
        elif d.undo_of is not None and _top(history.undo) == d.undo_of:
            history.redo.append(history.undo.pop())
        elif d.redo_of is not None and _top(history.redo) == d.redo_of:
            history.redo.pop()
            history.undo.append(Entry(d.id, d.command))
        else:
            # An ordinary edit, or an undo/redo that no longer matches the stacks (e.g. two
            # windows on one project): treat it as an edit of its own, which stays correct.
            history.record(Entry(d.id, d.command))
    return history


def _top(stack: list[Entry]) -> int | None:
    return stack[-1].decision_id if stack else None


class Applier(Protocol):
    """Applies a command through the store and logs it: returns (decision id, the command
    as applied), or None when the store refused it (the caller has said why)."""

    def __call__(
        self, command: Command, undo_of: int | None, redo_of: int | None
    ) -> tuple[int, Command] | None: ...


class CommandStack:
    """The undo/redo stack of one article. Every move goes through ``apply`` — a new edit,
    an undo (the inverse, ``undo_of`` the decision it takes back), a redo (the command
    again, ``redo_of`` the undone decision) — and the stack changes only once the store
    has saved it, so what the stack says is what the log says (:func:`rebuild` gives the
    same stack back after a restart)."""

    def __init__(self, apply: Applier, history: History | None = None) -> None:
        self.apply = apply
        self.history = history or History()

    def push(self, command: Command) -> Command | None:
        """A new edit: applied, then on the stack. The command as applied, or None."""
        done = self.apply(command, None, None)
        if done is None:
            return None
        self.history.record(Entry(done[0], command))
        return done[1]

    def undo(self) -> Command | None:
        if not self.history.undo:
            return None
        entry = self.history.undo[-1]
        done = self.apply(entry.command.inverse(), entry.decision_id, None)
        if done is None:
            return None
        self.history.redo.append(self.history.undo.pop())
        return done[1]

    def redo(self) -> Command | None:
        if not self.history.redo:
            return None
        entry = self.history.redo[-1]
        done = self.apply(entry.command, None, entry.decision_id)
        if done is None:
            return None
        self.history.redo.pop()
        self.history.undo.append(Entry(done[0], entry.command))
        return done[1]

    def can_undo(self) -> bool:
        return bool(self.history.undo)

    def can_redo(self) -> bool:
        return bool(self.history.redo)

    def undo_action(self) -> str | None:
        """The action the next undo takes back (e.g. "accept"), None when there is none."""
        return self.history.undo[-1].command.action if self.history.undo else None

    def count(self) -> int:
        return len(self.history.undo) + len(self.history.redo)
