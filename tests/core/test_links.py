"""Event arguments stand on gold entities: linking on accept, carry-over of entity edits."""

from __future__ import annotations

from collections import Counter

import pytest

from annotator.core import commands as cmd
from annotator.core.event_review import EventReview, Row
from annotator.core.links import carry_over, entity_for, link_doc, link_event, unlinked
from annotator.core.models import ENTITY, EVENT, Argument, Event, ParsedDoc, Span, Suggestion
from annotator.core.review import Review, regex_tokens
from annotator.core.schema import load_schema

TEXT = "Kassym-Jomart Tokayev met Akim Kumar Aksakalov in Astana on Monday."
TOK_ORG, TOK_PER = Span(0, 21, "ORG"), Span(0, 21, "PERSON")
AKIM, KUMAR = Span(26, 46, "PERSON"), Span(31, 46, "PERSON")
ASTANA, MONDAY = Span(50, 56, "GPE"), Span(60, 66, "DATE")
MET = Span(22, 25, "Meet")
ATTRS = (("Modality", "actual"), ("Negation", False))


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def _event_sugg(sid: int = 9) -> Suggestion:
    args = (
        Argument("Participant", TOK_ORG, "subj-active"),
        Argument("Participant", AKIM, "obj"),
        Argument("Place", ASTANA, "pp-in"),
    )
    return Suggestion(MET, EVENT, args, ATTRS, model="rules", model_version="1", id=sid)


def _ent(sid: int, span: Span) -> Suggestion:
    return Suggestion(span, ENTITY, model="m", model_version="1", id=sid)


def test_links_entity_for_prefers_the_same_span_then_the_same_offsets():
    assert entity_for(TOK_ORG, {TOK_ORG, TOK_PER}) == TOK_ORG
    assert entity_for(TOK_ORG, {TOK_PER}) == TOK_PER  # relabelled: the entity's label wins
    assert entity_for(AKIM, {KUMAR}) is None  # overlap alone is not enough
    assert entity_for(AKIM, {KUMAR}, corrected={(26, 46)}) == KUMAR  # the corrected one
    assert entity_for(AKIM, {KUMAR, Span(26, 30, "PERSON")}, corrected={(26, 46)}) is None
    assert entity_for(AKIM, {KUMAR}, nudged=True) == KUMAR
    assert entity_for(AKIM, {Span(31, 46, "ORG")}, nudged=True) is None


def test_links_accepting_an_event_links_relabelled_and_corrected_entities_and_adds_the_rest(
    schema,
):
    """The issue's case: Tokayev relabelled ORG→PERSON, Akim nudged to Kumar Aksakalov,
    Astana still a pending entity suggestion — then the event is accepted."""
    suggestions = [
        (_event_sugg(), "pending"),
        (_ent(1, TOK_ORG), "rejected"),  # relabelled: the suggestion rejected, PERSON gold
        (_ent(2, AKIM), "rejected"),  # nudged
        (_ent(3, ASTANA), "pending"),
    ]
    r = EventReview(1, TEXT, suggestions, [], schema, [TOK_PER, KUMAR])
    step = r.accept()
    changes = step.command.changes
    assert changes[0] == cmd.set_suggestion(9, "pending", "accepted")
    assert cmd.set_suggestion(3, "pending", "accepted") in changes  # Astana accepted with it
    assert cmd.add_span(ASTANA) in changes
    (added,) = [c for c in changes if c.kind == cmd.EVENT]
    event = Event.from_dict(added.after)
    assert [(a.role, a.span) for a in event.arguments] == [
        ("Participant", TOK_PER),
        ("Participant", KUMAR),
        ("Place", ASTANA),
    ]
    assert [a.rule for a in event.arguments] == ["subj-active", "obj", "pp-in"]
    assert unlinked({TOK_PER, KUMAR, ASTANA}, [event]) == []


def test_links_adding_an_argument_to_a_gold_event_makes_its_span_gold(schema):
    gold = Event(MET, (Argument("Participant", TOK_PER),), ATTRS, uid="g")
    sugg = [(_ent(4, MONDAY), "pending")]
    r = EventReview(1, TEXT, sugg, [gold], schema, [TOK_PER])
    step = r.add_argument(MONDAY, "Time")
    assert step.command.changes[:2] == (
        cmd.set_suggestion(4, "pending", "accepted"),
        cmd.add_span(MONDAY),
    )
    assert step.command.changes[2].kind == cmd.EVENT
    # an argument on a span that is gold with another label takes the gold label
    r = EventReview(1, TEXT, [], [gold], schema, [TOK_PER, Span(50, 56, "LOC")])
    step = r.add_argument(ASTANA, "Place")
    (change,) = step.command.changes
    assert Event.from_dict(change.after).arguments[-1].span == Span(50, 56, "LOC")


def test_links_carry_over_relabel_move_and_delete():
    e1 = Event(MET, (Argument("Participant", TOK_PER), Argument("Place", ASTANA)), uid="1")
    e2 = Event(Span(0, 3, "Meet"), (Argument("Participant", AKIM),), uid="2")
    (relabel,) = carry_over([e1, e2], {TOK_PER: TOK_ORG})
    assert relabel.before == e1.to_dict()
    assert Event.from_dict(relabel.after).arguments[0] == Argument("Participant", TOK_ORG)
    (delete,) = carry_over([e1, e2], {ASTANA: None})
    assert Event.from_dict(delete.after).arguments == (Argument("Participant", TOK_PER),)
    assert carry_over([e1, e2], {MONDAY: None}) == []
    # two arguments that become the same one are one
    both = Event(MET, (Argument("Participant", AKIM), Argument("Participant", KUMAR)), uid="3")
    (merged,) = carry_over([both], {AKIM: KUMAR})
    assert Event.from_dict(merged.after).arguments == (Argument("Participant", KUMAR),)


def test_links_review_relabel_move_delete_carry_over_in_one_command():
    event = Event(MET, (Argument("Participant", TOK_PER), Argument("Place", ASTANA)), uid="e")
    review = Review(1, TEXT, [], [TOK_PER, ASTANA], events=[event])
    review.current = 0
    assert review.current_item.span == TOK_PER
    step = review.relabel("ORG")
    assert step.command.changes[0] == cmd.replace_span(TOK_PER, TOK_ORG)
    (follow,) = step.command.changes[1:]
    assert Event.from_dict(follow.after).arguments[0].span == TOK_ORG
    assert step.note == "1 event argument changed with it"
    # inverse: the event first, then the span back (undo is one step)
    undo = step.command.inverse()
    assert [c.kind for c in undo.changes] == [cmd.EVENT, cmd.SPAN]

    step = review.move_boundary("start", 1, regex_tokens(TEXT))  # "-Jomart Tokayev"
    assert step.command.changes[0] == cmd.replace_span(TOK_PER, Span(6, 21, "PERSON"))
    moved = Event.from_dict(step.command.changes[1].after).arguments[0].span
    assert moved == Span(6, 21, "PERSON")
    step = review.delete()
    assert step.command.changes[0] == cmd.remove_span(TOK_PER)
    assert Event.from_dict(step.command.changes[-1].after).arguments == (Argument("Place", ASTANA),)
    assert step.note == "1 event argument removed with it"


def test_links_review_relabel_onto_an_existing_gold_span_points_arguments_at_it():
    event = Event(MET, (Argument("Participant", TOK_PER),), uid="e")
    review = Review(1, TEXT, [], [TOK_PER, TOK_ORG], events=[event])
    review.current = [i.span for i in review.items].index(TOK_PER)
    step = review.relabel("ORG")  # TOK_ORG is gold already: the PERSON version goes
    assert step.command.changes[0] == cmd.remove_span(TOK_PER)
    assert Event.from_dict(step.command.changes[1].after).arguments[0].span == TOK_ORG


def test_links_imported_gold_gets_entities_for_its_arguments():
    event = Event(
        MET,
        (
            Argument("Participant", TOK_ORG),  # the file has Tokayev as PERSON
            Argument("Place", ASTANA),  # no entity in the file
            Argument("Topic", Span(60, 66, "SPAN")),  # a phrase: stays one
        ),
    )
    doc = ParsedDoc(TEXT, spans=[TOK_PER], events=[event])
    tally: Counter[str] = Counter()
    linked = link_doc(doc, tally)
    assert linked.spans == [TOK_PER, ASTANA]
    assert [a.span for a in linked.events[0].arguments] == [TOK_PER, ASTANA, Span(60, 66, "SPAN")]
    assert tally == Counter(
        {"entities added for event arguments": 1, "event arguments given their entity's label": 1}
    )
    assert link_doc(linked) == linked  # linked already: nothing changes


def test_links_event_review_rows_unchanged_by_linking(schema):
    r = EventReview(1, TEXT, [(_event_sugg(), "pending")], [], schema, [])
    assert r.rows == [Row(0), Row(0, 0), Row(0, 1), Row(0, 2)]
    event, changes = link_event(r.items[0].event, set())
    assert [c.kind for c in changes] == [cmd.SPAN] * 3


def test_links_an_argument_on_an_entity_the_annotator_rejected_is_left_out(schema):
    suggestions = [(_event_sugg(), "pending"), (_ent(3, ASTANA), "rejected")]
    r = EventReview(1, TEXT, suggestions, [], schema, [TOK_ORG, AKIM])
    (added,) = [c for c in r.accept().command.changes if c.kind == cmd.EVENT]
    assert [a.span for a in Event.from_dict(added.after).arguments] == [TOK_ORG, AKIM]
    assert r.accept().note == "1 argument left out (Place “Astana”): its entity was rejected"


def test_links_accepting_with_every_argument_says_nothing_more(schema):
    r = EventReview(1, TEXT, [(_event_sugg(), "pending")], [], schema, [])
    assert r.accept().note == ""


def test_links_accepting_an_event_links_an_argument_to_the_one_overlapping_entity_of_its_label(
    schema,
):
    """Gold holds "Kumar Aksakalov" (the annotator's boundaries); the event's argument is
    "Akim Kumar Aksakalov": it links to the gold entity, no second PERSON on the same words.
    Another label, or two same-label entities overlapping it, is not the same mention."""
    linked, changes = link_event(Event(MET, (Argument("Participant", AKIM),)), [KUMAR])
    assert [a.span for a in linked.arguments] == [KUMAR] and changes == []
    linked, changes = link_event(
        Event(MET, (Argument("Participant", AKIM),)), [Span(31, 46, "ORG")]
    )
    assert [a.span for a in linked.arguments] == [AKIM] and changes == [cmd.add_span(AKIM)]
    # of two same-label entities only the near one is the same mention ("Akim" is not)
    two = [KUMAR, Span(26, 30, "PERSON")]
    linked, changes = link_event(Event(MET, (Argument("Participant", AKIM),)), two)
    assert [a.span for a in linked.arguments] == [KUMAR] and changes == []
    two = [KUMAR, Span(26, 44, "PERSON")]  # two near ones: which is meant cannot be told
    linked, changes = link_event(Event(MET, (Argument("Participant", AKIM),)), two)
    assert [a.span for a in linked.arguments] == [AKIM] and changes == [cmd.add_span(AKIM)]


def test_links_imported_gold_an_argument_that_is_another_event_stays_its_trigger_phrase():
    """JSONL/brat gold naming another event as an argument (labelled with its type, on its
    trigger) gets no entity of that type: the argument is the trigger's phrase."""
    said = Event(Span(67, 71, "Statement"), (Argument("Topic", MET), Argument("Speaker", AKIM)))
    met = Event(MET, (Argument("Participant", TOK_PER),))
    tally: Counter[str] = Counter()
    doc = link_doc(ParsedDoc(TEXT + " said.", spans=[TOK_PER], events=[met, said]), tally)
    assert doc.spans == [TOK_PER, AKIM]  # Akim added for its argument, no "Meet" entity
    assert doc.events[1].arguments == (
        Argument("Topic", Span(MET.start, MET.end, "SPAN")),
        Argument("Speaker", AKIM),
    )
    assert tally == Counter({"entities added for event arguments": 1,
                             "event arguments that are other events, kept as the phrase of "
                             "their trigger": 1})  # fmt: skip


def test_links_an_argument_is_not_linked_to_another_entity_holding_or_held_by_it():
    """Only the same mention with its edges moved links ("the ", "Akim "): an organisation
    inside another, or a year inside a range, is another entity (review finding)."""
    text = "The State Revenue Committee of the Ministry of Finance said it from 2023 to 2025."
    committee = Span(0, text.index(" said"), "ORG")
    ministry = Span(text.index("Ministry"), committee.end, "ORG")
    year = Span(text.index("2023"), text.index("2023") + 4, "DATE")
    period = Span(year.start, text.index("."), "DATE")
    said = Span(text.index("said"), text.index("said") + 4, "Statement")
    for gold, arg in ((committee, ministry), (year, period), (period, year)):
        linked, changes = link_event(Event(said, (Argument("Speaker", arg),)), [gold])
        assert [a.span for a in linked.arguments] == [arg] and changes == [cmd.add_span(arg)]


@pytest.mark.parametrize("how", ["accept", "accept_all"])
def test_links_accepting_an_imported_event_suggestion_keeps_an_event_argument_a_phrase(
    tmp_path, schema, how
):
    """The JSONL record that a gold import keeps with a SPAN phrase, imported as
    suggestions (no --as-gold) and accepted as the window does it: the argument labelled
    with another event's type stays that trigger's phrase, no gold entity "Meet"."""
    import json

    from click.testing import CliRunner

    from annotator.cli.main import cli
    from annotator.store import Store

    text = "Tokayev said he met Mirziyoyev."
    tok, mirz = Span(0, 7, "PERSON"), Span(20, 30, "PERSON")

    def arg(role: str, span: Span) -> dict:
        return {"role": role, "start": span.start, "end": span.end, "label": span.label}

    record = {
        "text": text,
        "meta": {"lang": "en"},
        "spans": [s.to_dict() for s in (tok, mirz)],
        "events": [
            {"trigger": {"start": 16, "end": 19}, "type": "Meet",
             "arguments": [arg("Participant", tok), arg("Participant", mirz)]},
            {"trigger": {"start": 8, "end": 12}, "type": "Statement",
             "arguments": [arg("Speaker", tok), arg("Topic", Span(16, 19, "Meet"))]},
        ],
    }  # fmt: skip
    src, db = tmp_path / "in.jsonl", tmp_path / "p.db"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["import", str(src), "--db", str(db)])
    assert res.exit_code == 0, res.output
    with Store(db) as store:
        (aid,) = [r.id for r in store.list_articles("")]
        review = EventReview(
            aid,
            text,
            store.suggestions(aid, "ann"),
            store.gold_events(aid, "ann"),
            schema,
            store.gold_spans(aid, "ann"),
        )
        assert review.current_item.event.type == "Statement"
        step = review.accept() if how == "accept" else review.accept_all()
        store.apply_command(aid, "ann", step.command)
        labels = [r[0] for r in store.db.execute("SELECT label FROM gold_spans")]
        (said,) = [e for e in store.gold_events(aid, "ann") if e.type == "Statement"]
    assert "Meet" not in labels and labels.count("PERSON") == (1 if how == "accept" else 2)
    assert said.arguments == (
        Argument("Speaker", tok),
        Argument("Topic", Span(16, 19, "SPAN")),
    )


def test_links_an_event_argument_imported_as_a_suggestion_is_a_phrase_already(tmp_path):
    """Imported as suggestions, the argument that names another event is that trigger's
    SPAN phrase in the stored suggestion itself (what the window shows and an export of
    suggestions writes), and the import's summary counts it."""
    import json

    from click.testing import CliRunner

    from annotator.cli.main import cli
    from annotator.store import Store

    text = "Tokayev said he met Mirziyoyev."
    record = {
        "text": text,
        "meta": {"lang": "en"},
        "spans": [{"start": 0, "end": 7, "label": "PERSON"}],
        "events": [
            {"trigger": {"start": 16, "end": 19}, "type": "Meet", "arguments": []},
            {"trigger": {"start": 8, "end": 12}, "type": "Statement",
             "arguments": [{"role": "Speaker", "start": 0, "end": 7, "label": "PERSON"},
                           {"role": "Topic", "start": 16, "end": 19, "label": "Meet"}]},
        ],
    }  # fmt: skip
    src, db = tmp_path / "in.jsonl", tmp_path / "p.db"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["import", str(src), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "event arguments that are other events, kept as the phrase of their trigger: 1" in (
        res.output
    )
    with Store(db) as store:
        (aid,) = [r.id for r in store.list_articles("")]
        (said,) = [s for s, state in store.suggestions(aid, "ann") if s.label == "Statement"]
    assert said.arguments == (
        Argument("Speaker", Span(0, 7, "PERSON")),
        Argument("Topic", Span(16, 19, "SPAN")),
    )
