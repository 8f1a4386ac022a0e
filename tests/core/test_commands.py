from __future__ import annotations

import pytest

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, Span


def test_commands_inverse_swaps_and_reverses():
    a, b = Span(0, 3, "PERSON"), Span(0, 4, "PERSON")
    c = cmd.Command("move", (cmd.replace_span(a, b), cmd.set_suggestion(1, "pending", "accepted")))
    inv = c.inverse()
    assert inv.action == "undo:move"
    assert inv.changes[0] == cmd.set_suggestion(1, "accepted", "pending")
    assert inv.changes[1] == cmd.replace_span(b, a)
    assert inv.inverse().changes == c.changes


def test_commands_validate_kinds_and_statuses():
    with pytest.raises(ValueError):
        cmd.Change("nope", None, {})
    with pytest.raises(ValueError):
        cmd.Change("span", None, None)
    with pytest.raises(ValueError):
        cmd.set_status("new", "finished")


def test_commands_event_edit_keeps_uid():
    ev = Event(Span(5, 9, "Meet"), (Argument("Participant", Span(0, 3, "PERSON")),))
    other = Event(Span(5, 9, "Meet"))
    with pytest.raises(ValueError):
        cmd.replace_event(ev, other)
    assert Event.from_dict(ev.to_dict()) == ev and Event.from_dict(ev.to_dict()).uid == ev.uid


def test_commands_span_rejects_empty_or_negative():
    with pytest.raises(ValueError):
        Span(3, 3, "X")
    with pytest.raises(ValueError):
        Span(-1, 3, "X")
