"""Event rules on the styles of real news (issue 10, part 2): passive and relative clauses,
nominal events in prepositional phrases, coordinated lists, new trigger words, and typed
fallbacks for the model's entity slips. Every argument says which rule found it.

These test the rules, so they run without the learned argument model (which may add or
drop arguments on top: tests/suggest/test_arg_model.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli as cli_main
from annotator.core.models import ParsedDoc
from annotator.store import Store

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def suggester():
    from annotator.suggest.events import EventSuggester

    return EventSuggester(arg_model=None)


def found(nlp, suggester, text: str) -> dict[tuple[str, str], list[tuple[str, str, str, str]]]:
    """(type, trigger) -> [(role, text, label, rule)] in text order."""
    out = {}
    for s in suggester(nlp(text)):
        args = [(a.role, text[a.span.start : a.span.end], a.span.label, a.rule)
                for a in s.arguments]  # fmt: skip
        out[(s.label, text[s.span.start : s.span.end])] = args
    return out


def test_event_recall_passive_agent_and_its_place(nlp, suggester):
    text = "The Kyrgyz delegation was received by President Shavkat Mirziyoyev in Samarkand."
    assert found(nlp, suggester, text)[("Meet", "received")] == [
        ("Participant", "Kyrgyz", "GPE", "subj-passive"),
        ("Participant", "Shavkat Mirziyoyev", "PERSON", "by-agent-passive"),
        ("Place", "Samarkand", "GPE", "agent-pp-in"),
    ]


def test_event_recall_relative_clause_subject_of_a_chairing_verb(nlp, suggester):
    text = "Nurlan Baibazarov, who chaired the meeting, welcomed the guests."
    assert found(nlp, suggester, text)[("Meet", "meeting")] == [
        ("Participant", "Nurlan Baibazarov", "PERSON", "support-verb:relcl-subject")
    ]


def test_event_recall_indicator_in_the_subject_of_a_relative_clause(nlp, suggester):
    text = "Trade turnover, which grew by 12 percent in 2024, reached $4.1 billion."
    assert found(nlp, suggester, text)[("EconomicFigure", "grew")] == [
        ("Indicator", "Trade turnover", "SPAN", "relcl-subject"),
        ("Change", "12 percent", "PERCENT", "pp-by"),
        ("Period", "2024", "DATE", "pp-in"),
    ]


def test_event_recall_nominal_event_in_a_pp_takes_the_verbs_place_and_date(nlp, suggester):
    text = "At the summit, the presidents adopted a declaration in Astana on Friday."
    assert found(nlp, suggester, text)[("Meet", "summit")] == [
        ("Place", "Astana", "GPE", "pp-governing-verb:obj-pp-in"),
        ("Time", "Friday", "DATE", "pp-governing-verb:pp-on"),
    ]


def test_event_recall_place_of_the_of_object_of_a_noun_trigger(nlp, suggester):
    text = "A meeting of the intergovernmental commission in Seoul ended on Monday."
    assert found(nlp, suggester, text)[("Meet", "meeting")] == [
        ("Place", "Seoul", "GPE", "of-obj-pp-in"),
        ("Time", "Monday", "DATE", "support-verb:pp-on"),
    ]


def test_event_recall_sent_a_letter_to(nlp, suggester):
    text = "Tokayev sent a letter to Vladimir Putin on March 3."
    assert found(nlp, suggester, text)[("Contact", "letter")] == [
        ("Participant", "Vladimir Putin", "PERSON", "support-verb:pp-to"),
        ("Time", "March 3", "DATE", "support-verb:pp-on"),
    ]


def test_event_recall_receiving_verb_subject_is_the_recipient(nlp, suggester):
    text = "Uzbekistan received a loan of $300 million from the Asian Development Bank."
    assert found(nlp, suggester, text)[("TransferMoney", "loan")] == [
        ("Recipient", "Uzbekistan", "GPE", "support-verb:subj-recipient+gazetteer-place"),
        ("Money", "$300 million", "MONEY", "pp-of"),
        ("Giver", "Asian Development Bank", "ORG", "support-verb:pp-from"),
    ]


def test_event_recall_attracted_investment(nlp, suggester):
    text = "The region attracted investment of $500 million from Chinese companies in 2023."
    assert found(nlp, suggester, text)[("TransferMoney", "investment")] == [
        ("Money", "$500 million", "MONEY", "pp-of"),
        ("Giver", "Chinese", "NORP", "support-verb:pp-from"),
        ("Time", "2023", "DATE", "support-verb:pp-in"),
    ]


def test_event_recall_every_item_of_a_long_list(nlp, suggester):
    text = "Representatives of Kazakhstan, the European Union, Russia, China and Turkey met."
    args = found(nlp, suggester, text)[("Meet", "met")]
    assert [(a[1], a[3]) for a in args] == [
        ("Kazakhstan", "subj-active+gazetteer-place"),
        ("European Union", "subj-active"),
        ("Russia", "subj-active"),
        ("China", "subj-active"),
        ("Turkey", "subj-active"),
    ]


def test_event_recall_coordinated_subjects_of_a_call(nlp, suggester):
    text = "Tokayev and Erdogan spoke by telephone on Wednesday."
    assert found(nlp, suggester, text)[("Contact", "spoke")] == [
        ("Participant", "Tokayev", "PERSON", "subj-active"),
        ("Participant", "Erdogan", "PERSON", "subj-active+conj-list"),
        ("Time", "Wednesday", "DATE", "pp-on"),
    ]


@pytest.mark.parametrize("verb", ["denied", "argued", "admitted", "reiterated", "commented"])
def test_event_recall_verbs_of_saying(nlp, suggester, verb):
    text = f"Minister Roman Sklyar {verb} that the project was on schedule."
    assert found(nlp, suggester, text)[("Statement", verb)] == [
        ("Speaker", "Roman Sklyar", "PERSON", "subj-active")
    ]


def test_event_recall_level_verbs_cut_and_stand_at(nlp, suggester):
    cut = found(nlp, suggester, "The National Bank cut the base rate to 14.75 percent in October.")
    assert cut[("EconomicFigure", "cut")] == [
        ("Indicator", "base rate", "SPAN", "obj"),
        ("Value", "14.75 percent", "PERCENT", "pp-to"),
        ("Period", "October", "DATE", "pp-in"),
    ]
    stood = found(nlp, suggester, "Inflation stood at 8.5 percent in September.")
    assert stood[("EconomicFigure", "stood")] == [
        ("Indicator", "Inflation", "SPAN", "subj-active"),
        ("Value", "8.5 percent", "PERCENT", "pp-at"),
        ("Period", "September", "DATE", "pp-in"),
    ]


def test_event_recall_date_after_by_is_a_period(nlp, suggester):
    text = "Exports rose by 8 percent to $2 billion by 2025."
    args = found(nlp, suggester, text)[("EconomicFigure", "rose")]
    assert ("Period", "2025", "DATE", "pp-by") in args
    assert ("Change", "8 percent", "PERCENT", "pp-by") in args


def test_event_recall_nominal_signing(nlp, suggester):
    """ "the signing of memoranda" is one event, on "memoranda" (gold/README.md decisions)."""
    text = "Kazakhstan and Uzbekistan will expand the signing of memoranda."
    events = found(nlp, suggester, text)
    assert ("Agreement", "signing") not in events
    assert events[("Agreement", "memoranda")] == [
        ("Party", "Kazakhstan", "GPE", "support-verb:subj-active"),
        ("Party", "Uzbekistan", "GPE", "support-verb:subj-active+conj-list"),
    ]


def test_event_recall_local_currency_read_as_a_number(nlp, suggester):
    text = "The bank allocated 120 billion tenge to farmers in Kyzylorda region."
    assert found(nlp, suggester, text)[("TransferMoney", "allocated")] == [
        ("Money", "120 billion tenge", "MONEY", "obj+fallback-currency"),
        ("Recipient", "Kyzylorda region", "GPE", "obj-pp-in+gazetteer-place"),
    ]


def test_event_recall_capitals_tagged_as_names_are_places(nlp, suggester):
    text = "After talks in Dushanbe on Friday, Tokayev flew to Ashgabat."
    events = found(nlp, suggester, text)
    assert events[("Visit", "flew")] == [
        ("Visitor", "Tokayev", "PERSON", "subj-active"),
        ("Destination", "Ashgabat", "GPE", "pp-to+gazetteer-place"),
    ]
    assert events[("Meet", "talks")][0] == ("Place", "Dushanbe", "GPE", "pp-in+gazetteer-place")


def test_event_recall_dative_to_is_the_recipient(nlp, suggester):
    text = "The fund will lend $200 million to the Government of Tajikistan."
    assert found(nlp, suggester, text)[("TransferMoney", "lend")] == [
        ("Money", "$200 million", "MONEY", "obj"),
        ("Recipient", "Government of Tajikistan", "ORG", "pp-to"),
    ]


def test_event_recall_every_argument_names_its_rule(nlp, suggester):
    text = (
        "Kassym-Jomart Tokayev received Shavkat Mirziyoyev in Astana on Monday. The sides "
        "signed agreements worth $2 billion, and trade grew by 10 percent in 2024."
    )
    suggestions = suggester(nlp(text))
    assert suggestions
    assert all(a.rule for s in suggestions for a in s.arguments)


def test_event_recall_rule_is_kept_in_the_jsonl_export(nlp, suggester, tmp_path):
    text = "The Kyrgyz delegation was received by President Shavkat Mirziyoyev in Samarkand."
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.add_docs([ParsedDoc(text, lang="en")])
        (row,) = store.list_articles("")
        store.add_suggestions([(row.id, suggester(nlp(text)))], "m", "1")
    out = tmp_path / "s.jsonl"
    args = ["export", "--format", "jsonl", "--out", str(out), "--db", str(db)]
    res = CliRunner().invoke(cli_main, [*args, "--suggestions", "--model", "m"])
    assert res.exit_code == 0, res.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    (event,) = record["events"]
    assert [(a["role"], a["rule"]) for a in event["arguments"]] == [
        ("Participant", "subj-passive"),
        ("Participant", "by-agent-passive"),
        ("Place", "agent-pp-in"),
    ]


def test_event_recall_organisation_named_after_a_facility_is_a_destination(nlp, suggester):
    text = "On Monday the minister visited the Aktau International Seaport."
    assert found(nlp, suggester, text)[("Visit", "visited")] == [
        ("Time", "Monday", "DATE", "pp-on"),
        ("Destination", "Aktau International Seaport", "FAC", "obj+fallback-facility"),
    ]
