"""Event rules, second round of issue 10: speakers of inverted and participle reports,
names the model cut short, values and dates in words, fractions, delegations headed by
someone, and what "invest in X" names. Each test states the rule its arguments record."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model


def found(nlp, suggester, text: str) -> dict[tuple[str, str], list[tuple[str, str, str, str]]]:
    """(type, trigger) -> [(role, text, label, rule)] in text order."""
    out = {}
    for s in suggester(nlp(text)):
        args = [(a.role, text[a.span.start : a.span.end], a.span.label, a.rule)
                for a in s.arguments]  # fmt: skip
        out[(s.label, text[s.span.start : s.span.end])] = args
    return out


def test_event_recall_more_inverted_report_speaker_follows_the_verb(nlp, suggester):
    text = (
        "In Astana on Tuesday was held the meeting of the commission, informs the press "
        "service of the Ministry of Energy of Kazakhstan."
    )
    args = found(nlp, suggester, text)[("Statement", "informs")]
    assert ("Speaker", "Ministry of Energy of Kazakhstan", "ORG", "inverted-speaker") in args
    assert not any(a[0] == "Addressee" for a in args)


def test_event_recall_more_reporting_participle_speaker_is_its_noun(nlp, suggester):
    text = (
        "By decree of the President, Asset Issayev has been appointed ambassador to "
        "Turkmenistan, the Akorda press service reported on Monday."
    )
    args = found(nlp, suggester, text)[("Statement", "reported")]
    assert [a[1] for a in args if a[0] == "Speaker"] == ["Akorda"]
    assert args[0][3] == "reporting-acl"


def test_event_recall_more_speaker_before_a_relative_clause(nlp, suggester):
    text = (
        "In addition, eleven and a half billion tenge will be allocated from the regional "
        "budget, Akim of the Turkestan region Darkhan Satybaldy, who attended the signing, "
        "told journalists."
    )
    args = found(nlp, suggester, text)[("Statement", "told")]
    assert ("Speaker", "Darkhan Satybaldy", "PERSON", "subj-left") in args


def test_event_recall_more_told_journalists_is_no_inverted_speaker(nlp, suggester):
    text = "The decision was taken on Monday, told journalists."
    events = found(nlp, suggester, text)
    assert not any(a[3] == "inverted-speaker" for args in events.values() for a in args)


@pytest.mark.parametrize(
    ("text", "trigger", "role", "name"),
    [
        (
            "More than two million residents will benefit from it,\u201d Yerbolat Dossayev said.",
            ("Statement", "said"),
            "Speaker",
            "Yerbolat Dossayev",
        ),
        (
            "The appointment of Han Chunlin, who previously headed the department, was "
            "announced by Beijing in February.",
            ("Personnel", "appointment"),
            "Person",
            "Han Chunlin",
        ),
    ],
)
def test_event_recall_more_given_name_joins_the_surname(nlp, suggester, text, trigger, role, name):
    args = found(nlp, suggester, text)[trigger]
    hit = [a for a in args if a[0] == role]
    assert [(a[1], a[2]) for a in hit] == [(name, "PERSON")]
    assert hit[0][3].endswith("+name-extended")


def test_event_recall_more_value_in_a_passive_by_is_the_change(nlp, suggester):
    text = (
        "Trade between Kazakhstan and Turkmenistan, which was cut by almost a fifth in 2023, "
        "recovered last year."
    )
    args = found(nlp, suggester, text)[("EconomicFigure", "cut")]
    assert ("Change", "almost a fifth", "CARDINAL", "by-value-passive") in args
    assert ("Period", "2023", "DATE", "pp-in") in args


def test_event_recall_more_fraction_read_as_a_date_is_a_change(nlp, suggester):
    text = "The portfolio of the bank has grown by a quarter over the past three years."
    args = found(nlp, suggester, text)[("EconomicFigure", "grown")]
    assert ("Change", "a quarter", "CARDINAL", "pp-by+fraction") in args
    assert not any(a[0] == "Period" and a[1] == "a quarter" for a in args)


def test_event_recall_more_dates_and_values_keep_their_extent(nlp, suggester):
    text = (
        "Since two thousand and six, the EDB has invested more than one and a half billion "
        "dollars in Kazakh energy projects."
    )
    args = found(nlp, suggester, text)[("TransferMoney", "invested")]
    assert ("Time", "two thousand and six", "DATE", "pp-since") in args
    text = "The economy grew by 6.2% in January–June 2025."
    args = found(nlp, suggester, text)[("EconomicFigure", "grew")]
    assert ("Period", "January–June 2025", "DATE", "pp-in") in args


def test_event_recall_more_percent_in_words_without_an_entity(nlp, suggester):
    text = "Water losses are expected to be cut by half, to some twenty per cent."
    args = found(nlp, suggester, text)[("EconomicFigure", "cut")]
    assert ("Value", "some twenty per cent", "PERCENT", "pp-to+fallback-percent") in args


def test_event_recall_more_delegation_headed_by_a_person(nlp, suggester):
    text = "Sklyar met with a delegation of Korea led by Vice Minister Park Junho in Astana."
    args = found(nlp, suggester, text)[("Meet", "met")]
    assert ("Participant", "Park Junho", "PERSON", "pp-with+led-by") in args
    assert ("Participant", "Korea", "GPE", "pp-with") in args


def test_event_recall_more_invest_in_a_region_is_the_place(nlp, suggester):
    text = "Uzbek companies plan to invest $40 million in the Turkestan region."
    args = found(nlp, suggester, text)[("TransferMoney", "invest")]
    assert ("Place", "Turkestan region", "GPE", "pp-in+region-place") in args
    assert not any(a[0] == "Recipient" for a in args)


def test_event_recall_more_entity_modifying_an_in_object_is_no_recipient(nlp, suggester):
    text = "Korean investment in the Kazakh economy since 2005 has exceeded $9 billion."
    args = found(nlp, suggester, text)[("TransferMoney", "investment")]
    assert not any(a[0] == "Recipient" for a in args)
    assert ("Giver", "Korean", "NORP", "modifier") in args


def test_event_recall_more_position_stops_before_a_blank_line(nlp, suggester):
    text = (
        "Yerlan Kudaibergenov appointed Vice Minister of Energy\n\nBy a resolution of the "
        "Government, Yerlan Kudaibergenov has been appointed Vice Minister of Energy."
    )
    headline = suggester(nlp(text))[0]
    positions = [
        text[a.span.start : a.span.end] for a in headline.arguments if a.role == "Position"
    ]
    assert positions == ["Vice Minister of Energy"]
