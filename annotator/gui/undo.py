"""The one generic ``QUndoCommand``: a logged decision that can be undone and redone.

Undo and redo are decisions too: undo writes the inverse command with ``undo_of`` the
decision it removes, redo writes the command again with ``redo_of`` the decision that was
undone (see :mod:`annotator.core.history`, which rebuilds the stacks from that log).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.core.commands import Command

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
