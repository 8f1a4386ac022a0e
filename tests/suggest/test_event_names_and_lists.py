"""Entity spans the small model cuts or glues wrongly, repaired for event arguments (an
organisation's whole name, a given name after "of <country>", "<place> region", amounts in
the world's currencies), and the parties of "held talks with:" named in a bulleted list."""

from __future__ import annotations

import pytest
from found_args import found

from annotator.suggest.event_spans import SpanMapper

pytestmark = pytest.mark.model


def spans_of(nlp, text: str) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """Each token's text (its first use) -> (its span's text, label) as the argument layer
    sees it."""
    doc = nlp(text)
    mapper = SpanMapper(doc)
    out = {}
    for tok in doc:
        span = mapper.span_of(tok)
        if span is not None:
            out.setdefault(tok.text, (text[span.start : span.end], span.label))
    return out


@pytest.mark.parametrize(
    ("text", "name", "words"),
    [
        (
            "The contract was signed with the Saudi Agricultural and Livestock Investment "
            "Company on Monday.",
            "Saudi Agricultural and Livestock Investment Company",
            ["Saudi", "Agricultural", "Livestock", "Company"],
        ),
        (
            "The loan comes from the Saudi Export-Import Bank, the ministry said.",
            "Saudi Export-Import Bank",
            ["Saudi", "Export", "Bank"],
        ),
        (
            "A memorandum was signed with the Kazakh Scientific Research Institute of Fruit and "
            "Vegetable Growing.",
            "Kazakh Scientific Research Institute of Fruit and Vegetable Growing",
            ["Kazakh", "Scientific", "Institute", "Fruit", "Vegetable", "Growing"],
        ),
    ],
)
def test_an_organisations_whole_name_from_any_of_its_words(nlp, text, name, words):
    spans = spans_of(nlp, text)
    for word in words:
        assert spans[word] == (name, "ORG"), word


def test_the_words_of_a_name_are_no_fragments_but_a_list_stays_apart(nlp):
    spans = spans_of(nlp, "A memorandum was signed with the Kazakh Scientific Research Institute.")
    assert spans["the"] == spans["Scientific"] == ("Kazakh Scientific Research Institute", "ORG")
    spans = spans_of(nlp, "Leaders of Kazakhstan and China met in Astana.")
    assert spans["Kazakhstan"] == ("Kazakhstan", "GPE")
    assert spans["China"] == ("China", "GPE")


def test_another_organisation_after_and_is_not_taken_in(nlp):
    spans = spans_of(nlp, "Kazakhstan and the Development Bank of Kazakhstan signed.")
    assert spans["Bank"] == ("Development Bank of Kazakhstan", "ORG")
    assert spans["Kazakhstan"][0] == "Kazakhstan"


def test_a_given_name_after_of_a_country_belongs_to_the_person(nlp):
    text = (
        "The memorandum was signed with State Secretary for Agriculture of the Netherlands "
        "Jan Willem Bosman, the ministry said."
    )
    spans = spans_of(nlp, text)
    assert spans["Jan"] == spans["Bosman"] == ("Jan Willem Bosman", "PERSON")
    assert spans["Netherlands"] == ("Netherlands", "GPE")


def test_amounts_in_other_currencies_are_money(nlp):
    spans = spans_of(nlp, "The bank will lend 1.2 billion birr to farmers in the Akmola region.")
    assert spans["birr"] == ("1.2 billion birr", "MONEY")
    assert spans["Akmola"] == ("Akmola region", "GPE")


LISTED = (
    "Kazakh minister visits Oslo\n\n"
    "On the margins of the forum, Marat Seitkaliyev held talks with:\n"
    "– Minister of Fisheries of Norway Kari Nordmann;\n"
    "– Chief Executive Officer of Mowi Group Ole Hansen, who proposed a salmon route from "
    "Oslo to Almaty;\n"
    "– the heads of Equinor, Yara International and the Norwegian Seafood Council.\n\n"
    "Speaking at the plenary session, he said that trade grew."
)


def test_the_parties_of_talks_with_a_bulleted_list(nlp, suggester):
    events = found(nlp, suggester, LISTED)
    args = events[("Meet", "talks")]
    listed = [(r, t) for r, t, rule in args if rule == "listed-after-colon"]
    assert listed == [
        ("Participant", "Kari Nordmann"),
        ("Participant", "Ole Hansen"),
        ("Participant", "Equinor"),
        ("Participant", "Yara International"),
        ("Participant", "Norwegian Seafood Council"),
    ]
    # the title's organisation and the places of the relative clause are not parties
    assert not {t for _, t, _ in args} & {"Mowi Group", "Oslo", "Almaty", "Norway"}


@pytest.mark.parametrize(
    "head",
    [
        "Main results of the forum:",  # no "with:": the list is no list of parties
        "On the margins of the forum, Marat Seitkaliyev held talks with officials and said:",
    ],
)
def test_a_list_after_another_colon_names_no_parties(nlp, suggester, head):
    text = LISTED.replace("On the margins of the forum, Marat Seitkaliyev held talks with:", head)
    events = found(nlp, suggester, text)
    rules = [rule for args in events.values() for _, _, rule in args]
    assert "listed-after-colon" not in rules
