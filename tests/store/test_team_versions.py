"""team.versions reads every annotator's version of an article in one go: the same
Versions (spans, events with their uids and arguments in order, status, partial flag) as
the per-annotator readers give."""

from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.models import PARTIAL, Argument, Event, ParsedDoc, Span
from annotator.store import Store
from annotator.store.team import ADJUDICATOR, review, versions

TEXT = "Tokayev met Mirziyoyev in Astana on Monday."
TOK, MIRZ, AST = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(26, 32, "GPE")


def _store() -> Store:
    s = Store()
    s.add_docs([ParsedDoc(TEXT, lang="en")])
    meet = Event(Span(8, 11, "Meet"), (Argument("Participant", MIRZ), Argument("Place", AST)))
    s.apply(1, "a", cmd.Command("x", (cmd.add_span(TOK), cmd.add_span(MIRZ), cmd.add_span(AST),
                                      cmd.add_event(meet))))  # fmt: skip
    s.apply(1, "b", cmd.Command("x", (cmd.add_span(AST), cmd.add_span(MIRZ))))
    s.apply(1, "b", cmd.Command("p", (cmd.set_status("in_progress", "done", (None, PARTIAL)),)))
    s.apply(1, ADJUDICATOR, cmd.Command("x", (cmd.add_span(TOK),)))
    return s


def test_team_versions_same_as_the_per_annotator_readers():
    s = _store()
    found = versions(s, 1)
    assert sorted(found) == ["a", "b"]  # the adjudicator only when asked
    for who, v in found.items():
        assert list(v.spans) == s.gold_spans(1, who)
        assert list(v.events) == s.gold_events(1, who)
        assert [e.uid for e in v.events] == [e.uid for e in s.gold_events(1, who)]
        assert v.status == s.status(1, who)
    assert found["b"].partial and not found["a"].partial
    assert versions(s, 1, ["b", "nobody"])["nobody"].status == "new"
    comparison, gold = review(s, 1)
    assert comparison.annotators == ["a", "b"] and gold.spans == (TOK,)
