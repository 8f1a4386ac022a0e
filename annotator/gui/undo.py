"""The one generic ``QUndoCommand``: a logged decision that can be undone and redone.

Undo and redo are decisions too: undo writes the inverse command with ``undo_of`` the
decision it removes, redo writes the command again with ``redo_of`` the decision that was
undone (see :mod:`annotator.core.history`, which rebuilds the stacks from that log).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack

from annotator.core.commands import Command
from annotator.core.history import Logged, rebuild

ACTION_TEXT = {
    "accept": "accept",
    "reject": "reject",
    "accept_all": "accept all",
    "relabel": "relabel",
    "add_span": "add span",
    "move_boundary": "move boundary",
    "delete": "delete span",
    "done": "mark done",
    "skip": "skip",
    "accept_rest_done": "accept the rest, mark done",
    "reject_rest_done": "reject the rest, mark done",
    "accept_event": "accept event",
    "reject_event": "reject event",
    "accept_all_events": "accept all events",
    "add_event": "new event",
    "delete_event": "delete event",
    "retype_event": "change event type",
    "add_argument": "add argument",
    "remove_argument": "remove argument",
    "set_role": "change role",
    "set_attribute": "set attribute",
}


class Replayer(Protocol):
    replaying: bool

    def replay(
        self,
        article_id: int,
        command: Command,
        *,
        undo_of: int | None = None,
        redo_of: int | None = None,
    ) -> int | None: ...


class DecisionCommand(QUndoCommand):
    """A decision already in the store; pushing it does not apply it again."""

    def __init__(
        self, replayer: Replayer, article_id: int, command: Command, decision_id: int
    ) -> None:
        super().__init__(ACTION_TEXT.get(command.action, command.action.replace("_", " ")))
        self.replayer = replayer
        self.article_id = article_id
        self.command = command
        self.decision_id = decision_id
        self._applied = True  # QUndoStack.push calls redo(): the store already has it

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        if self.replayer.replaying:
            return
        new_id = self.replayer.replay(self.article_id, self.command, redo_of=self.decision_id)
        if new_id is not None:
            self.decision_id = new_id

    def undo(self) -> None:
        if self.replayer.replaying:
            return
        self.replayer.replay(self.article_id, self.command.inverse(), undo_of=self.decision_id)


class UndoStacks:
    """One ``QUndoStack`` per article in a ``QUndoGroup``, each rebuilt from the decisions
    log the first time its article is opened (so undo works after a restart)."""

    def __init__(
        self, replayer: Replayer, log: Callable[[int], Sequence[Logged]], parent: QObject
    ) -> None:
        self.replayer = replayer
        self.log = log  # article id -> its decisions, in log order
        self.group = QUndoGroup(parent)
        self._stacks: dict[int, QUndoStack] = {}

    def stack(self, article_id: int) -> QUndoStack:
        stack = self._stacks.get(article_id)
        if stack is not None:
            return stack
        stack = self._stacks[article_id] = QUndoStack(self.group)
        history = rebuild(self.log(article_id))
        self.replayer.replaying = True
        try:
            for entry in [*history.undo, *reversed(history.redo)]:
                stack.push(
                    DecisionCommand(self.replayer, article_id, entry.command, entry.decision_id)
                )
            stack.setIndex(len(history.undo))
        finally:
            self.replayer.replaying = False
        return stack

    def activate(self, article_id: int) -> None:
        self.group.setActiveStack(self.stack(article_id))

    def push(self, article_id: int, command: Command, decision_id: int) -> None:
        self.stack(article_id).push(
            DecisionCommand(self.replayer, article_id, command, decision_id)
        )

    def forget(self, article_id: int) -> None:
        stack = self._stacks.pop(article_id, None)
        if stack is not None:
            self.group.removeStack(stack)
            stack.deleteLater()

    def forget_all(self) -> None:
        for article_id in list(self._stacks):
            self.forget(article_id)
