from __future__ import annotations

import json

import pytest

from annotator.core.evaluate import Score, evaluate, match
from annotator.core.models import Argument, Event, Span


def meet(start: int, *args: tuple[str, int, int], etype: str = "Meet") -> Event:
    return Event(
        Span(start, start + 5, etype),
        tuple(Argument(role, Span(s, e, "PERSON")) for role, s, e in args),
    )


def test_evaluate_score_arithmetic():
    s = Score(tp=3, predicted=4, gold=6)
    assert s.precision == 0.75 and s.recall == 0.5
    assert s.f1 == pytest.approx(0.6)
    assert Score().f1 == 0.0 and Score().precision == 0.0
    assert s + Score(1, 1, 1) == Score(4, 5, 7)
    assert s.to_dict() == {
        "precision": 0.75,
        "recall": 0.5,
        "f1": 0.6,
        "tp": 3,
        "predicted": 4,
        "gold": 6,
    }


def test_evaluate_match_counts_each_gold_item_once():
    assert match(["a", "a", "b"], ["a", "c"]) == Score(1, 3, 2)
    assert match(["a", "a"], ["a", "a"]) == Score(2, 2, 2)


def test_evaluate_entities_need_exact_offsets_and_label():
    gold = [Span(0, 7, "PERSON"), Span(12, 18, "GPE")]
    predicted = [Span(0, 7, "PERSON"), Span(12, 18, "ORG"), Span(20, 25, "DATE")]
    report = evaluate([((predicted, []), (gold, []))])
    assert report.entities["PERSON"] == Score(1, 1, 1)
    assert report.entities["GPE"] == Score(0, 0, 1)
    assert report.entities["ORG"] == Score(0, 1, 0)
    assert report.entities_total == Score(1, 3, 2)


def test_evaluate_trigger_identification_ignores_the_type():
    gold = [meet(10), meet(30)]
    predicted = [meet(10, etype="Contact"), meet(30), meet(50)]
    report = evaluate([(([], predicted), ([], gold))])
    assert report.events["trigger_identification"] == Score(2, 3, 2)
    assert report.events["trigger_classification"] == Score(1, 3, 2)
    assert report.by_type["Meet"] == Score(1, 2, 2)
    assert report.by_type["Contact"] == Score(0, 1, 0)


def test_evaluate_argument_identification_needs_span_and_event_type_not_trigger():
    gold = [meet(10, ("Participant", 0, 7), ("Place", 20, 26))]
    # the trigger is off, one role is wrong: identified twice, classified once
    predicted = [meet(40, ("Participant", 0, 7), ("Participant", 20, 26))]
    report = evaluate([(([], predicted), ([], gold))])
    assert report.events["argument_identification"] == Score(2, 2, 2)
    assert report.events["argument_classification"] == Score(1, 2, 2)
    assert report.events["argument_strict"] == Score(0, 2, 2)
    assert report.by_role["Meet.Participant"] == Score(1, 2, 1)
    assert report.by_role["Meet.Place"] == Score(0, 0, 1)


def test_evaluate_argument_of_another_event_type_does_not_count():
    gold = [meet(10, ("Participant", 0, 7))]
    predicted = [meet(10, ("Participant", 0, 7), etype="Contact")]
    report = evaluate([(([], predicted), ([], gold))])
    assert report.events["argument_identification"] == Score(0, 1, 1)


def test_evaluate_is_micro_averaged_over_documents():
    doc1 = (([], [meet(0, ("Participant", 10, 15))]), ([], [meet(0, ("Participant", 10, 15))]))
    doc2 = (([], []), ([], [meet(0), meet(20), meet(40)]))
    report = evaluate([doc1, doc2])
    assert report.documents == 2
    assert report.events["trigger_classification"] == Score(1, 1, 4)
    assert report.events["argument_classification"] == Score(1, 1, 1)


def test_evaluate_nothing_gives_zeros_and_renders():
    report = evaluate([])
    assert report.documents == 0
    assert report.events["trigger_identification"] == Score()
    text = report.render()
    assert "Entities (exact span and label): nothing to score" in text
    assert "trigger identification" in text


def test_evaluate_render_and_json_show_the_figures():
    gold = [meet(10, ("Participant", 0, 7))]
    report = evaluate([(([Span(0, 7, "PERSON")], gold), ([Span(0, 7, "PERSON")], gold))])
    text = report.render()
    rows = {line.split("  ")[1].strip(): line for line in text.splitlines() if "  " in line}
    assert rows["argument classification"].split()[2:5] == ["1.000", "1.000", "1.000"]
    assert "PERSON" in rows and "Meet" in rows
    data = json.loads(json.dumps(report.to_dict()))
    assert data["events"]["trigger_classification"]["f1"] == 1.0
    assert data["entities"]["by_label"]["PERSON"]["tp"] == 1
    assert data["trigger_classification_by_type"]["Meet"]["gold"] == 1
    assert data["argument_classification_by_role"]["Meet.Participant"]["predicted"] == 1
