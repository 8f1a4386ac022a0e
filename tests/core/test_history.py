from __future__ import annotations

from dataclasses import dataclass

from annotator.core import commands as cmd
from annotator.core.history import Entry, rebuild
from annotator.core.models import Span


@dataclass(frozen=True)
class D:
    id: int
    command: cmd.Command
    undo_of: int | None = None
    redo_of: int | None = None


def _c(label: str) -> cmd.Command:
    return cmd.Command("add_span", (cmd.add_span(Span(0, 3, label)),))


A, B = _c("A"), _c("B")


def test_history_plain_edits_stack_up():
    h = rebuild([D(1, A), D(2, B)])
    assert h.undo == [Entry(1, A), Entry(2, B)]
    assert h.redo == []


def test_history_undo_moves_the_top_to_redo():
    h = rebuild([D(1, A), D(2, B), D(3, B.inverse(), undo_of=2)])
    assert h.undo == [Entry(1, A)]
    assert h.redo == [Entry(2, B)]


def test_history_redo_restores_with_the_redo_decision_id():
    log = [D(1, A), D(2, B), D(3, B.inverse(), undo_of=2), D(4, B, redo_of=2)]
    h = rebuild(log)
    assert h.undo == [Entry(1, A), Entry(4, B)]
    assert h.redo == []
    # the redone edit can be undone again, referring to the redo decision
    h = rebuild(log + [D(5, B.inverse(), undo_of=4)])
    assert h.undo == [Entry(1, A)] and h.redo == [Entry(4, B)]


def test_history_new_edit_clears_redo():
    h = rebuild([D(1, A), D(2, A.inverse(), undo_of=1), D(3, B)])
    assert h.undo == [Entry(3, B)]
    assert h.redo == []


def test_history_undo_all_then_redo_all_in_order():
    log = [D(1, A), D(2, B), D(3, B.inverse(), undo_of=2), D(4, A.inverse(), undo_of=1)]
    h = rebuild(log)
    assert h.undo == [] and h.redo == [Entry(2, B), Entry(1, A)]
    h = rebuild(log + [D(5, A, redo_of=1), D(6, B, redo_of=2)])
    assert h.undo == [Entry(5, A), Entry(6, B)] and h.redo == []


def test_history_mismatched_undo_counts_as_an_edit_of_its_own():
    h = rebuild([D(1, A), D(2, B), D(3, A.inverse(), undo_of=1)])
    assert [e.decision_id for e in h.undo] == [1, 2, 3]
    assert h.redo == []


def test_history_import_is_a_barrier():
    imported = cmd.Command("import", (cmd.add_span(Span(0, 1, "X")),))
    h = rebuild([D(1, A), D(2, imported), D(3, B)])
    assert h.undo == [Entry(3, B)]
