"""Trigger words the lexicon gained from the guidelines' decisions of test-4 … test-6
("accepted the invitation" is an Agreement and a Statement on "invitation"; "returned from
Cairo" and "come to Kostanay" are Visits; a convention or arrangement is an Agreement), and
the uses of the same words that are no event."""

from __future__ import annotations

import pytest
from found_args import found

pytestmark = pytest.mark.model


def test_lexicon_accepted_invitation_is_an_agreement_and_a_statement(nlp, suggester):
    text = (
        "Prime Minister Shehbaz Sharif invited Tokayev to Islamabad, and Tokayev accepted the "
        "invitation."
    )
    events = found(nlp, suggester, text)
    assert ("Agreement", "accepted") in events
    assert ("Statement", "invitation") in events
    assert ("Party", "Tokayev") in {(r, t) for r, t, _ in events[("Agreement", "accepted")]}


def test_lexicon_returned_from_a_place_is_a_visit_with_its_origin(nlp, suggester):
    text = (
        "President of the Kazakhfilm studio Bauyrzhan Sagatov, who returned last week from "
        "Cairo, signed the agreement."
    )
    events = found(nlp, suggester, text)
    args = {(r, t) for r, t, _ in events[("Visit", "returned")]}
    assert {("Visitor", "Bauyrzhan Sagatov"), ("Origin", "Cairo")} <= args


@pytest.mark.parametrize(
    "text",
    [
        "The law comes into force on 1 January.",
        "Industrial output returned to growth in March.",
        "The ministry accepted 40 applications.",
    ],
)
def test_lexicon_the_same_words_without_a_place_or_document_are_no_event(nlp, suggester, text):
    events = found(nlp, suggester, text)
    assert not any(t in ("Visit", "Agreement") for t, _ in events), events


def test_lexicon_a_convention_is_an_agreement(nlp, suggester):
    text = "Kazakhstan and Portugal signed a double taxation convention in Lisbon on Monday."
    events = found(nlp, suggester, text)
    args = {(r, t) for r, t, _ in events[("Agreement", "convention")]}
    assert {("Party", "Kazakhstan"), ("Party", "Portugal"), ("Place", "Lisbon")} <= args


@pytest.mark.parametrize(
    ("text", "word", "speaker"),
    [
        (
            "Nacional Financiera has offered to lend one billion pesos.",
            "offered",
            "Nacional Financiera",
        ),
        ("Tokayev reminded that trade with China had doubled.", "reminded", "Tokayev"),
        ("Akorda cited the president's decree.", "cited", "Akorda"),
        ("Mirziyoyev suggested a joint water council.", "suggested", "Mirziyoyev"),
        ("Kazakh Invest responded that the plant would open in May.", "responded", "Kazakh Invest"),
        ("KTZ complained about the delays at the border.", "complained", "KTZ"),
    ],
)
def test_lexicon_verbs_of_saying_from_the_guidelines(nlp, suggester, text, word, speaker):
    events = found(nlp, suggester, text)
    assert ("Statement", word) in events, events
    assert ("Speaker", speaker) in {(r, t) for r, t, _ in events[("Statement", word)]}
