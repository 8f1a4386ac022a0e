from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.models import Span, Suggestion
from annotator.core.review import (
    GOLD,
    PENDING,
    REJECTED,
    Focus,
    Review,
    move_edge,
    regex_tokens,
    snap,
)

TEXT = "Tokayev met Shavkat Mirziyoyev in Astana.\n\nThe talks ended."
TOKAYEV, SHAVKAT, MIRZ, ASTANA = (
    Span(0, 7, "PERSON"),
    Span(12, 30, "PERSON"),
    Span(20, 30, "PERSON"),
    Span(34, 40, "GPE"),
)


def _s(sid: int, span: Span) -> Suggestion:
    return Suggestion(span, model="m", model_version="1", id=sid)


def _review(states=("pending", "pending", "pending"), gold=(), status="new") -> Review:
    sugg = [(_s(1, TOKAYEV), states[0]), (_s(2, SHAVKAT), states[1]), (_s(3, ASTANA), states[2])]
    return Review(9, TEXT, sugg, list(gold), status)


def test_review_items_are_sorted_and_accepted_suggestions_show_as_gold():
    r = _review(("accepted", "pending", "rejected"), gold=[TOKAYEV])
    assert [(i.span, i.state, i.source) for i in r.items] == [
        (TOKAYEV, GOLD, "m"),
        (SHAVKAT, PENDING, "m"),
        (ASTANA, REJECTED, "m"),
    ]
    assert r.current == 0


def test_review_accept_adds_gold_and_focuses_next_pending():
    r = _review()
    step = r.accept()
    assert step.command.action == "accept"
    assert step.command.changes == (
        cmd.set_suggestion(1, "pending", "accepted"),
        cmd.add_span(TOKAYEV),
    )
    after = _review(("accepted", "pending", "pending"), gold=[TOKAYEV])
    assert after.items[after.locate(step.focus)].span == SHAVKAT


def test_review_accept_does_not_duplicate_existing_gold():
    r = _review(gold=[TOKAYEV])
    r.current = 1  # the pending Tokayev suggestion sorts after its gold twin
    assert r.current_item.state == PENDING
    assert r.accept().command.changes == (cmd.set_suggestion(1, "pending", "accepted"),)


def test_review_reject_only_pending():
    r = _review(("rejected", "pending", "pending"))
    assert r.current_item.state == REJECTED
    assert r.reject() is None
    r.current = 1
    assert r.reject().command.changes == (cmd.set_suggestion(2, "pending", "rejected"),)


def test_review_accept_all_is_one_command():
    step = _review(("pending", "rejected", "pending")).accept_all()
    assert step.command.action == "accept_all"
    assert step.command.changes == (
        cmd.set_suggestion(1, "pending", "accepted"),
        cmd.set_suggestion(3, "pending", "accepted"),
        cmd.add_span(TOKAYEV),
        cmd.add_span(ASTANA),
    )


def test_review_relabel_pending_rejects_and_adds_corrected_gold():
    step = _review().relabel("ORG")
    assert step.command.changes == (
        cmd.set_suggestion(1, "pending", "rejected"),
        cmd.add_span(Span(0, 7, "ORG")),
    )
    assert step.focus == Focus(Span(0, 7, "ORG"))


def test_review_relabel_gold_replaces_it_and_same_label_accepts():
    r = _review(("accepted", "pending", "pending"), gold=[TOKAYEV])
    assert r.relabel("ORG").command.changes == (cmd.replace_span(TOKAYEV, Span(0, 7, "ORG")),)
    r2 = _review()
    assert r2.relabel("PERSON").command.action == "accept"


def test_review_add_span_trims_whitespace_and_skips_duplicates():
    r = _review(gold=[ASTANA])
    step = r.add_span(33, 41, "GPE")  # " Astana.": the leading space is trimmed
    assert step.command.changes == (cmd.add_span(Span(34, 41, "GPE")),)
    assert r.add_span(34, 40, "GPE") is None
    assert r.add_span(7, 8, "GPE") is None  # only a space


def test_review_move_boundary_by_tokens():
    r = _review(gold=[MIRZ])
    r.current = r.locate(Focus(MIRZ))
    toks = regex_tokens(TEXT)
    step = r.move_boundary("start", -1, toks)
    assert step.command.changes == (cmd.replace_span(MIRZ, SHAVKAT),)
    assert step.command.action == "move_boundary"


def test_review_delete_gold_rejects_its_accepted_suggestion():
    r = _review(("accepted", "pending", "pending"), gold=[TOKAYEV])
    step = r.delete()
    assert step.command.changes == (
        cmd.remove_span(TOKAYEV),
        cmd.set_suggestion(1, "accepted", "rejected"),
    )


def test_review_done_and_skip_change_status_once():
    r = _review(status="in_progress")
    assert r.mark_done().command.changes == (cmd.set_status("in_progress", "done"),)
    assert r.skip().command.action == "skip"
    assert _review(status="done").mark_done() is None


def test_review_navigation_and_item_at():
    r = _review(("pending", "pending", "rejected"), gold=[MIRZ])
    assert r.move(-1) is False
    assert r.move(1) and r.current == 1
    assert r.move(1) and r.current == 2
    assert r.move(1) is False and r.current == 2  # only the rejected Astana is left
    r2 = _review(("pending", "rejected", "pending"))
    assert r2.move(1) and r2.items[r2.current].span == ASTANA
    assert r.items[r.item_at(22)].span == MIRZ  # innermost wins over Shavkat Mirziyoyev
    assert r.item_at(36) is None  # rejected Astana is hidden
    assert r.item_at(8) is None


def test_review_next_pending_wraps_around():
    r = _review(("pending", "accepted", "rejected"), gold=[SHAVKAT])
    assert r.items[r.locate(Focus(ASTANA, next_pending=True))].span == TOKAYEV


def test_review_snap_widens_to_touched_tokens():
    toks = regex_tokens(TEXT)
    assert snap(toks, 14, 22) == (12, 30)  # "avkat Mir" -> "Shavkat Mirziyoyev"
    assert snap(toks, 7, 8) is None  # whitespace only
    assert snap(toks, 34, 40) == (34, 40)


def test_review_move_edge_stops_at_edges_and_line_breaks():
    toks = regex_tokens(TEXT)
    assert move_edge(TOKAYEV, "start", -1, toks, TEXT) is None
    assert move_edge(TOKAYEV, "end", 1, toks, TEXT) == Span(0, 11, "PERSON")
    assert move_edge(TOKAYEV, "end", -1, toks, TEXT) is None  # one token: cannot shrink
    assert move_edge(TOKAYEV, "start", 1, toks, TEXT) is None
    dot = Span(40, 41, "X")
    assert move_edge(dot, "end", 1, toks, TEXT) is None  # next token is past "\n\n"
    assert move_edge(SHAVKAT, "start", 1, toks, TEXT) == MIRZ
    assert move_edge(SHAVKAT, "end", -1, toks, TEXT) == Span(12, 19, "PERSON")
